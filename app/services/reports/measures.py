"""Report measures: what a bar or cell adds up (a count, or a sum of an amount), over which records.

A measure may count only part of the report's records (销售单 or 退货单); that part is its Subset,
and the drill-down of its cell lists exactly that part.
"""

from dataclasses import dataclass

from sqlalchemy import case, func

from models.orders import SalesOrder, SalesOrderLine
from models.tickets import Ticket, TicketStatus


@dataclass(frozen=True)
class Subset:
    key: str
    chip_label: str
    chip_value: str
    condition: object


SALES = Subset("sales", "订单类型", "销售订单（不含退货）", SalesOrder.is_return.is_(False))
RETURNS = Subset("returns", "订单类型", "退货单", SalesOrder.is_return.is_(True))
TICKETS_WORKING = Subset("working", "工单状态", "已分配（处理中）", Ticket.status == TicketStatus.ASSIGNED)
TICKETS_SOLVED = Subset("solved", "工单状态", "已解决、已关闭",
                        Ticket.status.in_((TicketStatus.RESOLVED, TicketStatus.CLOSED)))
TICKETS_CANCELLED = Subset("cancelled", "工单状态", "已取消", Ticket.status == TicketStatus.CANCELLED)


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    value: object = None  # a record's amount; None counts records
    subset: Subset | None = None
    kind: str = "count"  # count | money | quantity

    def row_value(self, entity):
        """Per record (or rollup row) of `entity`: what the aggregate adds (1 or the amount; 0 outside the subset)."""
        amount, condition = entity.measured(self)
        return amount if self.subset is None else case((condition, amount), else_=0)

    def total(self, column):
        return func.coalesce(func.sum(column), 0)


def count(key: str, label: str, subset: Subset | None = None) -> Measure:
    return Measure(key, label, None, subset, "count")


def money(key: str, label: str, value, subset: Subset | None = None) -> Measure:
    return Measure(key, label, value, subset, "money")


def quantity(key: str, label: str, value, subset: Subset | None = None) -> Measure:
    return Measure(key, label, value, subset, "quantity")


PAYABLE, PAID, DEBT = SalesOrder.payable, SalesOrder.paid, SalesOrder.debt
LINE_QUANTITY, LINE_AMOUNT = SalesOrderLine.quantity, SalesOrderLine.subtotal
