"""The one transition table of 销售订单 (manual ch. 5) and the only function that changes a status.

A transition is an UPDATE ... WHERE status = <from>: of two users approving the same order at the
same moment, the second one's UPDATE matches no row (it waits for the first one's row lock, then
sees the new status) and is refused with the same message as any other wrong-state attempt.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy import select, update

from app.extensions import db
from app.security.permissions import can
from app.security.scope import can_see_owner
from app.services.errors import Forbidden, NotFound, ValidationFailed
from app.services.orders import screens, sums  # noqa: F401  (screens registers the order.* codes)
from models.base import utcnow
from models.orders import OrderLog, OrderStatus, SalesOrder

SCOPE_MODULE = "order"


@dataclass(frozen=True)
class Transition:
    name: str
    title: str
    source: OrderStatus
    target: OrderStatus
    permission: str  # order.<permission>
    stamp: tuple[str, str | None] = ("", None)  # (time column, employee column) recorded on the order


TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition("approve", "通过审核", OrderStatus.PENDING, OrderStatus.PICKING, "approve",
               ("approved_at", "approved_by_id")),
    Transition("ship", "发货", OrderStatus.PICKING, OrderStatus.SHIPPED, "ship", ("shipped_at", "shipped_by_id")),
    Transition("complete", "订单完成", OrderStatus.SHIPPED, OrderStatus.COMPLETED, "complete",
               ("completed_at", None)),
    Transition("cancel", "取消订单", OrderStatus.PICKING, OrderStatus.CANCELLED, "cancel",
               ("cancelled_at", "cancelled_by_id")),
)}

# Called as hook(order, actor) after a successful transition of that name (e.g. 短信通知收货人 on ship).
AFTER_TRANSITION: dict[str, list[Callable]] = {name: [] for name in TRANSITIONS}


def allowed_actions(status: OrderStatus) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if t.source == status]


def can_take(order: SalesOrder, name: str) -> bool:
    """Whether the order's status allows transition `name` now (row buttons ask this; transition() enforces it)."""
    return order.status == TRANSITIONS[name].source


def ensure_access(order: SalesOrder, actor, permission: str) -> None:
    """Permission first (403), then data scope (404: the order does not exist for this user)."""
    if not can(f"order.{permission}", actor):
        raise Forbidden("您没有执行此操作的权限")
    if not can_see_owner(actor, SCOPE_MODULE, order.owner_id):
        raise NotFound("订单不存在或不在您的查看范围内")


def log(order: SalesOrder, actor, action: str, from_status=None, to_status=None, note: str | None = None) -> None:
    db.session.add(OrderLog(order_id=order.id, employee_id=actor.id if actor else None, action=action,
                            from_status=str(from_status) if from_status else None,
                            to_status=str(to_status) if to_status else None, note=(note or None)))


def transition(order: SalesOrder, name: str, actor, note: str | None = None) -> SalesOrder:
    step = TRANSITIONS.get(name)
    if step is None:
        raise ValidationFailed("未知的订单操作")
    ensure_access(order, actor, step.permission)
    db.session.flush()
    now = utcnow()
    values = {"status": step.target, "updated_at": now}
    time_column, employee_column = step.stamp
    if time_column:
        values[time_column] = now
    if employee_column:
        values[employee_column] = actor.id
    result = db.session.execute(
        update(SalesOrder).where(SalesOrder.id == order.id, SalesOrder.status == step.source).values(values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        current = db.session.scalar(select(SalesOrder.status).where(SalesOrder.id == order.id))
        label = current.label if current else "已删除"
        raise ValidationFailed(f"订单 {order.number} 当前状态为“{label}”，不能{step.title}")
    after = sums.snapshot(order.id)
    sums.move(replace(after, status=str(step.source)), after)
    db.session.expire(order)
    log(order, actor, step.title, step.source, step.target, note)
    db.session.flush()
    for hook in AFTER_TRANSITION[name]:
        hook(order, actor)
    return order


def transition_many(orders: list[SalesOrder], name: str, actor) -> int:
    """Bulk 通过审核/发货/订单完成: all or nothing, so a refused order leaves the batch untouched."""
    if not orders:
        raise ValidationFailed("请先选择订单")
    for order in orders:
        transition(order, name, actor)
    return len(orders)
