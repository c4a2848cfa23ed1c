"""客户资料 rules: required fields, 客户验证设置 duplicates, numbering, history (manual 3.8.4, 4.1)."""

from datetime import date

import pytest
from sqlalchemy import select

from app.services.customer_demo import make_customer
from app.services.customers import records
from app.services.customers.settings import save_check_settings
from app.services.errors import ValidationFailed
from models.base_data import CustomerCategory
from models.customers import CustomerContact, CustomerHistory, HistoryKind
from tests.helpers import admin, make_employee


def test_name_and_one_phone_are_required(db):
    with pytest.raises(ValidationFailed) as err:
        records.create_customer({"name": "  ", "contact_name": "陈军"}, admin())
    assert "客户名称不能为空" in err.value.message
    assert "固定电话、联系手机、办公电话、传真至少填写一项" in err.value.message
    customer = records.create_customer({"name": "北京世纪城有限公司", "fax": "010-1234567"}, admin())
    assert customer.code.startswith("CT") and len(customer.code) == 15


def test_new_customer_gets_defaults_owner_and_primary_contact(db):
    boss = admin()
    customer = make_customer(boss, name="北京世纪城有限公司", contact_name="张三", gender="male", position="经理")
    assert customer.owner_id == boss.id and customer.creator_id == boss.id
    assert customer.category.name == "潜在客户" and customer.source.name == "主动开拓"
    assert customer.pinyin == "bjsjcyxgs"
    contact = db.session.scalar(select(CustomerContact).where(CustomerContact.customer_id == customer.id))
    assert contact.is_primary and contact.name == "张三" and contact.position == "经理"


def test_duplicate_mobile_is_refused_with_the_manual_message_ignoring_spaces_and_dashes(db):
    zhang = make_employee("zhangsan", real_name="张三")
    first = make_customer(zhang, name="北京世纪城有限公司", mobile="138 0013-8000")
    with pytest.raises(ValidationFailed) as err:
        make_customer(admin(), name="另一家公司", mobile="13800138000")
    assert err.value.message == f"手机已存在,客户编号:{first.code},客户名称:北京世纪城有限公司,客服专员:张三"


def test_a_mobile_typed_as_landline_still_counts_as_duplicate(db):
    make_customer(admin(), name="甲公司", mobile="13800138000")
    with pytest.raises(ValidationFailed, match="固定电话已存在"):
        records.create_customer({"name": "乙公司", "phone": "138-0013-8000"}, admin())


def test_checks_follow_the_settings(db):
    make_customer(admin(), name="同名公司", email="A@b.com")
    make_customer(admin(), name="同名公司")  # 客户名称 unchecked by default (figure 3-19)
    with pytest.raises(ValidationFailed, match="电子邮箱已存在"):
        make_customer(admin(), name="别的公司", email="a@B.com")
    save_check_settings({"check_name"})
    with pytest.raises(ValidationFailed, match="客户名称已存在"):
        make_customer(admin(), name="同名公司")
    make_customer(admin(), name="新公司", email="a@b.com")


def test_editing_keeps_own_values_and_logs_category_change(db):
    boss = admin()
    customer = make_customer(boss, name="甲公司", mobile="13800138000")
    formal = db.session.scalar(select(CustomerCategory).where(CustomerCategory.name == "正式客户"))
    values = {"name": "甲公司", "mobile": "13800138000", "category_id": formal.id}
    records.update_customer(customer, values, boss)
    history = db.session.scalars(select(CustomerHistory).where(CustomerHistory.customer_id == customer.id)).all()
    assert [(h.kind, h.from_value, h.to_value) for h in history] == [(HistoryKind.CATEGORY, "潜在客户", "正式客户")]


def test_bad_values_are_refused_together(db):
    with pytest.raises(ValidationFailed) as err:
        records.create_customer({"name": "x" * 101, "mobile": "abc", "email": "no-at", "contract_start": date(2026, 5, 1),
                                 "contract_end": date(2026, 1, 1)}, admin())
    message = err.value.message
    for part in ("客户名称不能超过 100 个字", "联系手机只能包含数字", "电子邮箱格式不正确", "合同止日不能早于合同始日"):
        assert part in message


def test_assign_logs_owner_history(db):
    boss = admin()
    li = make_employee("lisi", real_name="李四")
    customer = make_customer(boss)
    records.assign_owner([customer], li.id, boss)
    assert customer.owner_id == li.id
    row = db.session.scalar(select(CustomerHistory).where(CustomerHistory.kind == HistoryKind.OWNER))
    assert (row.from_value, row.to_value, row.actor_name) == ("系统管理员", "李四", "系统管理员")


def test_lunar_birthday_month(db):
    assert records.birth_month(date(1990, 9, 6), True, year=2026) == 10
    assert records.birth_month(date(1990, 9, 6), False) == 9


def test_lunar_birth_months_are_refreshed_for_the_year(db):
    customer = make_customer(admin(), birthday=date(1990, 9, 6), is_lunar_birthday=True)
    customer.birth_month = 1
    assert records.refresh_lunar_birth_months(year=2026) == 1
    assert customer.birth_month == 10
    assert records.refresh_lunar_birth_months(year=2026) == 0
