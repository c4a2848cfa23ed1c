"""办公OA at scale: 日程管理's month view and 员工考勤's month query, against plain Flask-Admin ModelViews of the
same tables (which list rows, not a calendar or computed statuses: the ratio says what the extra work costs).

`scale` is the number of calendar events in the viewer's scope (BENCH_OA, default 10,000), spread over 200
employees and one year, 2% of them repeating weekly; a second case puts all of them in the viewed month.
Attendance: 200 employees with a check-in and check-out on every work day of the month (some late).
SQLite by default; BENCH_DATABASE_URL (a PostgreSQL database whose tables may be dropped) runs the same cases there.
"""

import os
import random
import statistics
import time
from datetime import date, datetime, timedelta

from flask_admin.contrib.sqla import ModelView
from sqlalchemy import insert

from app.extensions import db
from app.services.accounts import hash_password
from app.services.oa.attendance import work_calendar
from app.timeutil import local_to_utc
from models.accounts import Employee
from models.base import utcnow
from models.oa_attendance import AttendanceRecord
from models.oa_calendar import CalendarEvent
from tests.conftest import build_schema, make_test_app, reset_data
from tests.perf.harness import bench_app, logged_in_client, measure, p95
from tests.perf.harness import line as wall_line

EMPLOYEES = 200
MONTH = date(2026, 11, 1)


def cpu(client, url: str, repeat: int = 15) -> list[float]:
    """CPU milliseconds per request (this process only): on a shared, loaded machine wall-clock time mostly
    measures the wait for a core; the test client runs the whole request in this process."""
    client.get(url)
    samples = []
    for _ in range(repeat):
        started = time.process_time()
        assert client.get(url).status_code == 200, url
        samples.append((time.process_time() - started) * 1000)
    return samples


def line(label: str, client, url: str, plain_url: str | None = None) -> str:
    text = wall_line(label, measure(client, url), measure(client, plain_url) if plain_url else None)
    samples = cpu(client, url)
    text += f"\n  {'':<28} CPU    {statistics.median(samples):8.1f} ms   p95 {p95(samples):8.1f} ms"
    if plain_url:
        plain = cpu(client, plain_url)
        text += (f"   | plain ModelView CPU {statistics.median(plain):8.1f} ms  "
                 f"ratio {statistics.median(plain) / statistics.median(samples):6.1f}x")
    return text


class PlainEventView(ModelView):
    page_size = 20


class PlainAttendanceView(ModelView):
    page_size = 50


def _employees() -> list[int]:
    password = hash_password("bench#12345")
    db.session.execute(insert(Employee), [
        {"username": f"staff{i:03d}", "real_name": f"员工{i:03d}", "password_hash": password, "is_enabled": True,
         "session_version": 0, "created_at": utcnow(), "updated_at": utcnow()} for i in range(EMPLOYEES)])
    db.session.commit()
    return [e.id for e in db.session.query(Employee.id).filter(Employee.username.like("staff%"))]


def _events(owner_ids: list[int], count: int, first: date, days: int, rng: random.Random) -> None:
    rows = []
    for i in range(count):
        day = first + timedelta(days=rng.randrange(days))
        start = local_to_utc(datetime(day.year, day.month, day.day, rng.randrange(8, 18), rng.choice((0, 30))))
        rows.append({"owner_id": rng.choice(owner_ids), "title": f"客户拜访 {i}", "starts_at": start,
                     "ends_at": start + timedelta(hours=1), "all_day": False,
                     "repeat": "weekly" if i % 50 == 0 else "none", "remind_minutes": 15,
                     "created_at": utcnow(), "updated_at": utcnow()})
    for chunk in range(0, len(rows), 2000):
        db.session.execute(insert(CalendarEvent), rows[chunk:chunk + 2000])
    db.session.commit()


def _attendance(owner_ids: list[int], rng: random.Random) -> int:
    calendar = work_calendar()
    rows = []
    day = MONTH
    while day.month == MONTH.month:
        if calendar.is_work_day(day):
            for owner in owner_ids:
                check_in = datetime(day.year, day.month, day.day, 8, 30) + timedelta(seconds=rng.randrange(2400))
                check_out = datetime(day.year, day.month, day.day, 17, 55) + timedelta(seconds=rng.randrange(3600))
                rows.append({"employee_id": owner, "day": day, "check_in_at": local_to_utc(check_in),
                             "check_out_at": local_to_utc(check_out), "check_in_ip": "10.0.0.1",
                             "check_out_ip": "10.0.0.1"})
        day += timedelta(days=1)
    for chunk in range(0, len(rows), 2000):
        db.session.execute(insert(AttendanceRecord), rows[chunk:chunk + 2000])
    db.session.commit()
    return len(rows)


def _app():
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        return bench_app("oa"), "SQLite"
    app = make_test_app(url)
    build_schema(app)
    reset_data(app)
    return app, "PostgreSQL"


def _analyze() -> None:
    """On PostgreSQL, the planner statistics autovacuum keeps on a live database."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(db.text("VACUUM ANALYZE"))


def run(scale: int = 10_000) -> list[str]:
    rng = random.Random(15)
    lines = []
    for label, first, days in (("over a year", date(2026, 6, 1), 365), ("in the viewed month", MONTH, 30)):
        app, backend = _app()
        admin = app.extensions["admin"][0]
        admin.add_view(PlainEventView(CalendarEvent, db, endpoint="plain_event", url="/plain-event"))
        admin.add_view(PlainAttendanceView(AttendanceRecord, db, endpoint="plain_attendance",
                                           url="/plain-attendance"))
        with app.app_context():
            started = time.perf_counter()
            owners = _employees()
            _events(owners, scale, first, days, rng)
            records = _attendance(owners, rng) if first == MONTH else 0
            _analyze()
            build = time.perf_counter() - started
        client = logged_in_client(app)
        lines.append(f"oa: {scale:,} events {label}, {EMPLOYEES} employees"
                     + (f", {records:,} attendance days" if records else "") + f" built in {build:.1f} s ({backend})")
        # Each request runs in its own app context and session, as in production.
        lines.append(line(f"month view, 全部 ({label})", client, f"/schedule/?owner=all&date={MONTH}",
                          "/plain-event/"))
        lines.append(line("week view, 全部", client, f"/schedule/?owner=all&view=week&date={MONTH}"))
        lines.append(line("month view, one employee", client, f"/schedule/?owner={owners[0]}&date={MONTH}"))
        if records:
            end = MONTH.replace(day=30)
            lines.append(line("attendance month, 200 people", client, f"/attendance/?start={MONTH}&end={end}",
                              "/plain-attendance/"))
            lines.append(line("attendance month, 迟到 only", client,
                              f"/attendance/?start={MONTH}&end={end}&status=迟到"))
            lines.append(line("attendance month, last page", client,
                              f"/attendance/?start={MONTH}&end={end}&page=999"))
    return lines
