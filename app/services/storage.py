"""One storage interface for files the system keeps (backups today; uploads and exports next).

    store = storage.get_storage()            # chosen by STORAGE_BACKEND: "local" (default) or "s3"
    store.put("backups/20261201203000.tar", path_or_bytes)
    with store.open("backups/20261201203000.tar") as fh: ...

Keys are relative paths of plain segments ("backups/x.tar"); ".." and absolute keys are refused so
a crafted name can never reach outside the store. The local backend keeps files 0600 in 0700
folders under a root directory; the S3 backend talks to any S3-compatible service (AWS, MinIO,
Ceph ...) through boto3.
"""

import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from flask import current_app

_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


class StorageError(Exception):
    """A key that is malformed or missing, or a store that cannot be reached."""


def check_key(key: str) -> str:
    parts = key.split("/") if isinstance(key, str) else []
    if not parts or len(parts) > 8 or not all(_SEGMENT.match(part) for part in parts):
        raise StorageError(f"invalid storage key: {key!r}")
    return key


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    modified: datetime  # naive UTC


class LocalStorage:
    """Files under one directory, readable only by the account that runs the system."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*check_key(key).split("/"))

    def _make_dirs(self, folder: Path) -> None:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        # mkdir's mode is masked by the umask: set it on the root and every folder below it.
        for path in [folder, *folder.parents]:
            os.chmod(path, 0o700)
            if path == self.root:
                break

    def put(self, key: str, source: str | os.PathLike | bytes | BinaryIO, move: bool = False) -> StoredObject:
        """Store source under key; move=True lets a file on the same disk be renamed into place."""
        target = self._path(key)
        self._make_dirs(target.parent)
        if move and isinstance(source, str | os.PathLike):
            try:
                os.chmod(source, 0o600)
                os.replace(source, target)
                return self.stat(key)
            except OSError:
                pass  # another file system: copy below
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as out:
                if isinstance(source, bytes):
                    out.write(source)
                elif isinstance(source, str | os.PathLike):
                    with open(source, "rb") as src:
                        shutil.copyfileobj(src, out, 1024 * 1024)
                else:
                    shutil.copyfileobj(source, out, 1024 * 1024)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return self.stat(key)

    @contextmanager
    def staged(self, key: str) -> Iterator[Path]:
        """A private file beside key's place to write into; on success it is synced once and renamed into
        place, on failure removed (a reader never sees a half-written object)."""
        target = self._path(key)
        self._make_dirs(target.parent)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        os.close(fd)
        try:
            yield Path(tmp)
            os.chmod(tmp, 0o600)
            with open(tmp, "rb+") as written:
                os.fsync(written.fileno())
            os.replace(tmp, target)
        finally:
            Path(tmp).unlink(missing_ok=True)

    @contextmanager
    def open_write(self, key: str) -> Iterator[BinaryIO]:
        """A binary file to write key's content into, stored when the block ends without an error."""
        with self.staged(key) as path, open(path, "wb") as out:
            yield out

    def get(self, key: str) -> bytes:
        with self.open(key) as fh:
            return fh.read()

    @contextmanager
    def open(self, key: str) -> Iterator[BinaryIO]:
        path = self._path(key)
        if not path.is_file():
            raise StorageError(f"no such object: {key}")
        with open(path, "rb") as fh:
            yield fh

    def local_path(self, key: str) -> Path | None:
        """The file itself, for send_file and sqlite; None when it does not exist."""
        path = self._path(key)
        return path if path.is_file() else None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def stat(self, key: str) -> StoredObject:
        path = self._path(key)
        try:
            info = path.stat()
        except FileNotFoundError as exc:
            raise StorageError(f"no such object: {key}") from exc
        return StoredObject(key, info.st_size, datetime.fromtimestamp(info.st_mtime, UTC).replace(tzinfo=None))

    def list(self, prefix: str = "") -> list[StoredObject]:
        base = self.root / prefix if prefix else self.root
        if prefix:
            check_key(prefix.rstrip("/"))
        if not base.is_dir():
            return []
        found = []
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.name.startswith(".part-"):
                found.append(self.stat(path.relative_to(self.root).as_posix()))
        return found


class S3Storage:
    """Objects in one bucket (optionally under a prefix) of an S3-compatible service."""

    def __init__(self, bucket: str, endpoint_url: str | None = None, prefix: str = "",
                 access_key: str | None = None, secret_key: str | None = None, region: str | None = None):
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = boto3.client(
            "s3", endpoint_url=endpoint_url or None, aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None, region_name=region or "us-east-1",
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"},
                          retries={"max_attempts": 3, "mode": "standard"}))

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def _missing(self, exc) -> bool:
        code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
        return code in {"404", "NoSuchKey", "NotFound"}

    def put(self, key: str, source: str | os.PathLike | bytes | BinaryIO, move: bool = False) -> StoredObject:
        import io

        if isinstance(source, bytes):
            self.client.upload_fileobj(io.BytesIO(source), self.bucket, self._name(key))
        elif isinstance(source, str | os.PathLike):
            self.client.upload_file(str(source), self.bucket, self._name(key))
        else:
            self.client.upload_fileobj(source, self.bucket, self._name(key))
        return self.stat(key)

    @contextmanager
    def open_write(self, key: str) -> Iterator[BinaryIO]:
        """A binary stream uploaded while it is written (multipart, nothing kept on the local disk); the
        object exists only when the block ends without an error."""
        reader, writer = _Pipe.pair()
        failures: list[BaseException] = []

        def upload():
            try:
                self.client.upload_fileobj(reader, self.bucket, self._name(key))
            except BaseException as exc:  # noqa: BLE001  (raised in the writing thread below)
                failures.append(exc)
            finally:
                reader.close()

        thread = threading.Thread(target=upload, name=f"upload-{key}", daemon=True)
        thread.start()
        try:
            yield writer
        except BaseException:
            reader.aborted = True  # the upload fails instead of storing a truncated object
            writer.close()
            thread.join()
            raise
        try:
            writer.close()
        except BrokenPipeError:
            pass  # the upload stopped early: its own error is raised below
        thread.join()
        if failures:
            raise StorageError(f"upload of {key} failed: {failures[0]!r}") from failures[0]

    def get(self, key: str) -> bytes:
        with self.open(key) as fh:
            return fh.read()

    @contextmanager
    def open(self, key: str) -> Iterator[BinaryIO]:
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"]
        except ClientError as exc:
            if self._missing(exc):
                raise StorageError(f"no such object: {key}") from exc
            raise
        try:
            yield body
        finally:
            body.close()

    def local_path(self, key: str) -> Path | None:
        return None

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
            return True
        except ClientError as exc:
            if self._missing(exc):
                return False
            raise

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def stat(self, key: str) -> StoredObject:
        from botocore.exceptions import ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if self._missing(exc):
                raise StorageError(f"no such object: {key}") from exc
            raise
        return StoredObject(key, head["ContentLength"], head["LastModified"].astimezone(UTC).replace(tzinfo=None))

    def list(self, prefix: str = "") -> list[StoredObject]:
        start = self.prefix + (check_key(prefix.rstrip("/")) + "/" if prefix else "")
        found = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=start):
            for item in page.get("Contents", []):
                found.append(StoredObject(item["Key"][len(self.prefix):], item["Size"],
                                          item["LastModified"].astimezone(UTC).replace(tzinfo=None)))
        return sorted(found, key=lambda o: o.key)


class _Pipe:
    """One end of an OS pipe: the writing end counts what it wrote (tell), the reading end fails instead of
    ending normally once the writer gave up (aborted)."""

    def __init__(self, fd: int, mode: str):
        self.file, self.written, self.aborted = os.fdopen(fd, mode, buffering=0), 0, False

    @classmethod
    def pair(cls) -> tuple["_Pipe", "_Pipe"]:
        read_fd, write_fd = os.pipe()
        return cls(read_fd, "rb"), cls(write_fd, "wb")

    def read(self, size: int = -1) -> bytes:
        chunks, wanted = [], size if size >= 0 else 1 << 62
        while wanted > 0:
            chunk = self.file.read(min(wanted, 1 << 20))
            if not chunk:
                if self.aborted:
                    raise OSError("the upload was cancelled")
                break
            chunks.append(chunk)
            wanted -= len(chunk)
        return b"".join(chunks)

    def write(self, data) -> int:
        view = memoryview(data)
        while view:
            view = view[self.file.write(view):]
        self.written += len(data)
        return len(data)

    def tell(self) -> int:
        return self.written

    def readable(self) -> bool:
        return self.file.readable()

    def seekable(self) -> bool:
        return False

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.file.close()


Storage = LocalStorage | S3Storage


def s3_from_config(config) -> S3Storage:
    return S3Storage(bucket=config["S3_BUCKET"], endpoint_url=config.get("S3_ENDPOINT_URL"),
                     prefix=config.get("S3_PREFIX") or "", access_key=config.get("S3_ACCESS_KEY"),
                     secret_key=config.get("S3_SECRET_KEY"), region=config.get("S3_REGION"))


def get_storage(config=None) -> Storage:
    """The configured store: STORAGE_BACKEND "local" (STORAGE_DIR) or "s3" (S3_* settings)."""
    config = config or current_app.config
    if config.get("STORAGE_BACKEND", "local") == "s3":
        return s3_from_config(config)
    return LocalStorage(config["STORAGE_DIR"])


def offsite_storage(config=None) -> S3Storage | None:
    """Where backups are copied off the machine: the S3 store when S3_BUCKET is set and the main store is local."""
    config = config or current_app.config
    if config.get("S3_BUCKET") and config.get("STORAGE_BACKEND", "local") != "s3":
        return s3_from_config(config)
    return None
