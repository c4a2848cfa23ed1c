"""日程管理 (8.4): events with repeat rules (dateutil's RFC 5545 rules), a reminder offset, the superior's view.

Times are typed and shown in the display timezone and stored as naive UTC; a repeating event repeats its local
wall-clock time. A monthly event on the 31st skips months without a 31st and a yearly one on 29 February skips
common years, as RFC 5545 (and phones reading the iCalendar feed) do. Only the owner changes an event; superiors
whose 数据范围 for 日程 covers the owner see it.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule
from sqlalchemy import and_, or_, select

from app.extensions import db
from app.security.scope import visible_owner_ids
from app.services.errors import Forbidden, ValidationFailed
from app.timeutil import display_zone, local_to_utc
from models.accounts import Employee
from models.oa_calendar import CalendarEvent, Repeat

FREQ = {Repeat.DAILY.value: DAILY, Repeat.WEEKLY.value: WEEKLY, Repeat.MONTHLY.value: MONTHLY,
        Repeat.YEARLY.value: YEARLY}
STEPS = {Repeat.DAILY.value: timedelta(days=1), Repeat.WEEKLY.value: timedelta(days=7)}
# 提醒: minutes before the start (None: no reminder).
REMIND_CHOICES = {"": "不提醒", "0": "日程开始时", "5": "提前 5 分钟", "15": "提前 15 分钟", "30": "提前 30 分钟",
                  "60": "提前 1 小时", "120": "提前 2 小时", "1440": "提前 1 天", "2880": "提前 2 天",
                  "10080": "提前 1 周"}
MAX_REMIND_MINUTES = 10080
MAX_SPAN = timedelta(days=31)  # the longest event save_event accepts (longer plans repeat)


@dataclass(slots=True)
class EventRow:
    """The columns a calendar page needs (no ORM object per event: a month may hold thousands)."""

    id: int
    owner_id: int
    title: str
    location: str | None
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    repeat: str
    repeat_until: date | None


@dataclass(slots=True)
class Occurrence:
    event: EventRow | CalendarEvent
    start: datetime  # local, naive
    end: datetime

    @property
    def key(self) -> str:
        return f"{self.event.id}:{self.start:%Y%m%d%H%M}"


def _local(value: datetime, zone=None) -> datetime:
    return value.replace(tzinfo=UTC).astimezone(zone or display_zone()).replace(tzinfo=None)


def occurrence_starts(event, start: datetime, end: datetime, zone=None,
                      shift: timedelta | None = None) -> list[datetime]:
    """Local starts of the event's occurrences that overlap [start, end) (local naive datetimes).

    `shift` is the zone's UTC offset when it is the same all through the range (no daylight saving change), which
    saves a timezone conversion per event on a busy month.
    """
    first = event.starts_at + shift if shift is not None else _local(event.starts_at, zone)
    length = event.ends_at - event.starts_at
    if event.repeat == Repeat.NONE.value:
        return [first] if first < end and first + length >= start else []
    until = datetime.combine(event.repeat_until, time.max) if event.repeat_until else None
    step = STEPS.get(event.repeat)
    if step:  # daily and weekly: whole periods are skipped and the rest counted on, as the rule would
        if first < start - length - step:
            first += step * ((start - length - first) // step)
        found = []
        while first < end and (until is None or first <= until):
            if first + length >= start:
                found.append(first)
            first += step
        return found
    rule = rrule(FREQ[event.repeat], dtstart=first, until=until)
    return [s for s in rule.between(start - length, end, inc=True) if s < end and s + length >= start]


def occurrences(event, start: datetime, end: datetime, zone=None, shift: timedelta | None = None) -> list[Occurrence]:
    """The event's occurrences that overlap [start, end) (local naive datetimes).

    A one-off event ends at its end's local time (a daylight saving change inside it changes its length on the
    wall clock); a repeating one lasts as long as the first occurrence at each repeat of its local start time.
    """
    if event.repeat == Repeat.NONE.value:
        first, last = (event.starts_at + shift, event.ends_at + shift) if shift is not None else (
            _local(event.starts_at, zone), _local(event.ends_at, zone))
        return [Occurrence(event, first, last)] if first < end and last >= start else []
    length = event.ends_at - event.starts_at
    return [Occurrence(event, s, s + length) for s in occurrence_starts(event, start, end, zone, shift)]


COLUMNS = (CalendarEvent.id, CalendarEvent.owner_id, CalendarEvent.title, CalendarEvent.location,
           CalendarEvent.starts_at, CalendarEvent.ends_at, CalendarEvent.all_day, CalendarEvent.repeat,
           CalendarEvent.repeat_until)


def events_between(owner_ids: set[int] | None, start: datetime, end: datetime) -> list[Occurrence]:
    """Every occurrence in [start, end) of the given owners' events (None: everyone's), by start time.

    One-off events are found by their start, at most MAX_SPAN before the range (the owner/start index);
    repeating ones, few in practice, are expanded by their rule. Rows are plain columns, not ORM objects.
    """
    start_utc, end_utc = local_to_utc(start), local_to_utc(end)
    single = and_(CalendarEvent.repeat == Repeat.NONE.value, CalendarEvent.starts_at < end_utc,
                  CalendarEvent.starts_at >= start_utc - MAX_SPAN, CalendarEvent.ends_at >= start_utc)
    repeating = and_(CalendarEvent.repeat != Repeat.NONE.value, CalendarEvent.starts_at < end_utc,
                     or_(CalendarEvent.repeat_until.is_(None), CalendarEvent.repeat_until >= start.date()))
    found = []
    zone = display_zone()
    offsets = {zone.utcoffset(moment) for moment in (start_utc - MAX_SPAN, end_utc + MAX_SPAN)}
    shift = offsets.pop() if len(offsets) == 1 else None
    for condition in (single, repeating):
        query = select(*COLUMNS).where(condition)
        if owner_ids is not None:
            query = query.where(CalendarEvent.owner_id.in_(sorted(owner_ids)))
        for row in db.session.execute(query):
            found.extend(occurrences(EventRow(*row), start, end, zone, shift))
    found.sort(key=lambda o: (o.start, o.event.id))
    return found


def visible_owners(actor: Employee, owner_id: int | None) -> set[int] | None:
    """Whose events the actor looks at: one employee in scope, or (owner_id None) everyone in scope."""
    scope = visible_owner_ids(actor, "schedule")
    if owner_id is None:
        return scope
    if scope is not None and owner_id not in scope:
        raise Forbidden("无权查看该员工的日程")
    return {owner_id}


def _parse_local(day_text, time_text, label: str, all_day: bool, end_of_day: bool = False) -> datetime:
    try:
        day = date.fromisoformat((day_text or "").strip())
    except ValueError:
        raise ValidationFailed(f"{label}日期格式不正确，应为 年-月-日") from None
    if all_day:
        return datetime.combine(day, time(23, 59) if end_of_day else time(0, 0))
    try:
        clock = time.fromisoformat((time_text or "").strip())
    except ValueError:
        raise ValidationFailed(f"{label}时间格式不正确，应为 时:分") from None
    return datetime.combine(day, clock.replace(second=0, microsecond=0, tzinfo=None))


def save_event(actor: Employee, values: dict, event: CalendarEvent | None = None) -> CalendarEvent:
    if event is not None and event.owner_id != actor.id:
        raise Forbidden("只能修改自己的日程")
    title = (values.get("title") or "").replace("\x00", "").strip()
    if not title:
        raise ValidationFailed("日程标题不能为空")
    if len(title) > 100:
        raise ValidationFailed("日程标题不能超过 100 个字")
    location = (values.get("location") or "").replace("\x00", "").strip()
    description = (values.get("description") or "").replace("\x00", "").strip()
    if len(location) > 100 or len(description) > 1000:
        raise ValidationFailed("地点不能超过 100 个字，日程内容不能超过 1000 个字")
    all_day = bool(values.get("all_day"))
    start = _parse_local(values.get("start_date"), values.get("start_time"), "开始", all_day)
    end = _parse_local(values.get("end_date") or values.get("start_date"), values.get("end_time"), "结束", all_day,
                       end_of_day=True)
    if end < start:
        raise ValidationFailed("结束时间不能早于开始时间")
    if end - start > MAX_SPAN:
        raise ValidationFailed("一个日程不能超过 31 天，更长的安排请使用重复规则")
    repeat = values.get("repeat") or Repeat.NONE.value
    if repeat not in {r.value for r in Repeat}:
        raise ValidationFailed("请选择重复方式")
    repeat_until = None
    if repeat != Repeat.NONE.value and (values.get("repeat_until") or "").strip():
        try:
            repeat_until = date.fromisoformat(values["repeat_until"].strip())
        except ValueError:
            raise ValidationFailed("重复截止日期格式不正确，应为 年-月-日") from None
        if repeat_until < start.date():
            raise ValidationFailed("重复截止日期不能早于开始日期")
    remind = str(values.get("remind_minutes") or "").strip()
    if remind not in REMIND_CHOICES:
        raise ValidationFailed("请选择提醒时间")
    if event is None:
        event = CalendarEvent(owner_id=actor.id)
        db.session.add(event)
    event.title, event.location, event.description = title, location or None, description or None
    event.starts_at, event.ends_at, event.all_day = local_to_utc(start), local_to_utc(end), all_day
    event.repeat, event.repeat_until = repeat, repeat_until
    event.remind_minutes = int(remind) if remind else None
    db.session.flush()
    return event


def delete_event(actor: Employee, event: CalendarEvent) -> None:
    if event.owner_id != actor.id:
        raise Forbidden("只能删除自己的日程")
    db.session.delete(event)
    db.session.flush()


def now_local() -> datetime:
    return datetime.now(UTC).astimezone(display_zone()).replace(tzinfo=None)
