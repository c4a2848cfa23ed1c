"""SQLite saves take the write lock when their transaction begins (BEGIN IMMEDIATE).

pysqlite opens a transaction only at the first INSERT/UPDATE/DELETE: the reads a save makes first (the
duplicate check of 添加客户, the status an order is approved from, the permission checks) run outside it, so
another save can commit in between and both act on what they read (two customers with one mobile number),
and every save queues for the write lock again in the middle of its work. So the first transaction of a
request that changes something (POST, PUT, PATCH, DELETE) and every transaction of a background job
(`write_transactions()`) starts with BEGIN IMMEDIATE: the save waits once, at its start, on the busy timeout,
then reads and writes alone and commits. Pages that only read, the reads after a request's commit and
everything else keep pysqlite's behaviour: readers never wait (WAL lets them read while someone writes).

Other databases are untouched: their row locks and MVCC do this already.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from flask import g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

READ_METHODS = {"GET", "HEAD", "OPTIONS"}
_write_intent: ContextVar[bool] = ContextVar("sqlite_write_intent", default=False)


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


def _wants_write_lock() -> bool:
    if _write_intent.get():
        return True
    if has_request_context():
        return request.method not in READ_METHODS and not g.get("_sqlite_committed")
    return False


@event.listens_for(Engine, "begin")
def _begin(connection):
    if _is_pysqlite(connection) and _wants_write_lock() and not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@event.listens_for(Engine, "commit")
def _committed(connection):
    if has_request_context() and _is_pysqlite(connection):
        g._sqlite_committed = True
