"""Resources of one test process, so that `pytest -n N` (pytest-xdist) workers share nothing.

Each worker (PYTEST_XDIST_WORKER = gw0, gw1, ...) gets its own PostgreSQL database, named after
TEST_DATABASE_URL's with the worker id appended (created when the worker starts, dropped with every
database derived from it when it ends), and its own Redis database, REDIS_TEST_URL's number plus the
worker's index. A run without xdist uses TEST_DATABASE_URL and REDIS_TEST_URL as they are.

Tests that need a further database of their own name it with `sibling_database_url(suffix)`, never with a
fixed name, so that two workers (or two checkouts on one server) never drop each other's database.
"""

import os

from sqlalchemy import make_url, text
from sqlalchemy.engine import URL

from app.services.maintenance.databases import pg_admin_engine, pg_create_database, quoted

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
WORKER_INDEX = int(WORKER[2:]) if WORKER.startswith("gw") and WORKER[2:].isdigit() else 0
MAX_NAME = 63  # PostgreSQL's identifier length


def worker_database_url(url: str) -> URL:
    parsed = make_url(url)
    if not WORKER:
        return parsed
    return parsed.set(database=f"{parsed.database[:MAX_NAME - len(WORKER) - 1]}_{WORKER}")


def worker_redis_url(url: str) -> str:
    """redis://host:port/12 -> redis://host:port/13 for gw1; the server must have that many databases."""
    if not WORKER:
        return url
    base, _, number = url.rstrip("/").rpartition("/")
    if not number.isdigit() or base.endswith(":/"):  # no database number: database 0
        base, number = url.rstrip("/"), "0"
    return f"{base}/{int(number) + WORKER_INDEX}"


def sibling_database_url(suffix: str) -> str | None:
    """A further PostgreSQL database for one test, named after this process's test database, or None."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return None
    parsed = make_url(url)
    name = f"{parsed.database[:MAX_NAME - len(suffix) - 1]}_{suffix}"
    return parsed.set(database=name).render_as_string(hide_password=False)


def setup_worker_resources() -> None:
    """Point this worker's environment at its own databases (called once per process, before collection)."""
    if not WORKER:
        return
    if os.environ.get("TEST_DATABASE_URL"):
        url = worker_database_url(os.environ["TEST_DATABASE_URL"])
        pg_create_database(url, url.database)
        os.environ["TEST_DATABASE_URL"] = url.render_as_string(hide_password=False)
    if os.environ.get("REDIS_TEST_URL"):
        os.environ["REDIS_TEST_URL"] = worker_redis_url(os.environ["REDIS_TEST_URL"])


def teardown_worker_resources() -> None:
    """Drop the worker's database and every database derived from it (`<name>_restore`, `<name>_prev`, ...)."""
    if not WORKER or not os.environ.get("TEST_DATABASE_URL"):
        return
    url = make_url(os.environ["TEST_DATABASE_URL"])
    admin = pg_admin_engine(url)
    try:
        with admin.connect() as connection:
            pattern = url.database.replace("_", r"\_") + r"\_%"
            names = connection.execute(text("SELECT datname FROM pg_database WHERE datname = :name "
                                            "OR datname LIKE :pattern"),
                                       {"name": url.database, "pattern": pattern}).scalars().all()
            for name in names:
                connection.execute(text(f"DROP DATABASE IF EXISTS {quoted(name)} WITH (FORCE)"))
    finally:
        admin.dispose()
