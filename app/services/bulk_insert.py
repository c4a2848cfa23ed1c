"""Bulk INSERT of plain rows for imports and demo data: the driver's executemany, several rows per statement.

SQLAlchemy's Core insert builds and processes a parameter dictionary per row, which for 100,000
customers of 37 columns costs more than a second. Here each value goes through the same bind
processor SQLAlchemy would use for the dialect (dates, enums, booleans come out identical), and the
rows are sent as multi-row VALUES statements of at most 800 parameters (SQLite's old limit is 999,
SQL Server's 2,100). Only for rows that were validated already; no ORM events, no defaults: every
row must carry every column that has a default.
"""

from collections.abc import Sequence
from itertools import chain
from operator import itemgetter

from sqlalchemy import Table, insert

MAX_PARAMETERS = 800
_MARKS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def insert_rows(connection, table: Table, rows: Sequence[dict]) -> None:
    """Insert dicts that all have the same keys (column names)."""
    if not rows:
        return
    columns = list(rows[0])
    missing = [c.name for c in table.columns if c.default is not None and c.name not in columns]
    if missing:
        raise ValueError(f"bulk rows for {table.name} lack columns with defaults: {', '.join(missing)}")
    dialect = connection.dialect
    getter = itemgetter(*columns)
    values = [getter(row) for row in rows] if len(columns) > 1 else [(getter(row),) for row in rows]
    processors = [(index, table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
                  for index, name in enumerate(columns)]
    processors = [(index, process) for index, process in processors if process is not None]
    if processors:  # column by column: one list comprehension per processed column, not a call per cell
        by_column = list(zip(*values, strict=True))
        for index, process in processors:
            by_column[index] = [None if value is None else process(value) for value in by_column[index]]
        values = list(zip(*by_column, strict=True))
    insert_tuples(connection, table, columns, values)


def insert_tuples(connection, table: Table, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert tuples of driver-ready values, in the order of `columns`."""
    if not rows:
        return
    mark = _MARKS.get(connection.dialect.paramstyle)
    if mark is None:  # a driver with named parameters: let SQLAlchemy build them
        connection.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    quote = connection.dialect.identifier_preparer.quote
    head = f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) VALUES "
    one = "(" + ", ".join([mark] * len(columns)) + ")"
    size = max(1, MAX_PARAMETERS // len(columns))
    whole = len(rows) - len(rows) % size if size > 1 else 0
    if whole:
        flat = list(chain.from_iterable(rows[:whole]))
        step = size * len(columns)
        connection.exec_driver_sql(head + ", ".join([one] * size),
                                   [tuple(flat[start:start + step]) for start in range(0, len(flat), step)])
    if whole < len(rows):
        connection.exec_driver_sql(head + one, list(rows[whole:]))
