"""A small business for maintenance tests: customers with contacts, follow-ups, documents, orders, quotes, logs."""

from app.extensions import db
from app.services.customers.followups import add_follow_up
from models.accounts import LoginLog
from models.customers import CustomerContact
from models.orders import OrderStatus
from tests.helpers import admin
from tests.order_factories import make_customer, make_order


def build_business(customers: int = 3) -> None:
    actor = admin()
    for n in range(customers):
        customer = make_customer(name=f"测试客户{n}有限公司", mobile=f"1380000{n:04d}")
        db.session.add(CustomerContact(customer_id=customer.id, name=f"联系人{n}", is_primary=False))
        add_follow_up(customer, {"content": f"第{n}次回访"}, actor)
        make_order(customer=customer, status=[OrderStatus.PENDING, OrderStatus.SHIPPED][n % 2], actor=actor)
    db.session.add(LoginLog(username="admin", employee_id=actor.id, ip="127.0.0.1", success=True))
    db.session.commit()
