"""Filters of the order lists and 订单综合查询: prefix, contains, phone, amount range, product, status, region."""

from decimal import Decimal

from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from sqlalchemy import and_, exists, or_, select

from app.extensions import db
from models.accounts import Employee
from models.base_data import LogisticsCompany
from models.orders import STATUS_LABELS, OrderStatus, SalesOrder, SalesOrderLine


def _employee_choices():
    return [(str(e.id), e.real_name) for e in db.session.scalars(select(Employee).order_by(Employee.id))]


def _logistics_choices():
    return [(str(c.id), c.name) for c in db.session.scalars(
        select(LogisticsCompany).order_by(LogisticsCompany.sort_order, LogisticsCompany.id))]


class PrefixFilter(BaseSQLAFilter):
    """Starts-with as a range, so the B-tree index serves it on every database."""

    def apply(self, query, value, alias=None):
        value = value.strip()
        column = self.get_column(alias)
        return query.filter(column >= value, column < value + "\uffff") if value else query

    def operation(self):
        return "开头是"


class ContainsFilter(BaseSQLAFilter):
    def apply(self, query, value, alias=None):
        value = value.strip().replace("%", "").replace("_", "")
        return query.filter(self.get_column(alias).like(f"%{value}%")) if value else query

    def operation(self):
        return "包含"


class PhoneFilter(BaseSQLAFilter):
    def apply(self, query, value, alias=None):
        value = value.strip()
        return query.filter(or_(SalesOrder.receiver_mobile == value, SalesOrder.receiver_phone == value))

    def operation(self):
        return "等于"


class AmountRangeFilter(BaseSQLAFilter):
    """金额段: "100-500", "100-" or "-500" on 应付金额."""

    def clean(self, value):
        low, _, high = value.partition("-")
        try:
            return (Decimal(low) if low.strip() else None, Decimal(high) if high.strip() else None)
        except ArithmeticError:
            return (None, None)

    def validate(self, value):
        low, high = self.clean(value)
        return low is not None or high is not None

    def apply(self, query, value, alias=None):
        low, high = value
        if low is not None:
            query = query.filter(SalesOrder.payable >= low)
        if high is not None:
            query = query.filter(SalesOrder.payable <= high)
        return query

    def operation(self):
        return "介于（如 100-500）"


class ProductNameFilter(BaseSQLAFilter):
    def apply(self, query, value, alias=None):
        value = value.strip().replace("%", "").replace("_", "")
        return query.filter(exists().where(and_(SalesOrderLine.order_id == SalesOrder.id,
                                                SalesOrderLine.product_name.like(f"%{value}%"))))

    def operation(self):
        return "包含"


STATUS_CHOICES = [(s.value, label) for s, label in STATUS_LABELS.items()] + [("return", "退货")]


class StatusFilter(BaseSQLAFilter):
    """订单状态 of the comprehensive query, one or several ("pending,picking"); 退货 selects every return order."""

    def clean(self, value):
        return [v for v in value.split(",") if v]

    def validate(self, value):
        known = {key for key, _ in STATUS_CHOICES}
        chosen = self.clean(value)
        return bool(chosen) and all(v in known for v in chosen)

    def apply(self, query, value, alias=None):
        statuses = [OrderStatus(v) for v in value if v != "return"]
        conditions = [SalesOrder.is_return.is_(True)] if "return" in value else []
        if statuses:
            conditions.append(and_(SalesOrder.status.in_(statuses), SalesOrder.is_return.is_(False)))
        return query.filter(or_(*conditions))

    def operation(self):
        return "等于"


class RegionFilter(BaseSQLAFilter):
    def apply(self, query, value, alias=None):
        value = value.strip()
        return query.filter(or_(SalesOrder.receiver_province == value, SalesOrder.receiver_city == value,
                                SalesOrder.receiver_district == value))

    def operation(self):
        return "等于"
