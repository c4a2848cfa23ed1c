"""提醒中心: jobs and services create reminders, each person reads their own (header badge, pop-up, list)."""

import uuid
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.timeutil import local_today
from models.base import utcnow
from models.reminders import Reminder

# kind -> label shown in 提醒中心 (manual 8.3); modules add theirs with register_kind().
KINDS = {
    "follow_up": "客户回访提醒",
    "contract_end": "合同到期提醒",
    "birthday": "生日提醒",
    "schedule": "日程提醒",
    "order_approval": "订单审核提醒",
    "log_comment": "工作日志点评提醒",
    "ticket_assign": "工单分配提醒",
    "purchase_approval": "采购进货单审核提醒",
    "purchase_return_approval": "采购退货单审核提醒",
    "stocktake_approval": "库存盘点单审核提醒",
    "recycle_warning": "客户回收提醒",
    "announcement": "公告通知",
    "plan_report": "工作计划汇报",
    "plan_comment": "工作计划点评提醒",
}


def register_kind(kind: str, label: str) -> None:
    KINDS.setdefault(kind, label)


def kind_label(kind: str) -> str:
    return KINDS.get(kind, "提醒")


def create_reminder(employee_id: int, kind: str, title: str, body: str | None = None,
                    link: str | None = None, subject_key: str | None = None,
                    day: date | None = None) -> Reminder | None:
    """Create a reminder, or nothing when it exists already (None then).

    With `day`, the reminder exists once per (person, kind, subject, day): a job that reminds every day while
    something is due passes the day. Without it, once per person and subject for good (as callers have always
    relied on). Without a subject every call creates one. A concurrent writer that inserted the same key first
    wins: the unique key refuses ours inside a savepoint, so the caller's transaction goes on.
    """
    if subject_key is None:
        subject_key = f"once:{uuid.uuid4().hex}"
    elif day is None:
        exists = db.session.scalar(select(Reminder.id).where(
            Reminder.employee_id == employee_id, Reminder.subject_key == subject_key).limit(1))
        if exists:
            return None
    else:
        exists = db.session.scalar(select(Reminder.id).where(
            Reminder.employee_id == employee_id, Reminder.kind == kind, Reminder.subject_key == subject_key,
            Reminder.remind_on == day))
        if exists:
            return None
    reminder = Reminder(employee_id=employee_id, kind=kind[:30], title=title[:100],
                        body=(body or "")[:500] or None, link=link, subject_key=subject_key[:60],
                        remind_on=day or local_today())
    try:
        with db.session.begin_nested():
            db.session.add(reminder)
    except IntegrityError:
        return None
    return reminder


def unread_count(employee_id: int) -> int:
    return db.session.scalar(select(func.count(Reminder.id)).where(
        Reminder.employee_id == employee_id, Reminder.read_at.is_(None))) or 0


def latest(employee_id: int, limit: int = 10) -> list[Reminder]:
    return db.session.scalars(select(Reminder).where(Reminder.employee_id == employee_id)
                              .order_by(Reminder.read_at.is_not(None), Reminder.id.desc()).limit(limit)).all()


def unread_since(employee_id: int, after_id: int, limit: int = 5) -> list[Reminder]:
    """Unread reminders newer than `after_id` (what the pop-up has not shown yet), newest first,
    plus unread 公告 whatever their id: an announcement pops up until it is read."""
    newer = db.session.scalars(select(Reminder).where(
        Reminder.employee_id == employee_id, Reminder.read_at.is_(None), Reminder.id > after_id)
        .order_by(Reminder.id.desc()).limit(limit)).all()
    pinned = db.session.scalars(select(Reminder).where(
        Reminder.employee_id == employee_id, Reminder.read_at.is_(None), Reminder.kind == "announcement",
        Reminder.id <= after_id).order_by(Reminder.id.desc()).limit(limit)).all()
    return newer + pinned


def latest_id(employee_id: int) -> int:
    return db.session.scalar(select(func.max(Reminder.id)).where(Reminder.employee_id == employee_id)) or 0


def mark_read(employee_id: int, reminder_id: int | None = None, ids: list[int] | None = None) -> int:
    """Mark one, several or all of a person's unread reminders read; others' ids change nothing."""
    query = update(Reminder).where(Reminder.employee_id == employee_id, Reminder.read_at.is_(None))
    if reminder_id is not None:
        query = query.where(Reminder.id == reminder_id)
    if ids is not None:
        query = query.where(Reminder.id.in_(ids))
    result = db.session.execute(query.values(read_at=utcnow()).execution_options(synchronize_session=False))
    db.session.flush()
    return result.rowcount or 0


def mark_subject_read(employee_id: int, subject_prefix: str) -> int:
    """Reading a record (a 公告, a commented 日志) also reads the reminders about it."""
    result = db.session.execute(update(Reminder).where(
        Reminder.employee_id == employee_id, Reminder.read_at.is_(None),
        Reminder.subject_key.startswith(subject_prefix, autoescape=True))
        .values(read_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount or 0
