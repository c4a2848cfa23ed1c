"""Backups from other schema versions, the S3-compatible store, the off-site copy and retention."""

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import inspect

from app.extensions import db as _db
from app.services.maintenance import archive, backup, catalogue, restore
from app.services.maintenance.databases import MaintenanceError
from app.services.storage import get_storage
from models.base import utcnow
from tests.helpers import ADMIN_PASSWORD, admin, make_employee
from tests.maintenance.conftest import *  # noqa: F403

OLDER = "0004_search_vocabulary"
AGES = [0, 0, 1, 2, 3, 40, 41, 75, 200]  # days


def make_backup(kind="manual"):
    return backup.run_backup(backup.start_backup(kind, "系统管理员").name)


def _rewrite(record, folder, change):
    """Unpack a backup, let change() alter the database file and manifest, and pack it again."""
    extracted = backup.open_archive(record, folder)
    manifest = dict(extracted.manifest)
    change(extracted.database_path, manifest)
    target = folder / "rewritten.bak"
    members = [(name, str(extracted.folder / name)) for name in manifest["members"]]
    archive.write_archive(str(target), members, {k: v for k, v in manifest.items() if k not in ("members", "format")})
    get_storage().put(record.key, target)


def _downgrade(path, revision):
    from flask_migrate import Migrate, downgrade
    from flask_sqlalchemy import SQLAlchemy

    from app.extensions import Base

    scratch = Flask("downgrade")
    scratch.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    scratch_db = SQLAlchemy(model_class=Base)
    scratch_db.init_app(scratch)
    Migrate(scratch, scratch_db, directory=str(restore.MIGRATIONS), render_as_batch=True)
    with scratch.app_context():
        downgrade(revision=revision)
        counts = {}
        with scratch_db.engine.connect() as connection:
            from app.services.maintenance.databases import row_counts

            counts = row_counts(connection)
        scratch_db.engine.dispose()
    return counts


@pytest.fixture()
def sqlite_only(db):
    if db.engine.url.get_backend_name() != "sqlite":
        pytest.skip("the archive is rewritten with a SQLite database file")


def test_an_older_backup_is_restored_and_migrated(db, maintenance_dirs, sqlite_only, tmp_path):
    make_employee("from-the-old-version")
    db.session.commit()
    record = make_backup()

    def to_older(path, manifest):
        manifest["tables"] = _downgrade(path, OLDER)
        manifest["revision"], manifest["digests"] = OLDER, None

    _rewrite(record, tmp_path, to_older)
    assert backup.verify_backup(catalogue.get(record.name)).is_good
    restore.restore_backup(record.name, admin(), ADMIN_PASSWORD, record.name)
    _db.session.remove()
    with _db.engine.connect() as connection:
        assert "audit_log" in inspect(connection).get_table_names()
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == restore.revisions()[0]
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(_db.metadata.tables["employees"])) == 2


def test_a_backup_from_a_newer_schema_is_refused(db, maintenance_dirs, sqlite_only, tmp_path):
    record = make_backup()

    def to_newer(path, manifest):
        import sqlite3

        with sqlite3.connect(path) as connection:
            connection.execute("UPDATE alembic_version SET version_num = '0099_future'")
        manifest["revision"], manifest["digests"] = "0099_future", None

    _rewrite(record, tmp_path, to_newer)
    make_employee("still-here")
    db.session.commit()
    with pytest.raises(MaintenanceError, match="更新版本"):
        restore.restore_backup(record.name, admin(), ADMIN_PASSWORD, record.name)
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(_db.metadata.tables["employees"])) == 2


def test_a_changed_manifest_fails_verification(db, maintenance_dirs, sqlite_only, tmp_path):
    record = make_backup()

    def lie(path, manifest):
        manifest["tables"] = dict(manifest["tables"], employees=manifest["tables"]["employees"] + 1)

    _rewrite(record, tmp_path, lie)
    checked = backup.verify_backup(catalogue.get(record.name))
    assert checked.state == catalogue.INVALID and "employees" in checked.message


def test_backups_on_the_s3_store(app, db, maintenance_dirs, s3_bucket):
    app.config.update(STORAGE_BACKEND="s3", **s3_bucket)
    try:
        record = make_backup()
        assert record.is_good, record.message
        assert get_storage().exists(record.key) and get_storage().local_path(record.key) is None
        assert [r.name for r in catalogue.all_backups()] == [record.name]
        make_employee("after-backup")
        db.session.commit()
        restore.restore_backup(record.name, admin(), ADMIN_PASSWORD, record.name)
        _db.session.remove()
        assert _db.session.scalar(_db.select(_db.func.count()).select_from(_db.metadata.tables["employees"])) == 1
    finally:
        for key in s3_bucket:
            app.config[key] = None
        app.config["STORAGE_BACKEND"] = "local"


def test_offsite_copy_to_s3(app, db, maintenance_dirs, s3_bucket):
    app.config.update(**s3_bucket)
    try:
        record = make_backup()
        assert record.is_good and record.offsite
        from app.services.storage import offsite_storage

        copy = offsite_storage()
        assert copy.get(record.key) == get_storage().get(record.key)
    finally:
        for key in s3_bucket:
            app.config[key] = None


def test_retention_keeps_n_daily_and_m_monthly(db, maintenance_dirs):
    now = utcnow()
    names = []
    for days in AGES:
        created = now - timedelta(days=days, minutes=len(names))
        name = created.strftime("%Y%m%d%H%M%S")
        catalogue.save(catalogue.BackupRecord(name=name, kind="auto", state=catalogue.VALID,
                                              created_at=created.isoformat()))
        names.append(name)
    catalogue.save(catalogue.BackupRecord(name="20000101000000", kind="manual", state=catalogue.VALID,
                                          created_at="2000-01-01T00:00:00"))
    catalogue.save(catalogue.BackupRecord(name="20000102000000", kind="auto", state=catalogue.INVALID,
                                          created_at="2000-01-02T00:00:00"))
    removed = backup.apply_retention(keep_daily=2, keep_monthly=3)
    left = {r.name for r in catalogue.all_backups()}

    from app.timeutil import to_local

    newest_of_month = {}
    for index, (name, days) in enumerate(zip(names, AGES, strict=True)):  # newest first
        month = to_local(now - timedelta(days=days, minutes=index)).strftime("%Y%m")
        newest_of_month.setdefault(month, name)
    expected = {names[0], names[2]} | set(list(newest_of_month.values())[:3]) | {"20000101000000"}
    assert left == expected
    assert "20000102000000" in removed and names[1] in removed
