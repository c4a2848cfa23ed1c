"""公共客户池: 放弃, 领用, 指派, 共享 and the daily recycle by category and period (manual 3.8.1, 4.2, 4.6, 4.7)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.services.customer_demo import make_customer
from app.services.customers import pool, records, sharing
from app.services.customers.followups import add_follow_up
from app.services.customers.settings import save_pool_settings
from app.services.customers.visibility import can_view
from app.services.errors import ValidationFailed
from models.base import utcnow
from models.base_data import CustomerCategory
from models.customers import Customer, CustomerHistory, HistoryKind, PoolReason
from models.reminders import Reminder
from tests.helpers import admin, make_employee, make_role


def _category(name):
    return db.session.scalar(select(CustomerCategory).where(CustomerCategory.name == name))


def _age(customer, days):
    customer.owner_activity_at = utcnow() - timedelta(days=days)
    db.session.flush()


def test_abandon_then_claim_by_another_employee(db):
    zhang = make_employee("zhangsan", real_name="张三")
    li = make_employee("lisi", real_name="李四")
    customer = make_customer(zhang, name="甲公司")
    pool.abandon(customer, zhang)
    assert customer.owner_id is None and customer.pool_reason is PoolReason.ABANDONED
    with pytest.raises(ValidationFailed, match="已在公共客户池中"):
        pool.abandon(customer, zhang)
    pool.claim(customer, li)
    assert customer.owner_id == li.id and customer.claimed_at is not None
    with pytest.raises(ValidationFailed, match="已被领用"):
        pool.claim(customer, zhang)
    notes = [h.note for h in db.session.scalars(select(CustomerHistory).where(CustomerHistory.kind == HistoryKind.POOL)
                                                .order_by(CustomerHistory.id))]
    assert notes == ["张三放弃了此客户", "李四从公共客户池领用了此客户"]


def test_recycle_moves_only_neglected_customers_of_chosen_categories_and_is_idempotent(db):
    zhang = make_employee("zhangsan", real_name="张三")
    potential, formal = _category("潜在客户"), _category("正式客户")
    save_pool_settings(True, 30, 3, {potential.id})
    old = make_customer(zhang, name="久未跟进")
    fresh = make_customer(zhang, name="刚跟进过")
    other_category = make_customer(zhang, name="正式客户不回收", category_id=formal.id)
    soon = make_customer(zhang, name="即将回收")
    _age(old, 31)
    _age(fresh, 31)
    _age(other_category, 90)
    _age(soon, 28)
    add_follow_up(fresh, {"content": "电话回访"}, zhang)  # restarts the clock
    result = pool.recycle()
    assert result == {"recycled": 1, "warned": 1}
    assert old.owner_id is None and old.pool_reason is PoolReason.RECYCLED
    assert fresh.owner_id == zhang.id and other_category.owner_id == zhang.id and soon.owner_id == zhang.id
    warning = db.session.scalar(select(Reminder).where(Reminder.kind == "recycle_warning"))
    assert warning.employee_id == zhang.id and "即将回收" in warning.title
    assert pool.recycle() == {"recycled": 0, "warned": 0}
    history = db.session.scalar(select(CustomerHistory).where(CustomerHistory.customer_id == old.id,
                                                              CustomerHistory.kind == HistoryKind.POOL))
    assert history.actor_name == "系统" and "30 天未跟进" in history.note
    soon_ids = set(db.session.scalars(select(Customer.id).where(pool.soon_recycled_condition())))
    assert soon_ids == {soon.id}


def test_recycle_does_nothing_while_the_pool_is_off(db):
    customer = make_customer(admin())
    _age(customer, 365)
    assert pool.recycle() == {"recycled": 0, "warned": 0}
    assert customer.owner_id is not None


def test_pool_settings_are_checked(db):
    with pytest.raises(ValidationFailed, match="回收周期"):
        save_pool_settings(True, 0, 0, {_category("潜在客户").id})
    with pytest.raises(ValidationFailed, match="至少勾选一个"):
        save_pool_settings(True, 30, 3, set())


def test_share_lets_a_colleague_see_the_customer(db):
    seller = make_role("销售员", ["customer.view"], scopes={"customer": "self"})
    zhang = make_employee("zhangsan", role=seller, real_name="张三")
    li = make_employee("lisi", role=seller, real_name="李四")
    customer = make_customer(zhang, name="甲公司")
    assert not can_view(li, customer)
    assert sharing.share(customer, [li.id, zhang.id], zhang) == 1
    assert can_view(li, customer)
    pool.abandon(customer, zhang)  # shares end when the customer goes to the pool
    assert not can_view(li, customer)


def test_assign_takes_a_customer_out_of_the_pool(db):
    li = make_employee("lisi", real_name="李四")
    customer = make_customer(admin(), to_pool=True)
    assert customer.owner_id is None
    records.assign_owner([customer], li.id, admin())
    assert customer.owner_id == li.id and customer.pool_reason is None
