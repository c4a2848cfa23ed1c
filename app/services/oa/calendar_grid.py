"""The month and week grids of 日程管理: the first few entries of each day and how many more there are (还有 N 项).

A month may hold thousands of entries while a cell shows four, so nothing is read or built for the entries a cell
does not show. Per local day of the grid (bounds in UTC, so daylight saving changes are honoured) one statement
counts the events starting that day on the start-time index alone, and one reads the day's first `limit` one-off
events in index order; the repeating events starting that day (few in practice, all read anyway) are taken off the
count. One-off events that run past the midnight after their start (also from up to 32 days before the grid) come
back whole, to be spread over the later days they cover. Repeating events are expanded by their rule within the
grid only, as bare start times; an Occurrence is made only for what a cell shows.

A day holds every entry that covers some of it, in the order of the occurrence's start, then the event id: an
entry running on from an earlier day comes first. An entry ending exactly at midnight does not reach the next day.
"""

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import Date, DateTime, Integer, and_, bindparam, func, literal, or_, select, union_all

from app.extensions import db
from app.services.oa.calendar import COLUMNS, MAX_SPAN, EventRow, Occurrence, occurrence_starts
from app.timeutil import display_zone, local_to_utc
from models.oa_calendar import CalendarEvent, Repeat

# One-off events, written so that no index on `repeat` is used for them (nearly all events are one-off: without
# statistics SQLite would walk the (repeat, owner) index over every one-off event instead of the start time's).
ONE_OFF = func.coalesce(CalendarEvent.repeat, Repeat.NONE.value) == Repeat.NONE.value
REPEATING = [r.value for r in Repeat if r is not Repeat.NONE]

# Days before the grid whose long one-off entries may still reach into it (a day more than MAX_SPAN: the local
# midnights of a daylight saving zone are not whole days apart in UTC).
LOOKBACK_DAYS = MAX_SPAN.days + 1


@dataclass(slots=True)
class DayCell:
    items: list[Occurrence] = field(default_factory=list)  # the day's first `limit` entries, in order
    more: int = 0  # how many entries of the day are not in `items`


def covered_days(occurrence_start: datetime, occurrence_end: datetime) -> tuple[date, date]:
    """The first and last local day an occurrence shows on (one ending at 00:00 stops the day before)."""
    first = occurrence_start.date()
    if occurrence_end > occurrence_start:
        return first, (occurrence_end - timedelta(seconds=1)).date()
    return first, first


def _edges(first: date, last: date) -> list[datetime]:
    """The local midnights in UTC from LOOKBACK_DAYS before `first` to the one after `last`."""
    count = (last - first).days + 1
    return [local_to_utc(datetime.combine(first + timedelta(days=i), time())) for i in range(-LOOKBACK_DAYS, count + 1)]


def _edge(i: int):
    return bindparam(f"edge{i}", type_=DateTime)


def _owned(query, owned: bool):
    """Only the owners' events; the ids (integers) are written into the statement, which repeats them per day."""
    if not owned:
        return query
    return query.where(CalendarEvent.owner_id.in_(bindparam("owners", type_=Integer, expanding=True,
                                                            literal_execute=True)))


def _starting(i: int):
    return and_(CalendarEvent.starts_at >= _edge(i), CalendarEvent.starts_at < _edge(i + 1))


@lru_cache(maxsize=16)
def _statements(day_count: int, limit: int, owned: bool) -> tuple:
    """The grid's four statements for `day_count` days, with the midnights (edge0...) and owners as parameters:
    built and compiled once, not per page."""
    grid_start, grid_end = _edge(LOOKBACK_DAYS), _edge(LOOKBACK_DAYS + day_count)
    in_grid = range(LOOKBACK_DAYS, LOOKBACK_DAYS + day_count)
    repeating = _owned(select(*COLUMNS).where(
        CalendarEvent.repeat.in_(REPEATING), CalendarEvent.starts_at < grid_end,
        or_(CalendarEvent.repeat_until.is_(None), CalendarEvent.repeat_until >= bindparam("first", type_=Date),
            CalendarEvent.starts_at >= grid_start)), owned)
    # Counts of every event starting each day, on the start-time index alone (repeating ones are taken off).
    counts = select(*[_owned(select(func.count()).select_from(CalendarEvent).where(_starting(i)), owned)
                      .scalar_subquery() for i in in_grid])
    first_ones = union_all(*[
        _owned(select(literal(i - LOOKBACK_DAYS, Integer).label("n"), *COLUMNS).where(ONE_OFF, _starting(i)), owned)
        .order_by(CalendarEvent.starts_at, CalendarEvent.id).limit(limit).subquery().select() for i in in_grid])
    running_on = union_all(*[
        _owned(select(*COLUMNS).where(ONE_OFF, _starting(i), CalendarEvent.ends_at > _edge(i + 1),
                                      CalendarEvent.ends_at > grid_start), owned)
        for i in range(LOOKBACK_DAYS + day_count)])
    return repeating, counts, first_ones, running_on


def _local(value: datetime, zone) -> datetime:
    return value.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)


def grid(owner_ids: set[int] | None, first: date, last: date, limit: int) -> dict[date, DayCell]:
    """A DayCell for every local day in [first, last] from the given owners' events (None: everyone's)."""
    zone = display_zone()
    edges = _edges(first, last)
    grid_start = edges[LOOKBACK_DAYS]
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    cells = {day: DayCell() for day in days}
    # Per day, (start, event id, end, event) of each entry that may be shown; `more` counts every entry until the
    # end, when the shown ones are taken off.
    candidates: dict[date, list[tuple]] = {day: [] for day in days}
    grid_from, grid_to = datetime.combine(first, time()), datetime.combine(last + timedelta(days=1), time())
    repeating, counts, first_ones, running_on = _statements(len(days), limit, owner_ids is not None)
    params = {f"edge{i}": edge for i, edge in enumerate(edges)} | {"first": first}
    if owner_ids is not None:
        params["owners"] = sorted(owner_ids) or [0]  # no owner: no event has the id 0
    connection = db.session.connection()

    # Repeating events first: those starting in the grid are taken off the days' counts of every event.
    spread: list[tuple[EventRow, datetime, datetime]] = []
    starting_counts = [0] * len(days)
    starts_of_days = edges[LOOKBACK_DAYS:-1]
    for row in connection.execute(repeating, params):
        event = EventRow(*row)
        if event.starts_at >= grid_start:
            starting_counts[bisect_right(starts_of_days, event.starts_at) - 1] -= 1
        length = event.ends_at - event.starts_at
        spread.extend((event, start, start + length) for start in occurrence_starts(event, grid_from, grid_to, zone))
    for n, count in enumerate(connection.execute(counts, params).one()):
        starting_counts[n] += count
    for day, count in zip(days, starting_counts, strict=True):
        cells[day].more = count
    if any(starting_counts):
        for row in connection.execute(first_ones, params):
            event = EventRow(*row[1:])
            candidates[days[row[0]]].append((_local(event.starts_at, zone), event.id, _local(event.ends_at, zone),
                                             event))
    # One-off events running past the midnight after their start show on the later days too.
    for row in connection.execute(running_on, params):
        event = EventRow(*row)
        spread.append((event, _local(event.starts_at, zone), _local(event.ends_at, zone)))

    for event, start, end in spread:
        begin, finish = covered_days(start, end)
        day = begin + timedelta(days=1) if event.repeat == Repeat.NONE.value else begin
        day, finish = max(day, first), min(finish, last)
        while day <= finish:
            candidates[day].append((start, event.id, end, event))
            cells[day].more += 1
            day += timedelta(days=1)

    for day, found in candidates.items():
        found.sort(key=_order)
        del found[limit:]
        cell = cells[day]
        cell.items = [Occurrence(event, start, end) for start, _, end, event in found]
        cell.more -= len(cell.items)
    return cells


def _order(candidate: tuple) -> tuple[datetime, int]:
    return candidate[0], candidate[1]
