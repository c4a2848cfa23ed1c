"""The storage interface: the same behaviour from the local directory and a real S3-compatible server."""

import io
import stat

import pytest

from app.services.storage import LocalStorage, StorageError, get_storage, offsite_storage
from tests.s3_server import s3_bucket, s3_endpoint  # noqa: F401  (fixtures)


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return get_storage({"STORAGE_BACKEND": "local", "STORAGE_DIR": str(tmp_path / "store")})
    settings = request.getfixturevalue("s3_bucket")
    return get_storage({"STORAGE_BACKEND": "s3", "S3_PREFIX": "crm", **settings})


def test_put_get_open_list_delete(store, tmp_path):
    source = tmp_path / "source.bin"
    source.write_bytes(b"x" * 300_000)
    store.put("backups/a.tar", source)
    store.put("backups/b.tar", b"hello")
    store.put("exports/c.xlsx", io.BytesIO(b"sheet"))

    assert store.exists("backups/a.tar") and not store.exists("backups/zzz.tar")
    assert store.get("backups/b.tar") == b"hello"
    with store.open("backups/a.tar") as fh:
        assert fh.read() == b"x" * 300_000
    assert [(o.key, o.size) for o in store.list("backups")] == [("backups/a.tar", 300_000), ("backups/b.tar", 5)]
    assert store.stat("exports/c.xlsx").size == 5

    store.delete("backups/a.tar")
    assert not store.exists("backups/a.tar")
    with pytest.raises(StorageError):
        store.get("backups/a.tar")


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs", "a//b", "a/../b", "", ".hidden", "a\x00b", "x" * 300])
def test_crafted_keys_are_refused(store, key):
    with pytest.raises(StorageError):
        store.put(key, b"no")


def test_local_files_are_private(tmp_path):
    store = LocalStorage(tmp_path / "store")
    store.put("backups/deep/a.tar", b"secret")
    file_mode = stat.S_IMODE((tmp_path / "store/backups/deep/a.tar").stat().st_mode)
    assert file_mode == 0o600
    for folder in ["store", "store/backups", "store/backups/deep"]:
        assert stat.S_IMODE((tmp_path / folder).stat().st_mode) == 0o700


def test_offsite_copy_only_when_a_bucket_is_configured(tmp_path, s3_bucket):  # noqa: F811
    assert offsite_storage({"STORAGE_BACKEND": "local", "STORAGE_DIR": str(tmp_path)}) is None
    copy = offsite_storage({"STORAGE_BACKEND": "local", **s3_bucket})
    copy.put("backups/x.tar", b"off-site")
    assert copy.get("backups/x.tar") == b"off-site"
