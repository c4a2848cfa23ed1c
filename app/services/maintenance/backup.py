"""备份数据库 (manual 9.7): a consistent snapshot of the database and the uploaded files in one archive,
verified by restoring it into a scratch database before it is listed as good."""

import logging
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from flask import current_app

from app.config import APP_VERSION
from app.extensions import db
from app.services.maintenance import archive, catalogue, databases
from app.services.maintenance.catalogue import BackupRecord
from app.services.maintenance.databases import MaintenanceError
from app.services.storage import get_storage, offsite_storage
from models.base import utcnow

log = logging.getLogger(__name__)

RECENT = timedelta(hours=1)  # 系统初始化 needs a good backup at most this old


@contextmanager
def work_folder():
    """A private scratch folder next to the instance data (same disk as the database, 0700)."""
    base = Path(current_app.instance_path) / "tmp"
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder = tempfile.mkdtemp(dir=base, prefix="maintenance-")
    try:
        yield Path(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def new_name() -> str:
    """yyyymmddHHMMSS in the display time zone, as the manual names backups; never one already used."""
    from app.timeutil import to_local

    store = get_storage()
    while True:
        name = to_local(utcnow()).strftime("%Y%m%d%H%M%S")
        if catalogue.load(name, store) is None:
            return name
        time.sleep(0.2)


def start_backup(kind: str, actor_name: str) -> BackupRecord:
    """Register a backup as running (so the list shows it at once); run_backup does the work."""
    busy = [r for r in catalogue.all_backups() if r.state in (catalogue.RUNNING, catalogue.VERIFYING)
            and r.created and utcnow() - r.created < timedelta(hours=6)]
    if busy:
        raise MaintenanceError(f"备份 {busy[0].name} 正在进行，请等它完成后再备份")
    record = BackupRecord(name=new_name(), kind=kind, created_by=actor_name[:50],
                          created_at=utcnow().isoformat(), total=100)
    return catalogue.save(record)


def run_backup(name: str) -> BackupRecord:
    """Snapshot, archive, store, verify; the record ends as 已校验, 无效 or 备份失败 with the reason.

    The archive is written once, into its place in the storage: on a local store the database copy is
    made right there and wrapped into the archive in place; on S3 the archive is uploaded as it is
    written (the database copy needs a local file first)."""
    record = catalogue.get(name)
    started = time.perf_counter()
    store = get_storage()
    kind = databases.kind_of(db.engine.url)
    member = archive.DATABASE_MEMBERS.get(kind, "database")
    phase = {}
    try:
        with work_folder() as folder:
            if hasattr(store, "staged"):
                with store.staged(record.key) as target:
                    manifest, uploads = _snapshot(record, target)
                    phase["snapshot"] = time.perf_counter() - started
                    manifest = archive.wrap_in_place(str(target), member, uploads, manifest,
                                                     lambda done, total: _progress(record, done, total, 60, 80))
                    size = target.stat().st_size
            else:
                copy = folder / member
                manifest, uploads = _snapshot(record, copy)
                phase["snapshot"] = time.perf_counter() - started
                with store.open_write(record.key) as out:
                    manifest = archive.write_stream(out, [(member, str(copy)), *uploads], manifest,
                                                    lambda done, total: _progress(record, done, total, 60, 80))
                    size = out.tell()
        catalogue.update(record, state=catalogue.VERIFYING, done=max(record.done, 80), size=size,
                         database_kind=manifest["database_kind"], revision=manifest["revision"],
                         rows=sum(manifest["tables"].values()),
                         extra={"snapshot_seconds": round(phase["snapshot"], 1),
                                "backup_seconds": round(time.perf_counter() - started, 1)})
    except Exception as exc:
        log.exception("backup %s failed", name)
        message = exc.message if isinstance(exc, MaintenanceError) else f"备份失败：{type(exc).__name__}"
        return catalogue.update(record, state=catalogue.FAILED, message=message)
    return verify_backup(record)


def _snapshot(record: BackupRecord, database: Path) -> tuple[dict, list[tuple[str, str]]]:
    """Copy the database into the file database; returns the manifest (without the members' hashes) and
    the uploaded files to archive with it."""
    engine = db.engine
    kind = databases.kind_of(engine.url)
    limit = current_app.config.get("BACKUP_DIGEST_ROW_LIMIT", 500_000)
    if kind == "sqlite":
        counts, revision, digests = databases.sqlite_snapshot(
            databases.database_file(engine.url), str(database), lambda done, total: _progress(record, done, total),
            limit)
    elif kind == "postgresql":
        counts, digests = databases.pg_snapshot(engine, str(database), limit)
        with engine.connect() as connection:
            revision = databases.alembic_revision(connection)
    else:
        raise MaintenanceError("此数据库请使用数据库自带的备份（SQL Server：BACKUP DATABASE），见说明文档")
    members = []
    uploads = Path(current_app.config["UPLOAD_DIR"])
    if uploads.is_dir():
        members += [(f"uploads/{path.relative_to(uploads).as_posix()}", str(path))
                    for path in sorted(uploads.rglob("*")) if path.is_file()]
    manifest = {"name": record.name, "app_version": APP_VERSION, "revision": revision, "database_kind": kind,
                "created_at": record.created_at, "tables": counts, "digests": digests}
    return manifest, members


def _progress(record: BackupRecord, done: int, total: int, start: int = 0, end: int = 60) -> None:
    """Progress of one phase, mapped onto start..end percent of the whole backup (written every 5%)."""
    percent = start + int((end - start) * done / total) if total else start
    if percent >= record.done + 5:
        catalogue.update(record, done=percent)


def verify_backup(record: BackupRecord) -> BackupRecord:
    """Restore the archive into a scratch database and compare it with its manifest."""
    started = time.perf_counter()
    try:
        with work_folder() as folder:
            extracted = open_archive(record, folder)
            check_restorable(extracted, folder)
    except MaintenanceError as exc:
        return catalogue.update(record, state=catalogue.INVALID, done=100, message=exc.message)
    except Exception as exc:
        log.exception("verifying backup %s failed", record.name)
        return catalogue.update(record, state=catalogue.INVALID, done=100, message=f"校验失败：{type(exc).__name__}")
    record = catalogue.update(record, state=catalogue.VALID, done=100, message=None)
    record.extra["verify_seconds"] = round(time.perf_counter() - started, 1)
    catalogue.save(record)
    _copy_offsite(record)
    return record


def open_archive(record: BackupRecord, folder: Path) -> archive.Extracted:
    store = get_storage()
    local = store.local_path(record.key) if hasattr(store, "local_path") else None
    if local is not None:
        return archive.extract(local, folder / "content")
    with store.open(record.key) as stream:
        return archive.extract(stream, folder / "content")


def check_restorable(extracted: archive.Extracted, folder: Path) -> None:
    """Load the backup into a scratch database; its tables, row counts (and table digests, when the
    manifest has them) must match the manifest."""
    kind = extracted.database_kind
    if kind == "sqlite":
        databases.sqlite_check(str(extracted.database_path))
        with databases.scratch_engine(f"sqlite:///{extracted.database_path}") as scratch, \
                scratch.connect() as connection:
            compare_with_manifest(connection, extracted.manifest)
    elif kind == "postgresql":
        live = db.engine.url
        name = f"{live.database[:30]}_verify_{os.getpid()}_{int(time.time() * 1000) % 10**8}"
        url = databases.pg_create_database(live, name)
        try:
            databases.pg_load(str(extracted.database_path), url)
            with databases.scratch_engine(url) as scratch, scratch.connect() as connection:
                compare_with_manifest(connection, extracted.manifest)
        finally:
            databases.pg_drop_database(live, name)
    else:
        raise MaintenanceError("不支持的数据库类型")


def compare_with_manifest(connection, manifest: dict) -> None:
    counts = databases.row_counts(connection)
    if counts != manifest["tables"]:
        differ = sorted({t[0] for t in set(counts.items()) ^ set(manifest["tables"].items())})
        raise MaintenanceError(f"还原后的行数与清单不符（{'、'.join(differ[:5])}）")
    if manifest.get("digests"):
        digests = databases.table_digests(connection)
        differ = sorted(name for name in digests if digests[name] != manifest["digests"].get(name))
        if differ:
            raise MaintenanceError(f"还原后的数据校验和与清单不符（{'、'.join(differ[:5])}）")


def _copy_offsite(record: BackupRecord) -> None:
    target = offsite_storage()
    if target is None:
        return
    try:
        with get_storage().open(record.key) as stream:
            target.put(record.key, stream)
        catalogue.update(record, offsite=True)
    except Exception:
        log.exception("off-site copy of backup %s failed", record.name)
        catalogue.update(record, message="异地备份（S3）复制失败，本地备份可用")


def latest_good_backup(within: timedelta = RECENT) -> BackupRecord | None:
    now = utcnow()
    for record in catalogue.all_backups():
        if record.is_good and record.created and now - record.created <= within:
            return record
    return None


def apply_retention(keep_daily: int, keep_monthly: int) -> list[str]:
    """Keep the newest good automatic backup of each of the last keep_daily days and keep_monthly months;
    delete the other automatic ones (manual backups are never deleted automatically)."""
    from app.timeutil import to_local

    autos = [r for r in catalogue.all_backups() if r.kind == "auto" and r.created]
    keep: set[str] = set()
    days: list[str] = []
    months: list[str] = []
    for record in autos:  # newest first
        if not record.is_good:
            continue
        local = to_local(record.created.replace(tzinfo=None))
        day, month = local.strftime("%Y%m%d"), local.strftime("%Y%m")
        if day not in days and len(days) < keep_daily:
            days.append(day)
            keep.add(record.name)
        if month not in months and len(months) < keep_monthly:
            months.append(month)
            keep.add(record.name)
    busy = {catalogue.RUNNING, catalogue.VERIFYING}
    removed = [r.name for r in autos if r.name not in keep and r.state not in busy]
    for name in removed:
        catalogue.delete(name)
    return removed
