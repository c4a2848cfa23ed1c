"""Change history of a customer: owner, category and pool state (who, when, from, to)."""

from sqlalchemy import select

from app.extensions import db
from models.accounts import Employee
from models.base import utcnow
from models.customers import Customer, CustomerHistory, HistoryKind

SYSTEM_ACTOR = "系统"


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Employee):
        return value.real_name
    return str(value)[:100]


def log_change(customer: Customer, kind: HistoryKind, old, new, actor: Employee | None, note: str | None = None):
    row = CustomerHistory(customer_id=customer.id, kind=kind, from_value=_text(old), to_value=_text(new),
                          note=(note or None) and note[:200], actor_id=actor.id if actor else None,
                          actor_name=actor.real_name if actor else SYSTEM_ACTOR, created_at=utcnow())
    db.session.add(row)
    return row


def history_of(customer_id: int, limit: int = 100) -> list[CustomerHistory]:
    return list(db.session.scalars(select(CustomerHistory).where(CustomerHistory.customer_id == customer_id)
                                   .order_by(CustomerHistory.id.desc()).limit(limit)))
