"""统计报表 drill-downs: the columns each kind of record shows, and how its rows are loaded.

The list behind a bar is read-only; its rows come from app.services.reports.engine.records(), the
same definition the bar was computed from.
"""

from dataclasses import dataclass
from decimal import Decimal

from flask import url_for
from sqlalchemy.orm import selectinload

from app.timeutil import format_local
from models.customers import Customer, FollowUp
from models.orders import SalesOrderLine


@dataclass(frozen=True)
class Column:
    label: str
    value: object  # record -> text, Decimal or None
    kind: str = "text"  # text | money | quantity
    link: object = None  # record -> URL


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _customer_url(customer_id):
    return url_for("customer.details_view", id=customer_id)


def _order_url(order_id):
    return url_for("order.detail", order_id=order_id)


def _name(obj):
    return str(obj) if obj is not None else ""


CUSTOMER_COLUMNS = (
    Column("客户编号", lambda c: c.code, link=lambda c: _customer_url(c.id)),
    Column("客户名称", lambda c: c.name, link=lambda c: _customer_url(c.id)),
    Column("省份", lambda c: c.province), Column("城市", lambda c: c.city), Column("区县", lambda c: c.district),
    Column("客户类别", lambda c: _name(c.category)), Column("客户来源", lambda c: _name(c.source)),
    Column("行业", lambda c: c.industry),
    Column("客服专员", lambda c: _name(c.owner) if c.owner_id else "公共客户池"),
    Column("建档时间", lambda c: format_local(c.created_at)),
)

FOLLOW_UP_COLUMNS = (
    Column("联系时间", lambda f: format_local(f.contacted_at)),
    Column("客户名称", lambda f: f.customer.name, link=lambda f: _customer_url(f.customer_id)),
    Column("联系人", lambda f: f.contact_name), Column("联系方式", lambda f: _name(f.method)),
    Column("联系类型", lambda f: f.kind.label), Column("联系客服", lambda f: _name(f.employee)),
    Column("联系内容", lambda f: (f.content or "")[:60]),
)

ORDER_COLUMNS = (
    Column("订单编号", lambda o: o.number, link=lambda o: _order_url(o.id)),
    Column("下单日期", lambda o: format_local(o.order_date)),
    Column("客户名称", lambda o: o.customer.name, link=lambda o: _customer_url(o.customer_id)),
    Column("下单客服", lambda o: _name(o.owner)), Column("订单状态", lambda o: o.status_label),
    Column("类型", lambda o: "退货单" if o.is_return else "销售订单"),
    Column("应付金额", lambda o: _money(o.payable), "money"), Column("实付金额", lambda o: _money(o.paid), "money"),
    Column("欠款金额", lambda o: _money(o.debt), "money"),
)

LINE_COLUMNS = (
    Column("订单编号", lambda line: line.order.number, link=lambda line: _order_url(line.order_id)),
    Column("下单日期", lambda line: format_local(line.order.order_date)),
    Column("客户名称", lambda line: line.order.customer.name,
           link=lambda line: _customer_url(line.order.customer_id)),
    Column("类型", lambda line: "退货单" if line.order.is_return else "销售订单"),
    Column("产品名称", lambda line: line.product_name), Column("规格", lambda line: line.product_spec),
    Column("单位", lambda line: line.product_unit), Column("单价", lambda line: _money(line.unit_price), "money"),
    Column("数量", lambda line: Decimal(line.quantity).normalize(), "quantity"),
    Column("小计", lambda line: _money(line.subtotal), "money"),
)

def _ticket_url(ticket_id):
    return url_for("ticket.detail", ticket_id=ticket_id)


TICKET_COLUMNS = (
    Column("工单号", lambda t: t.number, link=lambda t: _ticket_url(t.id)),
    Column("主题", lambda t: t.subject, link=lambda t: _ticket_url(t.id)),
    Column("客户名称", lambda t: t.customer.name, link=lambda t: _customer_url(t.customer_id)),
    Column("工单状态", lambda t: t.status.label), Column("优先级", lambda t: t.priority.label),
    Column("提交人", lambda t: _name(t.owner)), Column("处理人", lambda t: _name(t.assignee) or "未分配"),
    Column("提交时间", lambda t: format_local(t.created_at)),
)

COLUMNS = {"customer": CUSTOMER_COLUMNS, "follow_up": FOLLOW_UP_COLUMNS, "order": ORDER_COLUMNS,
           "order_line": LINE_COLUMNS, "ticket": TICKET_COLUMNS}

# Eager loads for one page of records (the orders' customer and owner are joined by the model itself).
LOAD_OPTIONS = {
    "customer": (selectinload(Customer.category), selectinload(Customer.source), selectinload(Customer.owner)),
    "follow_up": (selectinload(FollowUp.customer), selectinload(FollowUp.method), selectinload(FollowUp.employee)),
    "order": (),
    # the statement already joins sales_orders; a joined eager load would join every order once more
    "order_line": (selectinload(SalesOrderLine.order),),
    "ticket": (),  # customer, submitter and assignee are joined by the model itself
}
