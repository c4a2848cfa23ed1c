"""One customer-visibility rule: a rep views 公共客户池 customers (with the pool permission) but places orders only
for customers in his own 数据范围 or shared with him; the order service and the order form's picker agree."""

import pytest
from sqlalchemy import select

from app.extensions import db as _db
from app.services.customer_demo import make_customer
from app.services.customers.sharing import share
from app.services.customers.visibility import can_view, may_place_orders_for, orderable_condition
from app.services.errors import ValidationFailed
from app.services.orders.orders import visible_customer
from models.customers import Customer
from tests.helpers import admin, make_employee, make_role


@pytest.fixture()
def people(db):
    sales = make_role("销售部经理", ["customer.view"], scopes={"customer": "subordinates"})
    rep_role = make_role("销售员", ["customer.view", "customer_pool.view"], parent=sales)
    service_role = make_role("客服部", ["customer.view"])  # another department, not below 销售部经理
    manager = make_employee("manager", role=sales)
    rep, colleague = make_employee("rep", role=rep_role), make_employee("colleague", role=rep_role)
    outsider = make_employee("outsider", role=service_role)
    customers = {
        "assigned": make_customer(admin(), name="自己的客户", owner=rep),
        "colleague": make_customer(admin(), name="同事的客户", owner=colleague),
        "shared": make_customer(admin(), name="共享的客户", owner=colleague),
        "other_department": make_customer(admin(), name="客服部的客户", owner=outsider),
        "pool": make_customer(admin(), name="公共池客户", to_pool=True),
    }
    share(customers["shared"], [rep.id], colleague)
    _db.session.commit()
    return {"manager": manager, "rep": rep, "outsider": outsider, "admin": admin()}, customers


EXPECTED = {  # user -> (may view, may place orders) per customer
    "rep": {"assigned": (True, True), "colleague": (False, False), "shared": (True, True),
            "other_department": (False, False), "pool": (True, False)},
    "manager": {"assigned": (True, True), "colleague": (True, True), "shared": (True, True),
                "other_department": (False, False), "pool": (False, False)},
    "outsider": {"assigned": (False, False), "colleague": (False, False), "shared": (False, False),
                 "other_department": (True, True), "pool": (False, False)},
    "admin": {key: (True, True) for key in ("assigned", "colleague", "shared", "other_department", "pool")},
}


@pytest.mark.parametrize("who", EXPECTED)
def test_view_and_order_rules_per_customer_kind(people, who):
    users, customers = people
    user = users[who]
    for kind, (view, order) in EXPECTED[who].items():
        customer = customers[kind]
        assert (can_view(user, customer), may_place_orders_for(user, customer)) == (view, order), kind
        if order:
            assert visible_customer(customer.id, user) is customer
        else:
            with pytest.raises(ValidationFailed, match="不在您的查看范围内"):
                visible_customer(customer.id, user)
    condition = orderable_condition(user)
    picked = set(_db.session.scalars(select(Customer.id) if condition is None
                                     else select(Customer.id).where(condition)))
    assert picked == {customers[k].id for k, (_, order) in EXPECTED[who].items() if order}
