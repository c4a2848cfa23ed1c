"""Factories for order tests: a customer, products, an order in any status, approvers."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.services.customers import search
from app.services.orders.lines import LineInput
from app.services.orders.orders import OrderInput, create_order
from app.services.orders.workflow import transition
from app.services.pinyin import initials
from models.customers import Customer
from models.orders import OrderStatus
from models.products import Product
from tests.helpers import admin

_counter = {"customer": 0, "product": 0}

# The steps that lead from 等待审核 to each status.
PATH = {
    OrderStatus.PENDING: [],
    OrderStatus.PICKING: ["approve"],
    OrderStatus.SHIPPED: ["approve", "ship"],
    OrderStatus.COMPLETED: ["approve", "ship", "complete"],
    OrderStatus.CANCELLED: ["approve", "cancel"],
}


def make_customer(name="安徽佑逸管业有限公司", owner=None, contact="顾老板", **fields) -> Customer:
    _counter["customer"] += 1
    owner = owner or admin()
    customer = Customer(code=f"CT20150305{_counter['customer']:05d}", name=name, contact_name=contact,
                        mobile=fields.pop("mobile", "13800000000"), province=fields.pop("province", "河北省"),
                        city=fields.pop("city", "石家庄市"), district=fields.pop("district", "长安区"),
                        address=fields.pop("address", "湘江北路49号"), owner_id=owner.id if owner else None,
                        creator_id=owner.id if owner else None, **fields)
    search.prepare_keys(customer)
    db.session.add(customer)
    db.session.flush()
    search.reindex(customer)  # the customer picker looks customers up through the search index
    return customer


def make_product(name="蛋白糖100倍", price="40.00", on_shelf=True, code=None, spec="25KG/袋", unit="KG") -> Product:
    _counter["product"] += 1
    product = Product(code=code or f"P{_counter['product']:05d}", name=name, pinyin=initials(name), price=Decimal(price),
                      on_shelf=on_shelf, spec=spec, unit=unit)
    db.session.add(product)
    db.session.flush()
    return product


def order_input(customer, lines, **kwargs) -> OrderInput:
    texts = kwargs.pop("texts", {"receiver_name": "顾老板", "receiver_address": "湘江北路49号"})
    return OrderInput(customer.id, [LineInput(p.id, q, price) for p, q, price in lines], texts=texts, **kwargs)


def make_order(customer=None, lines=None, status=OrderStatus.PENDING, actor=None, paid="0", **kwargs):
    actor = actor or admin()
    customer = customer or make_customer(owner=actor)
    if lines is None:
        lines = [(make_product(), "3", "40.00"), (make_product("栀子黄色素", "180.00"), "3", None)]
    order = create_order(order_input(customer, lines, paid=paid, **kwargs), actor)
    for step in PATH[status]:
        transition(order, step, actor)
    return order


def today() -> date:
    return date.today()


def first(model):
    return db.session.scalar(select(model).order_by(model.id))
