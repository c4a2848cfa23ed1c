"""办公OA jobs: the daily 生日/合同到期 reminders and the 日程提醒 every few minutes (idempotent)."""

from app.extensions import db
from jobs.context import job_context


def remind_anniversaries() -> dict:
    """生日提醒 and 合同到期提醒 from 3 days ahead until the day (daily; safe to rerun)."""
    from app.services.oa.anniversary_reminders import remind_anniversaries as run

    with job_context():
        made = run()
        db.session.commit()
        return made


def remind_schedules() -> int:
    """日程提醒 for events whose reminder time has come (every few minutes; safe to rerun)."""
    from app.services.oa.calendar_reminders import remind_due_events

    with job_context():
        made = remind_due_events()
        db.session.commit()
        return made
