"""What differs per database: making a consistent copy, loading one into a scratch database, counting rows.

SQLite: the online backup API copies the file page by page from inside one read transaction, so the
copy is one consistent snapshot and, in WAL mode, writers keep working meanwhile. PostgreSQL:
`pg_dump -Fc` with the snapshot of a REPEATABLE READ transaction in which the row counts are taken
too, so dump and manifest describe the same moment. SQL Server: see the README (BACKUP DATABASE).
"""

import glob
import hashlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import contextmanager

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import NullPool

from app.services.errors import DomainError

BACKUP_PAGES = 16384  # 64 MB per step with 4 KB pages (progress is reported per step)


class MaintenanceError(DomainError):
    pass


def kind_of(url: URL) -> str:
    return {"sqlite": "sqlite", "postgresql": "postgresql", "mssql": "mssql"}.get(url.get_backend_name(), "other")


def database_file(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise MaintenanceError("内存数据库不能备份")
    return url.database


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_names(connection) -> list[str]:
    return sorted(inspect(connection).get_table_names())


def row_counts(connection) -> dict[str, int]:
    return {name: connection.execute(text(f"SELECT COUNT(*) FROM {quoted(name)}")).scalar_one()
            for name in table_names(connection)}


def table_digests(connection) -> dict[str, str]:
    """SHA-256 of every table's rows in primary-key order: equal digests mean equal content."""
    inspector = inspect(connection)
    digests = {}
    for name in table_names(connection):
        columns = [column["name"] for column in inspector.get_columns(name)]
        order = inspector.get_pk_constraint(name).get("constrained_columns") or columns
        digests[name] = _digest(connection.execute(text(_ordered_select(name, columns, order))).yield_per(5000))
    return digests


def _ordered_select(name: str, columns: list[str], order: list[str]) -> str:
    return (f"SELECT {', '.join(quoted(c) for c in columns)} FROM {quoted(name)} "
            f"ORDER BY {', '.join(quoted(c) for c in order)}")


def _digest(rows) -> str:
    sha = hashlib.sha256()
    for row in rows:
        sha.update(repr(tuple(_canonical(value) for value in row)).encode())
    return sha.hexdigest()


def _canonical(value):
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value if value is None or isinstance(value, int | str) else str(value)


def alembic_revision(connection) -> str | None:
    if "alembic_version" not in table_names(connection):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


# SQLite -------------------------------------------------------------------------------------------
def sqlite_snapshot(source_path: str, target_path: str, progress: Callable[[int, int], None],
                    digest_limit: int) -> tuple[dict[str, int], str | None, dict | None]:
    """Copy the live database file into target_path as one consistent snapshot; returns the row counts,
    the Alembic revision and (for at most digest_limit rows) the table digests of that same snapshot.

    Everything happens inside one read transaction on the live file, so the counts are read from the
    live file's (cached) pages instead of a second pass over the copy. The copy itself is written without
    a journal and without SQLite's syncing; each step's pages are written back before the next step, so the
    disk is never handed gigabytes of dirty pages at once (one final sync of the whole copy held up the
    web's commits for over a second), and whoever stores the copy syncs it once more at the end.
    """
    source = sqlite3.connect(source_path, timeout=30, isolation_level=None)
    target = sqlite3.connect(target_path, isolation_level=None)
    written = None
    try:
        target.execute("PRAGMA journal_mode=OFF").fetchone()
        target.execute("PRAGMA synchronous=OFF")
        source.execute("BEGIN")  # one read transaction: the counts and every backup step see one snapshot
        counts = sqlite_row_counts(source)
        revision = None
        if "alembic_version" in counts:
            revision = (source.execute("SELECT version_num FROM alembic_version").fetchone() or (None,))[0]
        digests = sqlite_table_digests(source) if sum(counts.values()) <= digest_limit else None
        written = os.open(target_path, os.O_RDONLY | os.O_CREAT, 0o600)

        def step(status, remaining, total):
            os.fdatasync(written)  # write back each step's 64 MB now, not 2 GB in one sync that stalls commits
            progress(total - remaining, total)

        source.backup(target, pages=BACKUP_PAGES, progress=step, sleep=0)
        source.execute("COMMIT")
    finally:
        if written is not None:
            os.close(written)
        target.close()
        source.close()
    _to_rollback_journal(target_path)
    return counts, revision, digests


def _sqlite_tables(connection: sqlite3.Connection) -> list[str]:
    """The tables SQLAlchemy's inspector lists (SQLite's own sqlite_* tables left out)."""
    return sorted(name for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite~_%' ESCAPE '~'"))


def sqlite_row_counts(connection: sqlite3.Connection) -> dict[str, int]:
    """row_counts() on a plain sqlite3 connection (one kept inside its own read transaction)."""
    return {name: connection.execute(f"SELECT COUNT(*) FROM {quoted(name)}").fetchone()[0]
            for name in _sqlite_tables(connection)}


def sqlite_table_digests(connection: sqlite3.Connection) -> dict[str, str]:
    """table_digests() on a plain sqlite3 connection: the same columns, order and hash."""
    digests = {}
    for name in _sqlite_tables(connection):
        info = [row for row in connection.execute(f"PRAGMA table_xinfo({quoted(name)})") if row[6] != 1]
        columns = [row[1] for row in info]
        order = [row[1] for row in sorted((row for row in info if row[5]), key=lambda row: row[5])] or columns
        digests[name] = _digest(connection.execute(_ordered_select(name, columns, order)))
    return digests


def _to_rollback_journal(path: str) -> None:
    """A snapshot is one self-contained file: no -wal beside it."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=DELETE").fetchone()
    finally:
        connection.close()


def sqlite_check(path: str) -> None:
    """Refuse a file that is not an intact SQLite database."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = connection.execute("PRAGMA quick_check").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise MaintenanceError("备份中的数据库文件已损坏，不能使用") from exc
    if not result or result[0] != "ok":
        raise MaintenanceError("备份中的数据库文件已损坏，不能使用")


def sqlite_copy_into_live(scratch_path: str, live_engine: Engine) -> None:
    """Replace the live database's content with the scratch file's, in one SQLite transaction.

    Going through SQLite's backup API (not a file rename) keeps every other open connection, in this
    process or another, consistent: they see the old data until the copy commits, then the new.
    """
    live_engine.dispose()
    source = sqlite3.connect(scratch_path, isolation_level=None)
    target = sqlite3.connect(database_file(live_engine.url), timeout=60, isolation_level=None)
    try:
        source.backup(target, pages=-1)
    finally:
        target.close()
        source.close()
    live_engine.dispose()


# PostgreSQL -------------------------------------------------------------------------------------
def pg_tool(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)),
                                       None)
    if not found:
        raise MaintenanceError(f"找不到 PostgreSQL 工具 {name}，请安装 postgresql-client")
    return found


def _pg_env(url: URL) -> dict:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return env


def _pg_args(url: URL, database: str | None = None) -> list[str]:
    args = ["-h", url.host or "localhost", "-p", str(url.port or 5432), "-d", database or url.database]
    if url.username:
        args += ["-U", url.username]
    return args


def pg_snapshot(engine: Engine, target_path: str, digest_limit: int) -> tuple[dict[str, int], dict | None]:
    """pg_dump -Fc of one snapshot; returns the row counts (and digests, for a small database) of that same
    snapshot."""
    with engine.connect() as connection:
        connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        counts = row_counts(connection)
        digests = table_digests(connection) if sum(counts.values()) <= digest_limit else None
        _run([pg_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
              "-f", target_path, *_pg_args(engine.url)], engine.url, "数据库导出失败")
        connection.rollback()
    return counts, digests


def _run(command: list[str], url: URL, message: str) -> None:
    result = subprocess.run(command, env=_pg_env(url), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise MaintenanceError(f"{message}：{result.stderr.strip()[:300]}")


def pg_admin_engine(url: URL) -> Engine:
    return create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)


def pg_create_database(url: URL, name: str) -> URL:
    admin = pg_admin_engine(url)
    try:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {quoted(name)}"))
            connection.execute(text(f"CREATE DATABASE {quoted(name)}"))
    finally:
        admin.dispose()
    return url.set(database=name)


def pg_drop_database(url: URL, name: str) -> None:
    admin = pg_admin_engine(url)
    try:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {quoted(name)} WITH (FORCE)"))
    finally:
        admin.dispose()


def pg_load(dump_path: str, url: URL) -> None:
    _run([pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          *_pg_args(url), dump_path], url, "备份中的数据库无法还原")


def pg_swap(live_engine: Engine, restored: str) -> None:
    """Make the restored database the live one; the previous live database is kept as <name>_prev."""
    url = live_engine.url
    live, previous = url.database, f"{url.database}_prev"[:63]
    live_engine.dispose()
    admin = pg_admin_engine(url)
    try:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {quoted(previous)} WITH (FORCE)"))
            # No new sessions on the live database while it is being swapped out.
            connection.execute(text(f"ALTER DATABASE {quoted(live)} WITH ALLOW_CONNECTIONS false"))
            try:
                connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                        "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": live})
                connection.execute(text(f"ALTER DATABASE {quoted(live)} RENAME TO {quoted(previous)}"))
            finally:
                database = previous if _exists(connection, previous) else live
                connection.execute(text(f"ALTER DATABASE {quoted(database)} WITH ALLOW_CONNECTIONS true"))
            connection.execute(text(f"ALTER DATABASE {quoted(restored)} RENAME TO {quoted(live)}"))
    finally:
        admin.dispose()
    live_engine.dispose()


def _exists(connection, name: str) -> bool:
    return bool(connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar())


@contextmanager
def scratch_engine(url: URL | str):
    engine = create_engine(make_url(url) if isinstance(url, str) else url)
    try:
        yield engine
    finally:
        engine.dispose()
