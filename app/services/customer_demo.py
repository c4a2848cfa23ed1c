"""Customer demo data: one realistic customer for tests, and bulk builders for benchmark volumes.

`flask crm demo --customers 1000000 --follow-ups 3000000` takes a few minutes on SQLite: rows are
inserted with executemany in batches, pinyin initials are cached per word segment (exactly what
whole-name conversion gives), and the search tokens are written by the function the application uses.
"""

import itertools
import random
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.services.bulk_insert import insert_rows
from app.services.customers.bulk import insert_customers, use_large_cache
from app.services.customers.records import create_customer
from app.services.customers.search import name_initials
from models.accounts import Employee
from models.base import utcnow
from models.base_data import ContactMethod, CustomerCategory, CustomerSource
from models.customers import Customer, FollowUp, FollowUpKind, PoolReason

_counter = itertools.count(1)

CITIES = [("北京", "北京市", "北京市", ["朝阳区", "海淀区", "东城区", "丰台区"]),
          ("上海", "上海市", "上海市", ["浦东新区", "徐汇区", "静安区", "闵行区"]),
          ("广州", "广东省", "广州市", ["天河区", "越秀区", "白云区", "番禺区"]),
          ("深圳", "广东省", "深圳市", ["福田区", "南山区", "龙华区", "宝安区"]),
          ("重庆", "重庆市", "重庆市", ["渝中区", "江北区", "沙坪坝区"]),
          ("杭州", "浙江省", "杭州市", ["西湖区", "上城区", "滨江区"]),
          ("郑州", "河南省", "郑州市", ["金水区", "二七区", "中原区"]),
          ("成都", "四川省", "成都市", ["武侯区", "锦江区", "青羊区"]),
          ("武汉", "湖北省", "武汉市", ["江汉区", "武昌区", "洪山区"]),
          ("长沙", "湖南省", "长沙市", ["岳麓区", "天心区", "雨花区"])]
WORDS = ["世纪", "宏达", "鑫一", "晶显", "卡特", "成多", "中科", "宇杰", "诚天", "田兴", "丰淮", "启航", "银河", "华强",
         "新网", "彭和", "拉克丝", "木森", "飞科", "宝富", "聚生", "星田", "金盛", "远航", "恒通", "汇丰", "永安", "长虹",
         "天成", "博远", "瑞丰", "嘉禾", "东方", "海纳", "正大", "盛世", "光明", "佳美", "安达", "广源"]
TRADES = ["科技", "电子", "贸易", "商贸", "塑料制品", "节电设备", "税务顾问", "办公设备", "网络", "进出口", "二手车",
          "自动化设备", "建材", "物流", "餐饮管理", "文化传媒", "医疗器械", "机械制造"]
SUFFIXES = ["有限公司", "有限公司", "有限公司", "股份有限公司", "商行", "经营部", "集团"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯晨欣怡子涵"
ROADS = ["华强北路", "中山路", "人民路", "解放路", "建设路", "长江路", "黄河路", "科技园路", "滨海大道", "东风路"]
CONTENTS = ["电话沟通了产品价格，客户表示再比较一下", "上门拜访，演示了设备，客户比较满意", "发送了报价单，等待客户回复",
            "客户咨询售后服务政策", "确认了合同条款，准备签约", "客户暂时没有需求，下月再联系"]


def make_customer(actor, name: str | None = None, mobile: str | None = None, **values):
    """Create one customer through the real service (duplicate rules and search index included)."""
    n = next(_counter)
    values.setdefault("contact_name", "陈军")
    values["name"] = name or f"深圳晶显自动化设备有限公司{n}"
    if mobile is None and not any(values.get(k) for k in ("phone", "office_phone", "fax")):
        mobile = f"139{n:08d}"
    values["mobile"] = mobile
    owner = values.pop("owner", None)
    to_pool = values.pop("to_pool", False)
    return create_customer(values, actor, owner=owner, to_pool=to_pool)


class CustomerDemoBuilder:
    def __init__(self, seed: int = 2026):
        self.rng = random.Random(seed)

    def person(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))

    def _row(self, i: int, ids: dict, now) -> dict:
        rng = self.rng
        short, province, city, districts = rng.choice(CITIES)
        contact = self.person()
        if rng.random() < 0.1:  # personal customers: 客户名称 is the person (manual 4.1)
            parts = [contact]
        else:
            parts = [short, rng.choice(WORDS), rng.choice(WORDS), rng.choice(TRADES), rng.choice(SUFFIXES)]
        name = "".join(parts)
        mobile = f"1{rng.choice('3578')}{i:09d}"[-11:]
        created = now - timedelta(days=rng.randint(0, 1500), minutes=rng.randint(0, 1440))
        owner = rng.choice(ids["employees"]) if rng.random() > 0.1 else None
        row = {
            "name": name, "pinyin": name_initials(name)[:100], "contact_name": contact,
            "gender": rng.choice(("male", "female")), "position": None, "birthday": None, "is_lunar_birthday": False,
            "birth_month": None, "email": f"c{i}@example.com" if rng.random() < 0.3 else None,
            "qq": str(10000 + i * 7) if rng.random() < 0.3 else None, "mobile": mobile, "mobile_key": mobile,
            "phone": None, "phone_key": None, "office_phone": None, "office_phone_key": None, "fax": None,
            "fax_key": None, "province": province, "city": city, "district": rng.choice(districts),
            "address": f"{rng.choice(ROADS)}{rng.randint(1, 999)}号", "category_id": rng.choice(ids["categories"]),
            "source_id": rng.choice(ids["sources"]), "industry": None, "website": None, "contract_start": None,
            "contract_end": None, "remark": None, "creator_id": rng.choice(ids["employees"]), "created_at": created,
            "updated_at": created, "owner_id": owner, "owner_activity_at": created if owner else None,
            "pool_entered_at": None if owner else created, "pool_reason": None if owner else PoolReason.IMPORTED.value,
            "last_contact_at": None, "next_contact_at": None,
        }
        if rng.random() < 0.3:
            phone = f"0{rng.randint(10, 999)}-{rng.randint(2000000, 89999999)}"
            row["phone"], row["phone_key"] = phone, phone.replace("-", "")
        return row

    def customers(self, count: int, follow_ups: int = 0, batch: int = 5000, progress=None) -> tuple[int, int]:
        ids = {
            "employees": list(db.session.scalars(select(Employee.id).where(Employee.is_enabled.is_(True)))),
            "categories": list(db.session.scalars(select(CustomerCategory.id))),
            "sources": list(db.session.scalars(select(CustomerSource.id))),
            "methods": list(db.session.scalars(select(ContactMethod.id))),
        }
        start = db.session.scalar(select(func.max(Customer.id))) or 0
        use_large_cache(db.session.connection(), megabytes=1500)
        now = utcnow()
        per_customer = follow_ups / count if count else 0
        made_customers = made_follow_ups = 0
        while made_customers < count:
            n = min(batch, count - made_customers)
            rows = [self._row(start + made_customers + k + 1, ids, now) for k in range(n)]
            notes = self._follow_ups(rows, per_customer, follow_ups - made_follow_ups, ids, now)
            customer_ids = insert_customers(rows)
            if notes:
                for note in notes:
                    note["customer_id"] = customer_ids[note.pop("_row")]
                insert_rows(db.session.connection(), FollowUp.__table__, notes)
            db.session.commit()
            made_customers += n
            made_follow_ups += len(notes)
            if progress:
                progress(made_customers, made_follow_ups)
        return made_customers, made_follow_ups

    def _follow_ups(self, rows, per_customer, remaining, ids, now) -> list[dict]:
        rng = self.rng
        notes = []
        for index, row in enumerate(rows):
            wanted = int(per_customer) + (1 if rng.random() < per_customer - int(per_customer) else 0)
            wanted = min(wanted, remaining - len(notes))
            last = None
            for _ in range(max(wanted, 0)):
                at = row["created_at"] + timedelta(days=rng.randint(0, 400), minutes=rng.randint(0, 600))
                at = min(at, now)
                last = max(last, at) if last else at
                notes.append({"_row": index, "contact_name": row["contact_name"], "contact_phone": row["mobile"],
                              "method_id": rng.choice(ids["methods"]) if ids["methods"] else None, "contacted_at": at,
                              "content": rng.choice(CONTENTS), "kind": rng.choice(list(FollowUpKind)).value,
                              "next_contact_at": None, "appointment_open": False,
                              "employee_id": row["owner_id"] or row["creator_id"], "created_at": at})
            if last:
                row["last_contact_at"] = last
                if row["owner_id"]:
                    row["owner_activity_at"] = max(row["owner_activity_at"], last)
        return notes
