"""Reminders for the header notifications; jobs and services create them, users read them."""

from sqlalchemy import func, select, update

from app.extensions import db
from models.base import utcnow
from models.reminders import Reminder


def create_reminder(employee_id: int, kind: str, title: str, body: str | None = None,
                    link: str | None = None, subject_key: str | None = None) -> Reminder | None:
    """Create a reminder; with subject_key, at most one per employee and subject (jobs may rerun)."""
    if subject_key is not None:
        exists = db.session.scalar(select(Reminder.id).where(
            Reminder.employee_id == employee_id, Reminder.subject_key == subject_key))
        if exists:
            return None
    reminder = Reminder(employee_id=employee_id, kind=kind, title=title[:100],
                        body=(body or "")[:500] or None, link=link, subject_key=subject_key)
    db.session.add(reminder)
    db.session.flush()
    return reminder


def unread_count(employee_id: int) -> int:
    return db.session.scalar(select(func.count(Reminder.id)).where(
        Reminder.employee_id == employee_id, Reminder.read_at.is_(None))) or 0


def latest(employee_id: int, limit: int = 10) -> list[Reminder]:
    return db.session.scalars(select(Reminder).where(Reminder.employee_id == employee_id)
                              .order_by(Reminder.read_at.is_not(None), Reminder.id.desc()).limit(limit)).all()


def mark_read(employee_id: int, reminder_id: int | None = None) -> int:
    query = update(Reminder).where(Reminder.employee_id == employee_id, Reminder.read_at.is_(None))
    if reminder_id is not None:
        query = query.where(Reminder.id == reminder_id)
    result = db.session.execute(query.values(read_at=utcnow()))
    db.session.flush()
    return result.rowcount or 0
