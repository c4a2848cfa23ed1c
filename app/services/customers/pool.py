"""公共客户池 (manual 3.8.1, 4.2, 4.7): 放弃, 领用, and the daily recycle of neglected customers."""

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from app.extensions import db
from app.services.customers.history import log_change
from app.services.customers.settings import get_settings, pool_category_ids
from app.services.errors import ValidationFailed
from app.services.reminders import create_reminder
from app.timeutil import format_local
from models.accounts import Employee
from models.base import utcnow
from models.customers import Customer, CustomerShare, HistoryKind, PoolReason

log = logging.getLogger(__name__)


def _to_pool(customer: Customer, reason: PoolReason, actor: Employee | None, note: str) -> None:
    log_change(customer, HistoryKind.POOL, customer.owner, "公共客户池", actor, note)
    log_change(customer, HistoryKind.OWNER, customer.owner, None, actor, note)
    customer.owner_id = None
    customer.pool_entered_at = utcnow()
    customer.pool_reason = reason
    customer.claimed_at = None
    customer.owner_activity_at = None
    customer.recycle_warned_at = None
    db.session.execute(delete(CustomerShare).where(CustomerShare.customer_id == customer.id))


def abandon(customer: Customer, actor: Employee) -> None:
    """放弃: my customer goes to the pool, where anyone may claim it."""
    if customer.owner_id is None:
        raise ValidationFailed(f"客户“{customer.name}”已在公共客户池中")
    _to_pool(customer, PoolReason.ABANDONED, actor, f"{actor.real_name}放弃了此客户")
    db.session.flush()


def claim(customer: Customer, actor: Employee) -> None:
    """领用: a pool customer becomes mine (shown in 我的领用)."""
    if customer.owner_id is not None:
        raise ValidationFailed(f"客户“{customer.name}”已被领用，请刷新后再试")
    now = utcnow()
    log_change(customer, HistoryKind.POOL, "公共客户池", actor.real_name, actor, f"{actor.real_name}从公共客户池领用了此客户")
    log_change(customer, HistoryKind.OWNER, None, actor, actor, "领用")
    customer.owner_id = actor.id
    customer.claimed_at = now
    customer.owner_activity_at = now
    customer.pool_entered_at = None
    customer.pool_reason = None
    db.session.flush()


def recycle_cutoffs(now: datetime | None = None) -> tuple[datetime, datetime] | None:
    """(recycle before, warn before) for the current settings, or None when the pool is off."""
    settings = get_settings()
    if not settings.pool_enabled:
        return None
    now = now or utcnow()
    recycle_before = now - timedelta(days=settings.recycle_days)
    warn_before = now - timedelta(days=settings.recycle_days - settings.warn_days)
    return recycle_before, warn_before


def due_condition(before: datetime):
    """Customers whose owner has not followed them up since `before`, in a recycled category."""
    return (Customer.owner_id.is_not(None) & Customer.category_id.in_(sorted(pool_category_ids()))
            & (Customer.owner_activity_at < before))


def soon_recycled_condition(now: datetime | None = None):
    """即将回收: the current rules will recycle these within 提前提醒天数."""
    cutoffs = recycle_cutoffs(now)
    if cutoffs is None:
        return Customer.id.is_(None)
    return due_condition(cutoffs[1])


def recycle(now: datetime | None = None, batch: int = 500) -> dict:
    """The daily job: warn owners, then move overdue customers to the pool. Running it twice changes nothing."""
    cutoffs = recycle_cutoffs(now)
    if cutoffs is None:
        return {"recycled": 0, "warned": 0}
    recycle_before, warn_before = cutoffs
    days = get_settings().recycle_days
    recycled = 0
    while True:
        rows = db.session.scalars(select(Customer).where(due_condition(recycle_before))
                                  .order_by(Customer.id).limit(batch)).all()
        if not rows:
            break
        for customer in rows:
            log.info("recycling customer %s (%s) from owner %s", customer.id, customer.code, customer.owner_id)
            _to_pool(customer, PoolReason.RECYCLED, None, f"超过 {days} 天未跟进，系统自动回收")
        db.session.flush()
        recycled += len(rows)
    warned = 0
    last_id = 0
    while True:
        rows = db.session.scalars(select(Customer).where(due_condition(warn_before), Customer.id > last_id,
                                                         Customer.recycle_warned_at.is_(None))
                                  .order_by(Customer.id).limit(batch)).all()
        if not rows:
            break
        for customer in rows:
            due_at = customer.owner_activity_at + timedelta(days=days)
            create_reminder(customer.owner_id, "recycle_warning", f"客户即将被回收：{customer.name}",
                            f"请在 {format_local(due_at, '%Y-%m-%d %H:%M')} 前添加联系记录，否则将被回收到公共客户池",
                            link=f"/customer/details/?id={customer.id}",
                            subject_key=f"recycle:{customer.id}:{customer.owner_activity_at:%Y%m%d%H%M%S}")
            customer.recycle_warned_at = now or utcnow()
            last_id = customer.id
        db.session.flush()
        warned += len(rows)
    log.info("customer pool recycle: %s recycled, %s warned", recycled, warned)
    return {"recycled": recycled, "warned": warned}
