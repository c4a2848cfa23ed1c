"""日程 month/week grid: each day's first entries and 还有 N 项 match expanding every occurrence, in any zone."""

import random
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import insert

from app.services.oa.calendar import events_between
from app.services.oa.calendar_grid import covered_days, grid
from app.timeutil import local_to_utc
from models.base import utcnow
from models.oa_calendar import CalendarEvent
from tests.helpers import admin as admin_user
from tests.helpers import make_employee

LENGTHS = [timedelta(0), timedelta(minutes=30), timedelta(hours=1), timedelta(hours=23), timedelta(days=2),
           timedelta(days=10), timedelta(days=31)]


def _reference(owner_ids, first: date, last: date, limit: int) -> dict:
    """Every occurrence expanded and spread over its days (what the month view did before counting in SQL)."""
    found = events_between(owner_ids, datetime.combine(first, time()),
                           datetime.combine(last + timedelta(days=1), time()))
    by_day = {first + timedelta(days=i): [] for i in range((last - first).days + 1)}
    for o in found:
        begin, finish = covered_days(o.start, o.end)
        day = max(begin, first)
        while day <= min(finish, last):
            by_day[day].append(o)
            day += timedelta(days=1)
    return {day: ([(o.event.id, o.start, o.end) for o in items[:limit]], max(0, len(items) - limit))
            for day, items in by_day.items()}


def _cells(owner_ids, first, last, limit) -> dict:
    return {day: ([(o.event.id, o.start, o.end) for o in cell.items], cell.more)
            for day, cell in grid(owner_ids, first, last, limit).items()}


def _random_events(owners: list[int], rng: random.Random, count: int = 400) -> None:
    rows = []
    busy_days = [date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 30), date(2026, 12, 6)]
    for i in range(count):
        busy = rng.random() < 0.5
        day = rng.choice(busy_days) if busy else date(2026, 9, 20) + timedelta(days=rng.randrange(110))
        hour = rng.choice((0, 0, 8, 9, 9, 14, 23))
        local_start = datetime.combine(day, time(hour, rng.choice((0, 30))))
        length = rng.choice(LENGTHS)
        if rng.random() < 0.1:  # an all-day entry as save_event stores it, or one ending exactly at midnight
            local_start = datetime.combine(day, time())
            length = rng.choice((timedelta(hours=23, minutes=59), timedelta(days=1), timedelta(days=3)))
        repeat = rng.choice(["none"] * 6 + ["daily", "weekly", "monthly", "yearly"])
        until = day + timedelta(days=rng.randrange(60)) if repeat != "none" and rng.random() < 0.5 else None
        start = local_to_utc(local_start)
        rows.append({"owner_id": rng.choice(owners), "title": f"日程{i}", "starts_at": start,
                     "ends_at": local_to_utc(local_start + length), "all_day": False, "repeat": repeat,
                     "repeat_until": until, "created_at": utcnow(), "updated_at": utcnow()})
    from app.extensions import db

    db.session.execute(insert(CalendarEvent), rows)
    db.session.flush()


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York"])  # New York leaves summer time on 1 Nov
def test_the_grid_matches_every_occurrence_expanded(db, app, monkeypatch, zone):
    monkeypatch.setitem(app.config, "DISPLAY_TIMEZONE", zone)
    owners = [admin_user().id] + [make_employee(f"grid{i}").id for i in range(3)]
    _random_events(owners, random.Random(8))
    november = (date(2026, 10, 26), date(2026, 12, 6))  # the month grid of November 2026, Monday to Sunday
    checked = 0
    for first, last in (november, (date(2026, 11, 30), date(2026, 12, 6))):
        for limit in (1, 4, 50):
            for scope in (None, {owners[1]}, {owners[1], owners[2]}, set()):
                expected = _reference(scope, first, last, limit)
                assert _cells(scope, first, last, limit) == expected, (first, limit, scope)
                checked += sum(len(items) + more for items, more in expected.values())
    assert checked > 3000  # the data does fill the grid (busy days over the limit, long and repeating entries)


def test_a_busy_day_shows_the_first_entries_and_counts_the_rest(db):
    boss = admin_user()
    rows = [{"owner_id": boss.id, "title": f"拜访{i}", "starts_at": local_to_utc(datetime(2026, 11, 18, 8) +
                                                                                 timedelta(minutes=i)),
             "ends_at": local_to_utc(datetime(2026, 11, 18, 9)), "all_day": False, "repeat": "none",
             "created_at": utcnow(), "updated_at": utcnow()} for i in range(9)]
    from app.extensions import db as database

    database.session.execute(insert(CalendarEvent), rows)
    database.session.flush()
    cell = grid({boss.id}, date(2026, 11, 16), date(2026, 11, 22), 4)[date(2026, 11, 18)]
    assert [o.event.title for o in cell.items] == ["拜访0", "拜访1", "拜访2", "拜访3"] and cell.more == 5
    assert grid({boss.id + 1000}, date(2026, 11, 16), date(2026, 11, 22), 4)[date(2026, 11, 18)].more == 0


def test_daily_and_weekly_steps_agree_with_the_rfc_5545_rule():
    from dateutil.rrule import DAILY, WEEKLY, rrule

    from app.services.oa.calendar import EventRow, occurrence_starts

    rng = random.Random(3)
    for _ in range(300):
        repeat = rng.choice(["daily", "weekly"])
        start = datetime(2026, 1, 1, 9) + timedelta(days=rng.randrange(400), minutes=30 * rng.randrange(48))
        length = rng.choice(LENGTHS)
        until = start.date() + timedelta(days=rng.randrange(500)) if rng.random() < 0.5 else None
        event = EventRow(1, 1, "x", None, start, start + length, False, repeat, until)
        window = datetime(2026, 6, 1) + timedelta(days=rng.randrange(300))
        window_end = window + timedelta(days=rng.choice((1, 7, 42)))
        rule = rrule(DAILY if repeat == "daily" else WEEKLY, dtstart=start,
                     until=datetime.combine(until, time.max) if until else None)
        expected = [s for s in rule.between(window - length, window_end, inc=True)
                    if s < window_end and s + length >= window]
        assert occurrence_starts(event, window, window_end, shift=timedelta(0)) == expected
