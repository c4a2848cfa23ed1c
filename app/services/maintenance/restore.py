"""还原 (manual 9.7): load a verified backup into a fresh database, check it, migrate it if it is older,
then swap it in; if anything fails before the swap, the live data are untouched.

SQLite: the checked scratch file is copied over the live database with SQLite's backup API, one
transaction under SQLite's own locks, so open connections (other workers too) never see a half-copied
file. PostgreSQL: the backup is restored into a new database `<name>_restore`, checked and migrated
there, then the databases are renamed (live -> `<name>_prev`, kept until the next restore; restored ->
live). Uploaded files are swapped the same way: the backup's folder is prepared beside the live one
and renamed into place.
"""

import shutil
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import Flask, current_app
from werkzeug.security import check_password_hash

from app.config import PROJECT_ROOT
from app.extensions import db
from app.services.maintenance import catalogue, databases
from app.services.maintenance.backup import check_restorable, compare_with_manifest, open_archive, work_folder
from app.services.maintenance.databases import MaintenanceError
from models.accounts import Employee

MIGRATIONS = PROJECT_ROOT / "migrations"


def check_confirmation(actor: Employee, password: str, typed_name: str, expected_name: str) -> None:
    """The strong confirmation of 还原 and 系统初始化: the actor's own password and the typed name."""
    if not password or not check_password_hash(actor.password_hash, password[:200]):
        raise MaintenanceError("登录密码不正确，操作已取消")
    if (typed_name or "").strip() != expected_name:
        raise MaintenanceError(f"请输入“{expected_name}”以确认，操作已取消")


def revisions() -> tuple[str, list[str]]:
    """(head, every revision from the first to head in order)."""
    script = ScriptDirectory(str(MIGRATIONS))
    ordered = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    return script.get_current_head(), ordered


def check_revision(revision: str | None) -> bool:
    """True when the backup's schema needs migrating; refuses one from a newer (unknown) schema."""
    head, ordered = revisions()
    if revision not in ordered:
        raise MaintenanceError("这个备份来自更新版本的系统（数据库结构版本未知），不能还原到当前版本")
    return revision != head


def migrate(url) -> None:
    """Run the Alembic upgrade on a database other than the live one (a scratch copy)."""
    from flask_migrate import Migrate, upgrade
    from flask_sqlalchemy import SQLAlchemy

    from app.extensions import Base

    scratch = Flask("restore-migration")
    scratch.config["SQLALCHEMY_DATABASE_URI"] = url.render_as_string(hide_password=False) \
        if hasattr(url, "render_as_string") else str(url)
    scratch_db = SQLAlchemy(model_class=Base)
    scratch_db.init_app(scratch)
    Migrate(scratch, scratch_db, directory=str(MIGRATIONS), render_as_batch=True)
    with scratch.app_context():
        upgrade()
        scratch_db.engine.dispose()


def restore_backup(name: str, actor: Employee, password: str, typed_name: str) -> catalogue.BackupRecord:
    record = catalogue.get(name)
    check_confirmation(actor, password, typed_name, record.name)
    if not record.is_good:
        raise MaintenanceError("只能还原校验通过的备份")
    live = db.engine
    kind = databases.kind_of(live.url)
    db.session.remove()
    with work_folder() as folder:
        extracted = open_archive(record, folder)
        if extracted.database_kind != kind:
            raise MaintenanceError(f"这个备份来自 {extracted.database_kind} 数据库，当前系统使用 {kind}，不能还原")
        needs_migration = check_revision(extracted.manifest.get("revision"))
        uploads = _prepare_uploads(extracted)
        if kind == "sqlite":
            check_restorable(extracted, folder)
            if needs_migration:
                migrate(databases.make_url(f"sqlite:///{extracted.database_path}"))
            databases.sqlite_copy_into_live(str(extracted.database_path), live)
        else:
            _restore_postgresql(extracted, live, needs_migration)
    _swap_uploads(uploads)
    db.session.remove()
    return record


def _restore_postgresql(extracted, live, needs_migration: bool) -> None:
    name = f"{live.url.database[:50]}_restore"
    url = databases.pg_create_database(live.url, name)
    try:
        databases.pg_load(str(extracted.database_path), url)
        with databases.scratch_engine(url) as scratch, scratch.connect() as connection:
            compare_with_manifest(connection, extracted.manifest)
        if needs_migration:
            migrate(url)
        databases.pg_swap(live, name)
    except BaseException:
        databases.pg_drop_database(live.url, name)
        raise


def _prepare_uploads(extracted) -> Path:
    live = Path(current_app.config["UPLOAD_DIR"])
    staged = live.with_name(live.name + ".restore")
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir(parents=True, mode=0o700)
    for relative, path in extracted.upload_files:
        target = staged / relative
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        shutil.move(path, target)
    return staged


def _swap_uploads(staged: Path) -> None:
    live = Path(current_app.config["UPLOAD_DIR"])
    previous = live.with_name(live.name + ".prev")
    shutil.rmtree(previous, ignore_errors=True)
    if live.exists():
        live.rename(previous)
    staged.rename(live)
