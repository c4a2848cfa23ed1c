"""Server-side login sessions: what the per-request check costs with many session rows in the table.

Each request looks its session up by the token hash (a unique index) and writes "last seen" at most
once a minute. The worst case, a write on every request, is measured by making the row look stale
before each request. The reference is a plain Flask-Admin ModelView page in the same run.
"""

import time
from datetime import timedelta

from flask_admin.contrib.sqla import ModelView
from sqlalchemy import insert, update

from app.extensions import db
from models.auth_sessions import LoginSession
from models.base import utcnow
from models.base_data import Department
from tests.perf.harness import bench_app, line, logged_in_client, measure

BATCH = 5_000


class PlainDepartmentView(ModelView):
    page_size = 20


def _fill(scale: int, employee_id: int) -> None:
    now = utcnow()
    for start in range(0, scale, BATCH):
        rows = [{"token_hash": f"{n:064x}", "employee_id": employee_id, "created_at": now - timedelta(hours=n % 12),
                 "last_seen_at": now, "revoked_at": now if n % 3 else None}
                for n in range(start, min(scale, start + BATCH))]
        db.session.execute(insert(LoginSession), rows)
    db.session.commit()


def _measure_with_stale_row(app, client, url: str, repeat: int = 15) -> list[float]:
    samples = []
    for _ in range(repeat):
        with app.app_context():
            db.session.execute(update(LoginSession).where(LoginSession.ip.is_not(None))
                               .values(last_seen_at=utcnow() - timedelta(minutes=2)))
            db.session.commit()
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return samples


def run(scale: int = 100_000) -> list[str]:
    app = bench_app("sessions")
    admin = app.extensions["admin"][0]
    admin.add_view(PlainDepartmentView(Department, db, endpoint="plain_department", url="/plain-department"))
    with app.app_context():
        started = time.perf_counter()
        _fill(scale, employee_id=1)
        build_seconds = time.perf_counter() - started
    client = logged_in_client(app)  # its own row has an ip; the filler rows have none
    plain = measure(client, "/plain-department/")
    lines = [f"sessions: {scale:,} login session rows built in {build_seconds:.1f} s (SQLite, WAL)"]
    with app.app_context():
        lines.append(line("提醒 page, session checked", measure(client, "/account/reminders"), plain))
        lines.append(line("提醒 page, last seen written", _measure_with_stale_row(app, client, "/account/reminders"),
                          plain))
    return lines
