"""iCalendar (RFC 5545) subscription of an employee's own 日程, behind a secret URL that can be replaced or revoked."""

import secrets
from datetime import UTC, datetime, time, timedelta

from icalendar import Alarm, Calendar, Event
from sqlalchemy import select

from app.extensions import db
from app.timeutil import local_to_utc, to_local
from models.oa_calendar import CalendarEvent, CalendarFeed, Repeat


def feed_of(employee_id: int) -> CalendarFeed | None:
    return db.session.get(CalendarFeed, employee_id)


def renew(employee_id: int) -> CalendarFeed:
    """A new secret; the old URL stops working at once."""
    feed = feed_of(employee_id)
    if feed is None:
        feed = CalendarFeed(employee_id=employee_id, token="")
        db.session.add(feed)
    feed.token = secrets.token_urlsafe(32)
    db.session.flush()
    return feed


def revoke(employee_id: int) -> None:
    feed = feed_of(employee_id)
    if feed is not None:
        db.session.delete(feed)
        db.session.flush()


def by_token(token: str) -> CalendarFeed | None:
    if not token or len(token) > 64 or not token.replace("-", "").replace("_", "").isalnum():
        return None
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == token))


def _utc(value):
    return value.replace(tzinfo=UTC)


def ics(employee_id: int, host: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Xingzhu CRM//日程管理//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "星烛客户管理系统日程")
    for row in db.session.scalars(select(CalendarEvent).where(CalendarEvent.owner_id == employee_id)
                                  .order_by(CalendarEvent.starts_at)):
        event = Event()
        event.add("uid", f"event-{row.id}@{host}")
        event.add("summary", row.title)
        event.add("dtstamp", _utc(row.updated_at))
        if row.all_day:
            start = to_local(row.starts_at).date()
            event.add("dtstart", start)
            event.add("dtend", to_local(row.ends_at).date() + timedelta(days=1))
        else:
            event.add("dtstart", _utc(row.starts_at))
            event.add("dtend", _utc(row.ends_at))
        if row.location:
            event.add("location", row.location)
        if row.description:
            event.add("description", row.description)
        if row.repeat != Repeat.NONE.value:
            rule = {"freq": row.repeat.upper()}
            if row.repeat_until:
                rule["until"] = _utc(local_to_utc(datetime.combine(row.repeat_until, time(23, 59, 59))))
            event.add("rrule", rule)
        if row.remind_minutes is not None:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", row.title)
            alarm.add("trigger", timedelta(minutes=-row.remind_minutes))
            event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
