"""SQLite saves take the write lock when their change begins (BEGIN IMMEDIATE), and only for the change.

pysqlite opens a transaction only at the first INSERT/UPDATE/DELETE: the reads a save makes first (the
duplicate check of 添加客户, the status an order is approved from) run outside it, so another save can commit
in between and both act on what they read (two customers with one mobile number), and a save queues for the
write lock again in the middle of its work. So the one change of a view (`committed()` in
admin_views/transactions.py calls begin_write()) and every transaction of a background job
(`write_transactions()`) start with BEGIN IMMEDIATE: the save waits once, at its start, on the busy timeout,
then reads and writes alone and commits at once. What a view reads before its change (the logged-in user,
permissions, the record by id) and pages that only read keep pysqlite's behaviour and never wait: WAL lets
them read while someone writes. Holding the lock only from the service call to the commit keeps it short.

Within one process the writers also queue on a lock of their own before BEGIN IMMEDIATE: a waiting thread is
woken the moment the writer before it commits, instead of polling SQLite's busy handler, whose growing sleeps
let many threads time out ("database is locked" after the busy timeout) while the lock was free most of the time.

Other databases are untouched: their row locks and MVCC do this already.
"""

import threading
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

_write_intent: ContextVar[bool] = ContextVar("sqlite_write_intent", default=False)
_writers = threading.Lock()
QUEUE_SECONDS = 30  # longer than SQLite's busy timeout: past it the writer tries anyway and gets SQLite's answer
HOLDS_QUEUE = "crm_sqlite_writer"


@contextmanager
def write_transactions():
    """Code that writes outside a request (jobs, the scheduler) takes the write lock at each BEGIN."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def _is_pysqlite(connection) -> bool:
    return connection.dialect.name == "sqlite" and connection.dialect.driver == "pysqlite"


def _outside_transaction(connection) -> bool:
    return not connection.connection.dbapi_connection.in_transaction


def begin_write(session) -> None:
    """Start the session's change with the SQLite write lock (no-op on other databases, or when the
    connection already wrote something in this transaction)."""
    connection = session.connection()
    if _is_pysqlite(connection) and _outside_transaction(connection):
        _begin_immediate(connection)


def _begin_immediate(connection) -> None:
    if not connection.info.get(HOLDS_QUEUE):
        connection.info[HOLDS_QUEUE] = _writers.acquire(timeout=QUEUE_SECONDS)
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except Exception:
        _leave_queue(connection)
        raise


def _leave_queue(holder) -> None:
    """holder: a Connection or a pool's connection record (both carry the same info dict)."""
    if holder is not None and holder.info.pop(HOLDS_QUEUE, False):
        _writers.release()


@event.listens_for(Engine, "begin")
def _begin(connection):
    if _write_intent.get() and _is_pysqlite(connection) and _outside_transaction(connection):
        _begin_immediate(connection)


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _ended(connection):
    _leave_queue(connection)


@event.listens_for(Pool, "checkin")
def _checked_in(dbapi_connection, connection_record):
    _leave_queue(connection_record)  # a transaction that ended without commit or rollback events


@event.listens_for(Pool, "invalidate")
def _invalidated(dbapi_connection, connection_record, exception):
    _leave_queue(connection_record)
