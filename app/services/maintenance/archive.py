"""The backup archive: a tar file `<yyyymmddHHMMSS>.bak` holding the database, the uploaded files and a
manifest (app version, Alembic revision, database kind, row counts per table, SHA-256 of every member).

The manifest is the last member, so the archive is written in one pass straight into its final place (a
local file or an upload stream), hashing each member as it goes in; a database copy already in that place
is not copied again, the tar header is put in front of it (wrap_in_place). Reading checks every member
against the manifest. Only regular files with plain relative names are accepted, so a
crafted archive can neither escape the extraction folder nor smuggle in links.
"""

import ctypes
import hashlib
import io
import json
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from app.services.maintenance.databases import MaintenanceError

MANIFEST = "manifest.json"
FORMAT = "xingzhu-backup/1"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024
FALLOC_FL_INSERT_RANGE = 0x20  # linux/falloc.h


class _Hashing:
    """A file read by tarfile in big chunks, hashed on the way (hashlib releases the GIL on big chunks)."""

    def __init__(self, raw, progress=None):
        self.raw, self.sha, self.progress = raw, hashlib.sha256(), progress

    def read(self, size=-1):
        data = self.raw.read(size)
        self.sha.update(data)
        if self.progress:
            self.progress(len(data))
        return data


def write_archive(target: str, members: list[tuple[str, str]], manifest: dict, progress=None) -> dict:
    """Write (arcname, path) members and the manifest (completed with their hashes) to the file target."""
    with open(target, "wb") as out:
        return write_stream(out, members, manifest, progress)


def write_stream(out, members: list[tuple[str, str]], manifest: dict, progress=None) -> dict:
    """Write the archive into a binary stream (write and tell only, e.g. an upload); returns the manifest.

    progress(bytes_done, bytes_total) is called as the members are copied.
    """
    manifest = dict(manifest, format=FORMAT, members={})
    advance = _Progress(sum(os.path.getsize(path) for _, path in members), progress)
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        _add_members(tar, members, manifest, advance)
    return manifest


def wrap_in_place(path: str, arcname: str, members: list[tuple[str, str]], manifest: dict, progress=None) -> dict:
    """Turn the file at path (the database copy, already in its final place) into the archive, holding it
    as member arcname, followed by members and the manifest; returns the manifest.

    The file's content is not copied: a tar header is put in front of it by inserting one block at the
    start of the file (fallocate FALLOC_FL_INSERT_RANGE, which only moves the file's extents; ext4 and XFS
    have it). Where the file system cannot, the archive is written as a copy of the file instead.
    """
    manifest = dict(manifest, format=FORMAT, members={})
    size = os.path.getsize(path)
    advance = _Progress(size + sum(os.path.getsize(p) for _, p in members), progress)
    sha = hashlib.sha256()
    with open(path, "rb") as raw:
        while chunk := raw.read(CHUNK * 4):
            sha.update(chunk)
            advance(len(chunk))
    info = _member_info(arcname, size, int(os.path.getmtime(path)))
    block = os.statvfs(path).f_bsize
    header = _header_filling(info, block)
    with open(path, "r+b") as out:
        if not _insert_at_start(out.fileno(), len(header)):
            return _wrap_by_copying(path, arcname, members, manifest, progress)
        out.write(header)
        out.seek(len(header) + size)
        out.write(tarfile.NUL * (-size % tarfile.BLOCKSIZE))
        manifest["members"][arcname] = {"size": size, "sha256": sha.hexdigest()}
        with tarfile.TarFile(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
            _add_members(tar, members, manifest, advance)
    return manifest


def _wrap_by_copying(path: str, arcname: str, members, manifest: dict, progress) -> dict:
    copied = f"{path}.member"
    os.replace(path, copied)
    try:
        manifest = {k: v for k, v in manifest.items() if k not in ("format", "members")}
        return write_archive(path, [(arcname, copied), *members], manifest, progress)
    finally:
        os.unlink(copied)


def _insert_at_start(fd: int, length: int) -> bool:
    """Insert length bytes (a multiple of the file system's block size) at the start of the file."""
    try:
        fallocate = ctypes.CDLL(None, use_errno=True).fallocate
    except (OSError, AttributeError):
        return False  # not Linux
    fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int64, ctypes.c_int64]
    return fallocate(fd, FALLOC_FL_INSERT_RANGE, 0, length) == 0


def _header_filling(info: tarfile.TarInfo, block: int) -> bytes:
    """info's header bytes, padded to a whole number of file system blocks with a pax comment."""
    for filler in range(2 * block):
        info.pax_headers = {"comment": "x" * filler}
        header = info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")
        if len(header) % block == 0:
            return header
    raise ValueError(f"no tar header fills {block}-byte blocks")


def _member_info(arcname: str, size: int, mtime: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(arcname)
    info.size, info.mtime, info.mode = size, mtime, 0o600
    return info


class _Progress:
    def __init__(self, total: int, progress):
        self.total, self.done, self.progress = total or 1, 0, progress

    def __call__(self, count: int) -> None:
        self.done += count
        if self.progress:
            self.progress(self.done, self.total)


def _add_members(tar: tarfile.TarFile, members, manifest: dict, advance) -> None:
    tar.copybufsize = CHUNK * 4
    for arcname, path in members:
        info = _member_info(arcname, os.path.getsize(path), int(os.path.getmtime(path)))
        with open(path, "rb") as raw:
            hashing = _Hashing(raw, advance)
            tar.addfile(info, hashing)
        manifest["members"][arcname] = {"size": info.size, "sha256": hashing.sha.hexdigest()}
    data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    info = tarfile.TarInfo(MANIFEST)
    info.size, info.mode = len(data), 0o600
    tar.addfile(info, io.BytesIO(data))


@dataclass
class Extracted:
    folder: Path
    manifest: dict

    @property
    def database_kind(self) -> str:
        return self.manifest.get("database_kind", "")

    @property
    def database_path(self) -> Path:
        return self.folder / DATABASE_MEMBERS[self.database_kind]

    @property
    def upload_files(self) -> list[tuple[str, Path]]:
        return [(name[len("uploads/"):], self.folder / name) for name in self.manifest["members"]
                if name.startswith("uploads/")]


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name
            and "\x00" not in name and len(name) < 400)


def extract(source, folder: str | os.PathLike) -> Extracted:
    """Unpack an archive (path or binary file object) into folder and check it against its manifest.

    Raises MaintenanceError with the reason for an archive that is not ours, truncated or altered.
    """
    folder = Path(folder)
    hashes: dict[str, tuple[int, str]] = {}
    manifest = None
    try:
        arguments = {"name": source, "mode": "r:"} if isinstance(source, str | os.PathLike) else \
            {"fileobj": source, "mode": "r|"}
        with tarfile.open(**arguments) as tar:
            for info in tar:
                if not info.isfile() or not _safe_name(info.name) or info.name in hashes:
                    raise MaintenanceError("备份文件格式不正确（含有不允许的内容），不是本系统的备份")
                reader = tar.extractfile(info)
                if info.name == MANIFEST:
                    manifest = _parse_manifest(reader.read(4 * 1024 * 1024))
                    continue
                target = folder / info.name
                target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                sha = hashlib.sha256()
                size = 0
                with open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
                    while chunk := reader.read(CHUNK):
                        sha.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                hashes[info.name] = (size, sha.hexdigest())
    except (tarfile.TarError, EOFError, OSError, UnicodeDecodeError) as exc:
        raise MaintenanceError("备份文件不完整或已损坏，无法读取") from exc
    if manifest is None:
        raise MaintenanceError("备份文件中没有清单（manifest），不是本系统的备份或已被截断")
    expected = {name: (meta.get("size"), meta.get("sha256")) for name, meta in manifest["members"].items()}
    if expected != hashes:
        raise MaintenanceError("备份文件的校验和与清单不符，文件已损坏或被修改")
    if DATABASE_MEMBERS.get(manifest.get("database_kind")) not in hashes:
        raise MaintenanceError("备份文件中没有数据库")
    return Extracted(folder, manifest)


def _parse_manifest(data: bytes) -> dict:
    try:
        manifest = json.loads(data)
    except ValueError as exc:
        raise MaintenanceError("备份清单无法读取，不是本系统的备份") from exc
    if (not isinstance(manifest, dict) or manifest.get("format") != FORMAT
            or not isinstance(manifest.get("members"), dict) or not isinstance(manifest.get("tables"), dict)):
        raise MaintenanceError("备份清单格式不正确，不是本系统的备份")
    return manifest
