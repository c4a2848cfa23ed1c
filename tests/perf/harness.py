"""Shared helpers for benchmarks: a throwaway database (SQLite, or BENCH_DATABASE_URL), a logged-in client,
timing statistics with the CPU time of each request, and INSERT ... SELECT over a number series."""

import os
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import make_url, text

from tests.conftest import build_schema, make_test_app, reset_data
from tests.helpers import login


def bench_app(name: str, **overrides):
    """A fresh app on its own SQLite file (WAL, as `make run` uses) with defaults and the admin."""
    path = Path(tempfile.mkdtemp(prefix=f"crm-bench-{name}-")) / "bench.db"
    app = make_test_app(f"sqlite:///{path}", **overrides)
    build_schema(app)
    reset_data(app)
    return app


def bench_database(name: str, **overrides):
    """(app, backend label): SQLite by default; BENCH_DATABASE_URL runs on that database instead.

    The PostgreSQL database is dropped and created anew (schema through the migrations, then the defaults and
    the admin), so give the benchmark a database of its own.
    """
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        return bench_app(name, **overrides), "SQLite, WAL"
    from app.services.maintenance.databases import pg_create_database

    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        pg_create_database(parsed, parsed.database)
    app = make_test_app(url, **overrides)
    build_schema(app)
    reset_data(app)
    return app, parsed.get_backend_name()


def insert_series(session, count: int, insert_head: str, select_body: str, **params) -> None:
    """`insert_head` SELECT `select_body` for i = 1 .. count, built by the database itself (no rows in Python).

    select_body names the series column `i` and ends with its FROM clause's source as `{series}`.
    """
    if session.get_bind().dialect.name == "postgresql":
        sql = f"{insert_head} {select_body.format(series='generate_series(1, :count) AS s(i)')}"
    else:
        sql = (f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < :count) "
               f"{insert_head} {select_body.format(series='s')}")
    session.execute(text(sql), {"count": count, **params})


def spread(salt: int, modulus: int) -> str:
    """A portable SQL expression of the series column i, spread evenly over 0 .. modulus - 1 (a multiplicative
    hash with a different odd multiplier per salt, so two attributes of one row do not follow each other)."""
    multipliers = (2654435761, 2246822519, 3266489917, 668265263, 374761393, 1597334677, 3812015801)
    return f"((((i * CAST({multipliers[salt]} AS BIGINT)) % 4294967296) / 1024) % {modulus})"


def ts_minus(base: str, seconds_expr: str, dialect: str) -> str:
    """SQL for the timestamp `base` ('YYYY-MM-DD HH:MM:SS') minus `seconds_expr` seconds."""
    if dialect == "postgresql":
        return f"(TIMESTAMP '{base}' - ({seconds_expr}) * INTERVAL '1 second')"
    return f"datetime('{base}', (-({seconds_expr})) || ' seconds')"


def analyze(db) -> None:
    """Statistics (and on PostgreSQL the visibility map for index-only scans), as autovacuum keeps them."""
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def logged_in_client(app):
    client = app.test_client()
    response = login(client)
    assert response.status_code == 302, "benchmark login failed"
    return client


class Samples(list):
    """Wall-clock milliseconds per request, with the process's CPU milliseconds per request in `.cpu`."""

    cpu: list[float]


def measure(client, url: str, repeat: int = 15, warmup: int = 2) -> Samples:
    """Milliseconds per request for GET url; every response must be a 200."""
    for _ in range(warmup):
        client.get(url)
    samples = Samples()
    samples.cpu = []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        samples.cpu.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def line(label: str, ours: list[float], plain: list[float] | None = None) -> str:
    text_ = f"{label:<28} median {statistics.median(ours):8.1f} ms   p95 {p95(ours):8.1f} ms"
    if getattr(ours, "cpu", None):
        text_ += f"   cpu {statistics.median(ours.cpu):7.1f} ms"
    if plain:
        ratio = statistics.median(plain) / statistics.median(ours)
        text_ += f"   | plain ModelView median {statistics.median(plain):8.1f} ms  p95 {p95(plain):8.1f} ms"
        if getattr(plain, "cpu", None):
            text_ += f"  cpu {statistics.median(plain.cpu):7.1f} ms"
        text_ += f"  ratio {ratio:6.1f}x"
    return text_


def load_average() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
