"""万能检索 through the token index: 2-character names, pinyin initials, phone suffixes, scope."""

from sqlalchemy import select

from app.extensions import db
from app.security.scope import apply_scope
from app.services.customer_demo import make_customer
from app.services.customers import records
from app.services.customers.search import search_condition
from models.customers import Customer
from tests.helpers import admin, make_employee, make_role


def names(query, base=None):
    stmt = (base if base is not None else select(Customer)).where(search_condition(query)).order_by(Customer.id)
    return [c.name for c in db.session.scalars(stmt)]


def test_search_matches_every_field_the_manual_lists(db):
    boss = admin()
    make_customer(boss, name="北京世纪城有限公司", contact_name="陈平", mobile="13632132345", qq="1042109371",
                  email="workpy@abc.com", province="广东省", city="深圳市", address="华强北路 100 号",
                  remark="开票信息：中国银行")
    make_customer(boss, name="重庆银河商行", contact_name="王涛", phone="024-24513343")
    assert names("世纪") == ["北京世纪城有限公司"]
    assert names("bjsjc") == ["北京世纪城有限公司"]
    assert names("cqyhsh") == ["重庆银河商行"]  # polyphonic 重/行 read right
    assert names("2345") == ["北京世纪城有限公司"]  # last 4 digits of the mobile
    assert names("4513343") == ["重庆银河商行"]  # landline digits without the dash
    assert names("024-2451") == ["重庆银河商行"]  # typed with the dash
    assert names("陈平") == ["北京世纪城有限公司"]
    assert names("华强北") == ["北京世纪城有限公司"]
    assert names("深圳") == ["北京世纪城有限公司"]
    assert names("workpy") == ["北京世纪城有限公司"]
    assert names("104210") == ["北京世纪城有限公司"]
    assert names("中国银行") == ["北京世纪城有限公司"]
    assert names("系统管理员") == ["北京世纪城有限公司", "重庆银河商行"]  # 客服专员
    assert names("管理员") == ["北京世纪城有限公司", "重庆银河商行"]  # part of the 客服专员's name
    assert names("345") == ["北京世纪城有限公司"]  # a 3-digit piece of the mobile (no 4-gram to look up)
    assert names("33") == ["重庆银河商行"]  # two digits: only the landline has "33"
    code = db.session.scalar(select(Customer.code).where(Customer.name == "重庆银河商行"))
    assert names(code.lower()) == ["重庆银河商行"]
    assert names("世纪 华强") == ["北京世纪城有限公司"]
    assert names("世纪 王涛") == []
    assert names("不存在的词") == []


def test_index_follows_edits(db):
    customer = make_customer(admin(), name="北京世纪城有限公司", mobile="13632132345")
    records.update_customer(customer, {"name": "上海丰淮二手车", "mobile": "13701626801"}, admin())
    assert names("世纪") == [] and names("丰淮") == ["上海丰淮二手车"] and names("6801") == ["上海丰淮二手车"]


def test_search_respects_data_scope(db):
    seller = make_role("销售员", ["customer.view"], scopes={"customer": "self"})
    zhang = make_employee("zhangsan", role=seller, real_name="张三")
    make_customer(zhang, name="张三的世纪公司")
    make_customer(admin(), name="管理员的世纪公司")
    scoped = apply_scope(select(Customer), Customer.owner_id, zhang, "customer")
    assert names("世纪", scoped) == ["张三的世纪公司"]


def test_one_character_owner_name_is_not_a_substring_search(db):
    seller = make_role("销售员", ["customer.view"])
    wang = make_employee("wangwu", role=seller, real_name="王五")
    make_customer(wang, name="重庆银河商行")
    assert names("王") == []  # a surname alone does not list every customer of every 王
    assert names("王五") == ["重庆银河商行"]
