"""The archive written once, in its place: wrapped around the database copy, or streamed into an upload."""

import os
import sqlite3
import tarfile
import threading

import pytest

from app.services.maintenance import archive, databases
from app.services.maintenance.databases import MaintenanceError
from app.services.maintenance.priority import run_low_priority
from app.services.storage import LocalStorage, S3Storage, StorageError

MANIFEST = {"name": "20261202080000", "app_version": "test", "revision": "r1", "database_kind": "sqlite",
            "created_at": "2026-12-02T00:00:00", "tables": {"things": 300}, "digests": None}


def _database(path) -> bytes:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE things (id INTEGER PRIMARY KEY, label TEXT)")
        connection.executemany("INSERT INTO things (label) VALUES (?)", [(f"第{n}件" * 20,) for n in range(300)])
    connection.close()
    return path.read_bytes()


@pytest.fixture()
def staged(tmp_path):
    """A database file in a local store's staging place, plus one uploaded file."""
    store = LocalStorage(tmp_path / "store")
    upload = tmp_path / "contract.pdf"
    upload.write_bytes(b"%PDF contract" * 100)
    return store, upload


def _wrap(store, upload, tmp_path):
    with store.staged("backups/x.bak") as target:
        content = _database(target)
        manifest = archive.wrap_in_place(str(target), "database.sqlite3", [("uploads/contract.pdf", str(upload))],
                                         dict(MANIFEST))
    return content, manifest, store.local_path("backups/x.bak")


def test_the_database_copy_is_wrapped_in_place_and_verifies(staged, tmp_path):
    store, upload = staged
    content, manifest, path = _wrap(store, upload, tmp_path)
    with tarfile.open(path) as tar:
        members = tar.getmembers()
    assert [m.name for m in members] == ["database.sqlite3", "uploads/contract.pdf", "manifest.json"]
    assert members[0].offset_data % os.statvfs(path).f_bsize == 0
    extracted = archive.extract(path, tmp_path / "out")
    assert extracted.database_path.read_bytes() == content
    assert extracted.manifest["members"] == manifest["members"]
    assert (tmp_path / "out" / "uploads" / "contract.pdf").read_bytes() == upload.read_bytes()
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".part-")]


def test_without_insert_range_the_archive_is_a_copy_with_the_same_content(staged, tmp_path, monkeypatch):
    store, upload = staged
    monkeypatch.setattr(archive, "_insert_at_start", lambda fd, length: False)
    content, manifest, path = _wrap(store, upload, tmp_path)
    extracted = archive.extract(path, tmp_path / "out")
    assert extracted.database_path.read_bytes() == content
    assert manifest["members"]["database.sqlite3"]["size"] == len(content)
    assert sorted(p.name for p in path.parent.iterdir()) == ["x.bak"]


@pytest.mark.parametrize("member", ["database.sqlite3", "uploads/contract.pdf"])
def test_a_member_altered_after_writing_is_detected(staged, tmp_path, member):
    store, upload = staged
    _, _, path = _wrap(store, upload, tmp_path)
    with tarfile.open(path) as tar:
        info = tar.getmember(member)
    with open(path, "r+b") as fh:  # one byte in the middle of the member's data, the archive stays readable
        fh.seek(info.offset_data + info.size // 2)
        byte = fh.read(1)
        fh.seek(-1, os.SEEK_CUR)
        fh.write(bytes([byte[0] ^ 0x01]))
    with pytest.raises(MaintenanceError, match="校验和与清单不符"):
        archive.extract(path, tmp_path / "out")


def test_a_failed_wrap_leaves_nothing_in_the_store(staged, tmp_path):
    store, upload = staged
    with pytest.raises(FileNotFoundError), store.staged("backups/x.bak") as target:
        _database(target)
        archive.wrap_in_place(str(target), "database.sqlite3", [("uploads/gone.pdf", str(tmp_path / "gone"))],
                              dict(MANIFEST))
    assert not store.exists("backups/x.bak") and os.listdir(tmp_path / "store" / "backups") == []


def _s3(bucket):
    return S3Storage(bucket["S3_BUCKET"], bucket["S3_ENDPOINT_URL"], access_key="testing", secret_key="testing")


def test_an_archive_streamed_into_s3_verifies(s3_bucket, tmp_path):
    store = _s3(s3_bucket)
    database = tmp_path / "database.sqlite3"
    content = _database(database)
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(12 * 1024 * 1024))  # more than one part of a multipart upload
    with store.open_write("backups/x.bak") as out:
        archive.write_stream(out, [("database.sqlite3", str(database)), ("uploads/big.bin", str(big))],
                             dict(MANIFEST))
        written = out.tell()
    assert store.stat("backups/x.bak").size == written
    with store.open("backups/x.bak") as stream:
        extracted = archive.extract(stream, tmp_path / "out")
    assert extracted.database_path.read_bytes() == content
    assert (tmp_path / "out" / "uploads" / "big.bin").read_bytes() == big.read_bytes()


def test_a_failed_stream_stores_no_object_on_s3(s3_bucket, tmp_path):
    store = _s3(s3_bucket)
    with pytest.raises(RuntimeError), store.open_write("backups/x.bak") as out:
        out.write(b"half an archive" * 1000)
        raise RuntimeError("the snapshot failed")
    assert not store.exists("backups/x.bak")
    with pytest.raises(StorageError), store.open_write("backups/../x.bak"):
        pass


def test_snapshot_counts_and_digests_come_from_the_snapshot(tmp_path):
    live = tmp_path / "live.db"
    _database(live)
    with sqlite3.connect(live) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE pairs (a TEXT, b INTEGER, note BLOB, PRIMARY KEY (b, a))")
        connection.executemany("INSERT INTO pairs VALUES (?, ?, ?)", [(f"k{n % 7}", n, b"\x00\xff") for n in range(50)])
    connection.close()
    copy = tmp_path / "copy.db"
    counts, revision, digests = databases.sqlite_snapshot(str(live), str(copy), lambda done, total: None, 10**6)
    with sqlite3.connect(copy) as connection:  # one self-contained file (before anything opens it in WAL mode)
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    connection.close()
    assert not os.path.exists(f"{copy}-wal")
    with databases.scratch_engine(f"sqlite:///{copy}") as scratch, scratch.connect() as connection:
        assert counts == databases.row_counts(connection) == {"pairs": 50, "things": 300}
        assert digests == databases.table_digests(connection)
    assert revision is None
    assert databases.sqlite_snapshot(str(live), str(tmp_path / "big.db"), lambda d, t: None, 10)[2] is None


def test_low_priority_work_runs_in_its_own_thread_and_leaves_the_caller_alone(app):
    caller = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def work(x):
        return x, threading.current_thread().name, os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    with app.app_context():
        value, name, nice = run_low_priority(work, 7)
        assert (value, name, nice) == (7, "low-priority-backup", max(caller, 10))
        with pytest.raises(ZeroDivisionError):
            run_low_priority(lambda: 1 / 0)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == caller
