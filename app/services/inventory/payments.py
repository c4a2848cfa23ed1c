"""付款 on an approved 采购进货单 (12.1.2, fig. 12-7): 0 < amount <= 欠款, applied with a guarded UPDATE."""

from datetime import date

from sqlalchemy import update

from app.extensions import db
from app.services.errors import ValidationFailed
from app.services.inventory.documents import parse_day
from app.services.inventory.flow import APPROVED, PURCHASE_FLOW
from app.services.orders.totals import parse_amount
from models.base import utcnow
from models.inventory import Purchase, PurchasePayment


def pay_purchase(purchase_id, amount, paid_on: str | date | None, note: str | None, actor) -> PurchasePayment:
    purchase = PURCHASE_FLOW.get(purchase_id, actor, "pay")
    if purchase.status != APPROVED:
        raise ValidationFailed(f"采购单 {purchase.number} 尚未审核，审核后才能付款")
    value = parse_amount(amount, "付款金额", default_zero=False)
    if value <= 0:
        raise ValidationFailed("付款金额必须大于 0")
    if purchase.debt <= 0:
        raise ValidationFailed(f"采购单 {purchase.number} 没有欠款，无需付款")
    if value > purchase.debt:
        raise ValidationFailed(f"付款金额不能大于欠款金额 ¥{purchase.debt}")
    day = parse_day(paid_on, "付款日期")
    note = (note or "").replace("\x00", "").strip() or None
    if note and len(note) > 200:
        raise ValidationFailed("备注不能超过 200 个字")
    db.session.flush()
    result = db.session.execute(
        update(Purchase).where(Purchase.id == purchase.id, Purchase.status == APPROVED, Purchase.debt >= value)
        .values(paid=Purchase.paid + value, debt=Purchase.debt - value, updated_at=utcnow())
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise ValidationFailed("采购单欠款已发生变化，请刷新后重试")
    db.session.expire(purchase)
    payment = PurchasePayment(purchase_id=purchase.id, amount=value, paid_on=day, note=note, recorded_by_id=actor.id)
    db.session.add(payment)
    PURCHASE_FLOW.write_log(purchase, actor, "付款", None, None, f"付款 ¥{value}" + (f"：{note}" if note else ""))
    db.session.flush()
    return payment
