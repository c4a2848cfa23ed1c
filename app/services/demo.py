"""Realistic Chinese demo data, inserted in bulk so benchmark volumes take minutes, not hours."""

import random
from decimal import Decimal

from sqlalchemy import func, insert, select

from app.extensions import db
from app.services.accounts import hash_password
from app.services.pinyin import initials
from models.accounts import Employee, Role
from models.base_data import Department
from models.products import Product, ProductCategory

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯晨欣怡子涵"
BRANDS = ["华为", "小米", "联想", "格力", "美的", "海尔", "方正", "得力", "晨光", "金山", "长城", "中兴", "重庆", "银河"]
ITEMS = [("笔记本电脑", "台"), ("激光打印机", "台"), ("办公椅", "把"), ("文件柜", "个"), ("空调", "台"),
         ("投影仪", "台"), ("路由器", "个"), ("碎纸机", "台"), ("复印纸", "箱"), ("签字笔", "盒"),
         ("显示器", "台"), ("保险柜", "个"), ("会议桌", "张"), ("净水器", "台"), ("扫描仪", "台")]
CATEGORY_TREE = {"办公设备": ["打印设备", "投影设备"], "电脑数码": ["笔记本", "外设配件"],
                 "办公家具": ["桌椅", "柜类"], "办公耗材": ["纸品", "文具"], "家用电器": ["空调", "净水"]}


class DemoBuilder:
    def __init__(self, seed: int = 2026):
        self.rng = random.Random(seed)

    def person_name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))

    def employees(self, count: int) -> int:
        roles = db.session.scalars(select(Role).where(Role.is_superadmin.is_(False))).all()
        departments = db.session.scalars(select(Department)).all()
        start = db.session.scalar(select(func.count(Employee.id))) or 0
        password = hash_password("demo12345")
        rows = []
        for i in range(count):
            role = self.rng.choice(roles) if roles else None
            rows.append({"username": f"demo{start + i + 1:04d}", "real_name": self.person_name(),
                         "password_hash": password, "role_id": role.id if role else None,
                         "department_id": role.department_id if role and role.department_id
                         else (self.rng.choice(departments).id if departments else None),
                         "mobile": self.mobile(), "is_enabled": True})
        if rows:
            db.session.execute(insert(Employee), rows)
        db.session.commit()
        return count

    def mobile(self) -> str:
        return self.rng.choice(("13", "15", "18", "17")) + "".join(self.rng.choice("0123456789") for _ in range(9))

    def categories(self) -> list[int]:
        leaves = []
        existing = {c.name: c for c in db.session.scalars(select(ProductCategory))}
        for top, children in CATEGORY_TREE.items():
            parent = existing.get(top) or ProductCategory(name=top)
            db.session.add(parent)
            for child in children:
                leaf = existing.get(child) or ProductCategory(name=child, parent=parent)
                db.session.add(leaf)
                leaves.append(leaf)
        db.session.flush()
        return [leaf.id for leaf in leaves]

    def products(self, count: int, batch: int = 5000, progress=None) -> int:
        leaves = self.categories()
        start = db.session.scalar(select(func.max(Product.id))) or 0
        made = 0
        while made < count:
            rows = []
            for i in range(made, min(count, made + batch)):
                brand = self.rng.choice(BRANDS)
                item, unit = self.rng.choice(ITEMS)
                model_no = f"{self.rng.choice('ABCDEFGHKMX')}{self.rng.randint(100, 9999)}"
                name = f"{brand}{item}"
                rows.append({
                    "code": f"P{start + i + 1:08d}", "name": name, "pinyin": initials(name),
                    "spec": model_no, "unit": unit,
                    "price": Decimal(self.rng.randint(500, 2000000)) / 100,
                    "category_id": self.rng.choice(leaves), "on_shelf": self.rng.random() > 0.1,
                })
            db.session.execute(insert(Product), rows)
            db.session.commit()
            made += len(rows)
            if progress:
                progress(made)
        return made
