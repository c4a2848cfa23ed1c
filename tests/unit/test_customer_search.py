"""万能检索 through the token index: 2-character names, pinyin initials, phone suffixes, one character, scope."""

import threading
import time

import pytest
from sqlalchemy import false, func, select, text

from app.extensions import db
from app.security.scope import apply_scope
from app.services.customer_demo import CustomerDemoBuilder, make_customer
from app.services.customers import records, search, vocabulary
from app.services.customers.search import search_condition
from app.services.demo import DemoBuilder
from models.customers import Customer, CustomerSearchToken, CustomerSearchVocabulary
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


def _contacts(query):
    stmt = select(Customer).where(search_condition(query)).order_by(Customer.id)
    return [c.contact_name for c in db.session.scalars(stmt)]


def test_one_character_finds_it_at_the_start_in_the_middle_and_at_the_end(db):
    boss = admin()
    make_customer(boss, name="重庆银河商行", contact_name="丁娜芳")
    make_customer(boss, name="北京世纪城有限公司", contact_name="赵倩云")
    assert _contacts("丁") == ["丁娜芳"]
    assert _contacts("娜") == ["丁娜芳"]
    assert _contacts("芳") == ["丁娜芳"]  # only at the end of a field
    assert _contacts("倩") == ["赵倩云"]  # only in the middle
    assert "customer_search_tokens" in str(search_condition("芳"))  # answered through the index


def test_one_character_values_and_words_are_indexed(db):
    boss = admin()
    make_customer(boss, name="北京世纪城有限公司", contact_name="王")
    make_customer(boss, name="重庆银河商行", address="华强北路 100 号")
    make_customer(boss, name="深圳宏达电子", contact_name="王涛")
    assert _contacts("王") == ["王", "王涛"]
    assert names("号") == ["重庆银河商行"]  # a word of one character inside a longer value
    assert "customer_search_tokens" in str(search_condition("号"))


def test_an_absent_character_is_refused_from_the_vocabulary(db, monkeypatch):
    make_customer(admin(), name="北京世纪城有限公司", contact_name="丁娜芳")
    asked = []
    original = search._tokens_containing
    monkeypatch.setattr(search, "_tokens_containing", lambda char: asked.append(char) or original(char))
    assert search_condition("龘") is false()
    assert asked == ["龘"]
    assert names("龘") == []


def test_a_removed_customer_leaves_a_harmless_vocabulary_token(db):
    customer = make_customer(admin(), name="北京世纪城有限公司", contact_name="丁娜芳")
    records.delete_customers([customer])
    assert "娜芳" in set(db.session.scalars(select(CustomerSearchVocabulary.token)))
    assert search_condition("芳") is false() and names("芳") == []


def test_one_character_search_follows_edits(db):
    customer = make_customer(admin(), name="北京世纪城有限公司", contact_name="丁娜芳")
    records.update_customer(customer, {"name": "北京世纪城有限公司", "contact_name": "赵倩云",
                                       "mobile": customer.mobile}, admin())
    assert _contacts("芳") == [] and _contacts("倩") == ["赵倩云"]


def test_one_and_two_character_terms_together(db):
    boss = admin()
    for n in range(4):
        make_customer(boss, name=f"北京世纪城有限公司{n}", contact_name="陈平")
    make_customer(boss, name="北京世纪城有限公司9", contact_name="丁娜芳")
    make_customer(boss, name="重庆银河商行", contact_name="李芳")
    assert names("芳 世纪") == names("世纪 芳") == ["北京世纪城有限公司9"]
    assert names("芳 银河") == ["重庆银河商行"]
    assert names("芳 龘龘") == [] and names("龘 世纪") == []
    # The rarer term drives the lookup: 芳 (2 customers) rather than 世纪 (5) ...
    driving = str(search_condition("世纪 芳"))
    assert "customer_search_tokens.token IN" in driving and "customer_search_tokens.token =" not in driving
    # ... and 银河 (1 customer) rather than 芳.
    driving = str(search_condition("芳 银河"))
    assert "customer_search_tokens.token =" in driving and "customer_search_tokens.token IN" not in driving
    # A 客服专员 term that no customer text has does not hide the customers the other term finds.
    assert len(names("系统管理员 世纪")) == 5


def test_single_digits_still_scan(db):
    make_customer(admin(), name="重庆银河商行", mobile="13900000007")
    assert "customer_search_tokens" not in str(search_condition("7"))
    assert names("7") == ["重庆银河商行"]


def _vocabulary():
    return set(db.session.scalars(select(CustomerSearchVocabulary.token)))


def _indexed():
    return set(db.session.scalars(select(CustomerSearchToken.token).distinct()))


def test_bulk_and_single_customer_paths_fill_the_vocabulary(db):
    DemoBuilder().employees(2)
    CustomerDemoBuilder(seed=7).customers(40)
    assert _indexed() and _vocabulary() == _indexed()
    customer = make_customer(admin(), name="龘龖贸易", contact_name="王")
    assert {"龘龖", "王"} <= _vocabulary() == _indexed()
    records.update_customer(customer, {"name": "龘龖贸易", "contact_name": "赵倩云", "mobile": customer.mobile}, admin())
    assert {"赵倩", "倩云"} <= _vocabulary()
    CustomerDemoBuilder(seed=8).customers(10)  # tokens that exist already are skipped, not refused
    assert _indexed() <= _vocabulary()


def test_the_portable_vocabulary_insert(db, monkeypatch):
    connection = db.session.connection()
    vocabulary.remember_tokens(connection, ["甲乙", "乙丙"])
    monkeypatch.setattr(vocabulary, "_IGNORING_INSERTS", {})  # as on SQL Server
    vocabulary.remember_tokens(connection, ["乙丙", "丙丁"])
    assert _vocabulary() == {"甲乙", "乙丙", "丙丁"}
    # A concurrent writer added the tokens after they were looked up: its duplicate keys are skipped.
    monkeypatch.setattr(vocabulary, "_known", lambda connection, tokens: set())
    vocabulary.remember_tokens(connection, ["甲乙", "丁戊", "丙丁"])
    assert _vocabulary() == {"甲乙", "乙丙", "丙丁", "丁戊"}
    db.session.commit()


def test_concurrent_writers_add_the_same_new_token(app, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs two concurrent transactions (PostgreSQL)")
    first = make_customer(admin(), name="北京世纪城有限公司", contact_name="陈平")
    second = make_customer(admin(), name="重庆银河商行", contact_name="陈平")
    db.session.commit()
    ids = (first.id, second.id)
    errors = []

    def rename(customer_id):
        try:
            with app.app_context():
                customer = db.session.get(Customer, customer_id)
                records.update_customer(customer, {"name": customer.name, "contact_name": "龘龖",
                                                   "mobile": customer.mobile}, admin())
                db.session.commit()
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    with app.app_context():  # the first writer: its new token is inserted, its transaction still open
        customer = db.session.get(Customer, ids[0])
        records.update_customer(customer, {"name": customer.name, "contact_name": "龘龖", "mobile": customer.mobile},
                                admin())
        other = threading.Thread(target=rename, args=(ids[1],))
        other.start()
        waiting = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock'")
        for _ in range(100):  # the second writer waits for the first one's vocabulary key
            with db.engine.connect() as probe:
                if probe.execute(waiting).scalar():
                    break
            time.sleep(0.05)
        else:
            pytest.fail("the second writer did not wait for the first")
        db.session.commit()
        db.session.remove()
    other.join(timeout=30)
    assert not other.is_alive() and not errors
    db.session.expire_all()
    assert _contacts("龘龖") == ["龘龖", "龘龖"]
    assert db.session.scalar(select(func.count()).select_from(CustomerSearchVocabulary)
                             .where(CustomerSearchVocabulary.token == "龘龖")) == 1
