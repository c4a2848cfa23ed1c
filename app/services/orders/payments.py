"""回款 (manual 5.1, figure 5-4): 0 < amount <= 欠款, applied with a guarded UPDATE so two clerks cannot overpay."""

from datetime import date

from sqlalchemy import update

from app.extensions import db
from app.services.errors import ValidationFailed
from app.services.orders import sums
from app.services.orders.totals import parse_amount
from app.services.orders.workflow import ORDER_FLOW, ensure_access, log
from models.base import utcnow
from models.orders import Payment, SalesOrder


def record_payment(order: SalesOrder, amount, paid_on: date | None, method: str | None, note: str | None,
                   actor) -> Payment:
    ensure_access(order, actor, "pay")
    if order.status not in ORDER_FLOW.states_allowing("pay"):
        raise ValidationFailed("已取消的订单不能回款")
    value = parse_amount(amount, "回款金额", default_zero=False)
    if value <= 0:
        raise ValidationFailed("回款金额必须大于 0")
    if order.debt <= 0:
        raise ValidationFailed(f"订单 {order.number} 没有欠款，无需回款")
    if value > order.debt:
        raise ValidationFailed(f"回款金额不能大于欠款金额 ¥{order.debt}")
    method = (method or "").strip()
    if method not in Payment.METHODS:
        raise ValidationFailed("请选择回款方式")
    note = (note or "").strip() or None
    if note and len(note) > 200:
        raise ValidationFailed("备注不能超过 200 个字")
    db.session.flush()
    result = db.session.execute(
        update(SalesOrder).where(SalesOrder.id == order.id, SalesOrder.debt >= value,
                                 SalesOrder.status.in_(ORDER_FLOW.states_allowing("pay")))
        .values(paid=SalesOrder.paid + value, debt=SalesOrder.debt - value, updated_at=utcnow())
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise ValidationFailed("订单欠款已发生变化，请刷新后重试")
    after = sums.snapshot(order.id)
    sums.post(sums.paid_before(after, value), after)
    db.session.expire(order)
    payment = Payment(order_id=order.id, amount=value, paid_on=paid_on or utcnow().date(), method=method,
                      note=note, recorded_by_id=actor.id)
    db.session.add(payment)
    log(order, actor, "回款", None, None, f"回款 ¥{value}（{method}）" + (f"：{note}" if note else ""))
    db.session.flush()
    return payment
