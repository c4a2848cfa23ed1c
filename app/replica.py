"""Read replica for reports and Excel exports (`REPORTS_DATABASE_URL`).

Code that reads for a report or an export runs inside `replica_reads()`: while it is active, the SELECTs
the session executes go to the replica's engine; flushes, raw SQL and everything outside the block stay on
the primary. The statements are the same ones (data scope included); only the connection differs.

Before a block starts, the replica is checked in one short query. It is not used, and the block reads
from the primary with a warning in the log, when it cannot be reached, when it is not a standby any more
(promoted), or when it has not yet replayed what the primary had committed and its last replayed
transaction is older than `REPORTS_REPLICA_MAX_LAG` seconds. After such a miss the primary serves the
reports of this process for `REPORTS_REPLICA_RETRY_SECONDS` before the replica is tried again, so a
replica that is down costs one failed connection attempt, not one per page.
"""

import contextvars
import functools
import logging
import threading
import time
from contextlib import contextmanager

from flask import current_app
from flask_sqlalchemy.session import Session
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)
EXTENSION = "reports_replica"

# The replica engine while a replica_reads() block runs in this thread or task, else None.
_routing: contextvars.ContextVar = contextvars.ContextVar("replica_reads", default=None)


class RoutingSession(Session):
    """db.session: SELECTs go to the replica inside replica_reads(), everything else to the primary."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        replica = _routing.get()
        if replica is not None and bind is None and not self._flushing and getattr(clause, "is_select", False):
            return replica
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


class Replica:
    def __init__(self, url: str, max_lag: float, retry_seconds: float, engine_options: dict):
        options = dict(engine_options)
        if url.startswith("postgresql"):
            # A replica that does not answer must not hold a report page for the OS's TCP timeout.
            options["connect_args"] = {"connect_timeout": 3, **options.get("connect_args", {})}
        self.engine = create_engine(url, **options)
        self.max_lag = max_lag
        self.retry_seconds = retry_seconds
        self._skip_until = 0.0
        self._lock = threading.Lock()

    def usable(self, primary_session) -> bool:
        if time.monotonic() < self._skip_until:
            return False
        try:
            reason = self._why_not(primary_session)
        except DBAPIError as exc:
            reason = f"unreachable ({type(exc.orig).__name__}: {str(exc.orig).strip()[:200]})"
        if reason:
            self.skip(reason)
            return False
        return True

    def skip(self, reason: str) -> None:
        with self._lock:
            self._skip_until = time.monotonic() + self.retry_seconds
        log.warning("reports replica not used for %g s, reports and exports read from the primary: %s",
                    self.retry_seconds, reason)

    def _why_not(self, primary_session) -> str | None:
        """None when the replica may serve the next block, else why not."""
        if self.engine.dialect.name != "postgresql":
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return None
        primary_lsn = None
        if primary_session.get_bind().dialect.name == "postgresql":
            # Read before the replica's position: caught up means every commit made before this block is there.
            primary_lsn = primary_session.execute(text("SELECT CAST(pg_current_wal_lsn() AS text)")).scalar()
        with self.engine.connect() as connection:
            standby, behind, age = connection.execute(text(
                "SELECT pg_is_in_recovery(), "
                "pg_wal_lsn_diff(CAST(:lsn AS pg_lsn), pg_last_wal_replay_lsn()), "
                "EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"), {"lsn": primary_lsn}).one()
        if not standby:
            return "it is not a standby (pg_is_in_recovery() is false: promoted?)"
        if primary_lsn is not None and behind is not None and behind <= 0:
            return None
        if age is None or float(age) > self.max_lag:
            shown = "never replayed a transaction" if age is None else f"last replayed a transaction {age:.1f} s ago"
            return f"it is behind the primary and {shown} (REPORTS_REPLICA_MAX_LAG={self.max_lag:g})"
        return None


def init_replica(app) -> None:
    url = app.config.get("REPORTS_DATABASE_URL")
    if not url:
        app.extensions.pop(EXTENSION, None)
        return
    app.extensions[EXTENSION] = Replica(url, float(app.config.get("REPORTS_REPLICA_MAX_LAG", 30)),
                                        float(app.config.get("REPORTS_REPLICA_RETRY_SECONDS", 30)),
                                        app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))


def replica_engine():
    """The engine the next replica_reads() block would use, or None (no replica configured)."""
    replica = current_app.extensions.get(EXTENSION)
    return replica.engine if replica is not None else None


@contextmanager
def replica_reads():
    """Run the block's SELECTs on the reports replica when one is configured and fit to serve."""
    from app.extensions import db

    replica = current_app.extensions.get(EXTENSION)
    if replica is None or _routing.get() is not None or not replica.usable(db.session):
        yield
        return
    token = _routing.set(replica.engine)
    try:
        yield
    except DBAPIError as exc:
        if exc.connection_invalidated:  # the replica went away mid-block: the next pages use the primary
            replica.skip(f"connection lost ({type(exc.orig).__name__})")
        raise
    finally:
        _routing.reset(token)


def reads_from_replica(function):
    """Decorator: the whole call runs inside replica_reads()."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with replica_reads():
            return function(*args, **kwargs)

    return wrapper
