"""What a report counts: customers, follow-ups, orders, order lines or tickets, with their date column, owner and scope.

An entity knows how to reach the customer a record belongs to, so the customer attributes (省份, 来源,
行业, 类别) filter and group orders the same way they do customers; that join is added only when needed.
"""

from dataclasses import dataclass, field

from sqlalchemy import func, literal, or_, select

from app.security.scope import visible_owner_ids
from app.timeutil import to_local
from models.customers import Customer, FollowUp
from models.orders import OrderOwnerDailySum, OrderStatus, SalesOrder, SalesOrderLine
from models.tickets import Ticket

# 公司销售报表 and the other sales reports count these orders; 等待审核 and 已取消 are left out (manual 7.3).
COUNTED_STATUSES = (OrderStatus.PICKING, OrderStatus.SHIPPED, OrderStatus.COMPLETED)
COUNTED_LABEL = "正在配货、已经发货、交易完成（含退货单，退货金额为负）"


@dataclass(frozen=True)
class Entity:
    key: str
    label: str  # what one record is called on the drill-down page
    model: type
    date_column: object
    owner_column: object
    scope_module: str
    order_by: tuple
    base_conditions: tuple = ()
    base_chips: tuple[tuple[str, str], ...] = ()
    # (target, onclause) joins every statement of this entity needs
    joins: tuple = field(default_factory=tuple)
    # how to reach the record's customer; joined only when a dimension or filter reads a customer column
    customer_join: tuple | None = None
    # further owner columns: a record is visible when any of its owners is in the user's 数据范围
    also_owned_by: tuple = ()
    # the same records added up per local day and owner (a Rollup), for reports that need nothing else
    rollup: "Rollup | None" = None

    def at(self, instant):
        """A UTC boundary of a local day or period, as the date column compares with it."""
        return instant

    def measured(self, measure):
        """(per-record amount, subset condition or None) of a measure over these records."""
        amount = literal(1) if measure.value is None else measure.value
        return amount, None if measure.subset is None else measure.subset.condition

    def count(self):
        return func.count()

    def select_from(self, *columns, with_customer: bool = False):
        statement = select(*columns).select_from(self.model)
        for target, onclause in self.joins:
            statement = statement.join(target, onclause)
        if with_customer and self.customer_join is not None:
            statement = statement.join(*self.customer_join)
        return statement.where(*self.base_conditions)

    def scoped(self, statement, user):
        owners = visible_owner_ids(user, self.scope_module)
        if owners is None:
            return statement
        visible = sorted(owners)
        return statement.where(or_(*[column.in_(visible) for column in (self.owner_column, *self.also_owned_by)]))


@dataclass(frozen=True)
class Rollup(Entity):
    """Rows that each stand for `count_column` records: a local `date_column` and the owner as keys,
    the records' amounts as columns (`values`: record column -> rollup column), their subsets by key."""

    count_column: object = None
    values: tuple = ()
    subsets: tuple = ()  # (subset key, condition on the rollup)

    def at(self, instant):
        return to_local(instant).date()

    def measured(self, measure):
        if measure.value is None:
            amount = self.count_column
        else:
            amount = next((mine for theirs, mine in self.values if theirs is measure.value), None)
        if measure.subset is None:
            return amount, None
        condition = dict(self.subsets).get(measure.subset.key)
        return (amount, condition) if condition is not None else (None, None)

    def count(self):
        return func.coalesce(func.sum(self.count_column), 0)


CUSTOMERS = Entity(
    key="customer", label="客户", model=Customer, date_column=Customer.created_at, owner_column=Customer.owner_id,
    scope_module="customer", order_by=(Customer.id.desc(),))

FOLLOW_UPS = Entity(
    key="follow_up", label="联系记录", model=FollowUp, date_column=FollowUp.contacted_at,
    owner_column=FollowUp.employee_id, scope_module="customer",
    order_by=(FollowUp.contacted_at.desc(), FollowUp.id.desc()),
    customer_join=(Customer, Customer.id == FollowUp.customer_id))

# 公司销售 按部门 / 按年份 and 客服业绩 add up these rows (kept by app.services.orders.sums.post) instead of orders.
ORDER_SUMS = Rollup(
    key="order", label="订单", model=OrderOwnerDailySum, date_column=OrderOwnerDailySum.day,
    owner_column=OrderOwnerDailySum.owner_id, scope_module="order", order_by=(),
    base_conditions=(OrderOwnerDailySum.status.in_([str(s) for s in COUNTED_STATUSES]),),
    count_column=OrderOwnerDailySum.order_count,
    values=((SalesOrder.payable, OrderOwnerDailySum.payable), (SalesOrder.paid, OrderOwnerDailySum.paid),
            (SalesOrder.debt, OrderOwnerDailySum.debt)),
    subsets=(("sales", OrderOwnerDailySum.is_return.is_(False)), ("returns", OrderOwnerDailySum.is_return.is_(True))))

ORDERS = Entity(
    key="order", label="订单", model=SalesOrder, date_column=SalesOrder.order_date, owner_column=SalesOrder.owner_id,
    scope_module="order", order_by=(SalesOrder.order_date.desc(), SalesOrder.id.desc()),
    base_conditions=(SalesOrder.status.in_(COUNTED_STATUSES),), base_chips=(("订单状态", COUNTED_LABEL),),
    customer_join=(Customer, Customer.id == SalesOrder.customer_id), rollup=ORDER_SUMS)

ORDER_LINES = Entity(
    key="order_line", label="订单明细", model=SalesOrderLine, date_column=SalesOrder.order_date,
    owner_column=SalesOrder.owner_id, scope_module="order",
    order_by=(SalesOrder.order_date.desc(), SalesOrderLine.id.desc()),
    base_conditions=(SalesOrder.status.in_(COUNTED_STATUSES),), base_chips=(("订单状态", COUNTED_LABEL),),
    joins=((SalesOrder, SalesOrder.id == SalesOrderLine.order_id),),
    customer_join=(Customer, Customer.id == SalesOrder.customer_id))

# A ticket belongs to its submitter and its assignee (the ticket module's 数据范围 rule).
TICKETS = Entity(
    key="ticket", label="工单", model=Ticket, date_column=Ticket.created_at, owner_column=Ticket.owner_id,
    scope_module="ticket", order_by=(Ticket.id.desc(),), also_owned_by=(Ticket.assignee_id,),
    customer_join=(Customer, Customer.id == Ticket.customer_id))
