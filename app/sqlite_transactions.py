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

Other databases are untouched: their row locks and MVCC do this already.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

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


def _outside_transaction(connection) -> bool:
    return not connection.connection.dbapi_connection.in_transaction


def begin_write(session) -> None:
    """Start the session's change with the SQLite write lock (no-op on other databases, or when the
    connection already wrote something in this transaction)."""
    connection = session.connection()
    if _is_pysqlite(connection) and _outside_transaction(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@event.listens_for(Engine, "begin")
def _begin(connection):
    if _write_intent.get() and _is_pysqlite(connection) and _outside_transaction(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
