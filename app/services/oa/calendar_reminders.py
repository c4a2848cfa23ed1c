"""日程提醒: when an occurrence's reminder time has come, its owner is reminded once (per occurrence).

The job runs every few minutes; an occurrence whose reminder time passed while no job ran is still reminded up to
a day after it started. The subject names the event and the occurrence, the day is the occurrence's local day.
"""

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from app.extensions import db
from app.services.oa.calendar import MAX_REMIND_MINUTES, now_local, occurrences
from app.services.reminders import create_reminder
from app.timeutil import local_to_utc
from models.oa_calendar import CalendarEvent, Repeat

LATE = timedelta(days=1)


def remind_due_events(now: datetime | None = None) -> int:
    """`now` is local naive time (tests pass one); returns how many reminders were created."""
    now = now or now_local()
    window_start, window_end = now - LATE, now + timedelta(minutes=MAX_REMIND_MINUTES)
    start_utc, end_utc = local_to_utc(window_start), local_to_utc(window_end)
    query = select(CalendarEvent).where(CalendarEvent.remind_minutes.is_not(None), or_(
        and_(CalendarEvent.repeat == Repeat.NONE.value, CalendarEvent.starts_at >= start_utc,
             CalendarEvent.starts_at <= end_utc),
        and_(CalendarEvent.repeat != Repeat.NONE.value, CalendarEvent.starts_at <= end_utc,
             or_(CalendarEvent.repeat_until.is_(None), CalendarEvent.repeat_until >= window_start.date()))))
    made = 0
    for event in db.session.scalars(query):
        for occurrence in occurrences(event, window_start, window_end):
            if occurrence.start < window_start:
                continue  # an occurrence that began before the window and is still going on
            if occurrence.start - timedelta(minutes=event.remind_minutes) > now:
                continue
            when = "全天" if event.all_day else f"{occurrence.start:%H:%M}"
            body = f"{occurrence.start:%Y-%m-%d} {when}" + (f"，地点：{event.location}" if event.location else "")
            if create_reminder(event.owner_id, "schedule", f"日程提醒：{event.title}", body,
                               link=f"/schedule/edit/{event.id}", subject_key=f"event:{occurrence.key}",
                               day=occurrence.start.date()):
                made += 1
    db.session.flush()
    return made
