"""备份数据库 and 还原 on the real database of the test run (SQLite, and PostgreSQL when configured)."""

import io
import tarfile

import pytest

from app.extensions import db as _db
from app.services.maintenance import backup, catalogue, databases, initialise, restore
from app.services.maintenance.databases import MaintenanceError
from app.services.storage import get_storage
from tests.helpers import ADMIN_PASSWORD, admin, make_employee
from tests.maintenance.conftest import *  # noqa: F403
from tests.maintenance.data import build_business


def snapshot_of_live():
    _db.session.commit()
    with _db.engine.connect() as connection:
        return databases.row_counts(connection), databases.table_digests(connection)


def make_backup():
    record = backup.start_backup("manual", "系统管理员")
    return backup.run_backup(record.name)


def test_backup_is_verified_and_restore_brings_the_data_back(db, maintenance_dirs):
    make_employee("before")
    (maintenance_dirs / "uploads" / "contract.pdf").write_bytes(b"%PDF original")
    db.session.commit()
    counts, digests = snapshot_of_live()

    record = make_backup()
    assert record.state == catalogue.VALID, record.message
    assert record.size > 0 and record.database_kind in ("sqlite", "postgresql")
    with tarfile.open(get_storage().local_path(record.key)) as tar:
        names = tar.getnames()
    assert names[-1] == "manifest.json" and "uploads/contract.pdf" in names

    make_employee("after")
    (maintenance_dirs / "uploads" / "contract.pdf").write_bytes(b"changed")
    db.session.commit()
    assert snapshot_of_live()[0] != counts

    restore.restore_backup(record.name, admin(), ADMIN_PASSWORD, record.name)
    assert snapshot_of_live() == (counts, digests)
    assert (maintenance_dirs / "uploads" / "contract.pdf").read_bytes() == b"%PDF original"


def test_backup_initialise_restore_round_trip(db, maintenance_dirs):
    build_business(5)
    counts, digests = snapshot_of_live()
    record = make_backup()
    assert record.state == catalogue.VALID, record.message
    initialise.initialise(["客户信息", "日志"], admin(), ADMIN_PASSWORD, "初始化")
    db.session.commit()
    assert snapshot_of_live()[0]["customers"] == 0

    restore.restore_backup(record.name, admin(), ADMIN_PASSWORD, record.name)
    assert snapshot_of_live() == (counts, digests)
    assert initialise.orphans() == []


@pytest.mark.parametrize("password,typed", [("wrong", None), (ADMIN_PASSWORD, "20200101000000"),
                                            (ADMIN_PASSWORD, ""), ("", None)])
def test_restore_needs_the_password_and_the_typed_name(db, maintenance_dirs, password, typed):
    record = make_backup()
    make_employee("kept")
    db.session.commit()
    counts = snapshot_of_live()
    with pytest.raises(MaintenanceError):
        restore.restore_backup(record.name, admin(), password, record.name if typed is None else typed)
    assert snapshot_of_live() == counts


@pytest.mark.parametrize("damage", ["truncated", "flipped", "foreign", "not-a-tar"])
def test_damaged_archives_are_refused_and_live_data_untouched(db, maintenance_dirs, damage):
    record = make_backup()
    path = get_storage().local_path(record.key)
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        middle = len(data) // 3
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:])
    elif damage == "foreign":
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            info = tarfile.TarInfo("manifest.json")
            payload = b'{"hello": "world"}'
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
        path.write_bytes(buffer.getvalue())
    else:
        path.write_bytes(b"PK\x03\x04 this is a zip file, not ours" * 100)
    make_employee("kept")
    db.session.commit()
    before = snapshot_of_live()

    checked = backup.verify_backup(catalogue.get(record.name))
    assert checked.state == catalogue.INVALID and checked.message
    assert not catalogue.get(record.name).is_good
    with pytest.raises(MaintenanceError, match="只能还原校验通过的备份"):
        restore.restore_backup(record.name, admin(), ADMIN_PASSWORD, record.name)
    # Even a record marked good again (say by hand) is refused when its archive is damaged.
    catalogue.update(checked, state=catalogue.VALID)
    with pytest.raises(MaintenanceError):
        restore.restore_backup(record.name, admin(), ADMIN_PASSWORD, record.name)
    assert snapshot_of_live() == before
