"""销售总额 / 欠款总额 of a customer: sums over its orders as the reports count them (manual 4, 7.3).

Orders 等待审核 and 已取消 are left out; returns carry negative amounts and so reduce both sums.
"""

from decimal import Decimal

from sqlalchemy import and_, exists, func, select

from app.extensions import db
from models.orders import OrderStatus, SalesOrder

COUNTED = (OrderStatus.PICKING, OrderStatus.SHIPPED, OrderStatus.COMPLETED)


def counted_condition():
    return SalesOrder.status.in_(COUNTED)


def customer_totals(customer_id: int) -> tuple[Decimal, Decimal]:
    sales, debt = db.session.execute(
        select(func.coalesce(func.sum(SalesOrder.payable), 0), func.coalesce(func.sum(SalesOrder.debt), 0))
        .where(SalesOrder.customer_id == customer_id, counted_condition())).one()
    return Decimal(sales).quantize(Decimal("0.01")), Decimal(debt).quantize(Decimal("0.01"))


def sales_total(customer) -> Decimal:
    return customer_totals(customer.id)[0]


def debt_total(customer) -> Decimal:
    return customer_totals(customer.id)[1]


def has_debt_condition(customer_id_column):
    """有欠款: the customer has a counted order with 欠款 > 0 (indexed by customer_id, status)."""
    return exists().where(and_(SalesOrder.customer_id == customer_id_column, counted_condition(),
                               SalesOrder.debt > 0))
