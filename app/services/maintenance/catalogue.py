"""The backup list: each backup is `backups/<name>.bak` plus a small status record `backups/<name>.json` in
the storage, so the list survives a restore of the database and every web node sees the same list."""

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from app.services.maintenance.databases import MaintenanceError
from app.services.storage import StorageError, get_storage

PREFIX = "backups"
NAME = re.compile(r"^\d{14}$")

RUNNING, VERIFYING, VALID, INVALID, FAILED = "running", "verifying", "valid", "invalid", "failed"
STATE_LABELS = {RUNNING: "正在备份", VERIFYING: "正在校验", VALID: "已校验", INVALID: "无效", FAILED: "备份失败"}
KIND_LABELS = {"manual": "手动备份", "auto": "自动备份", "upload": "上传"}


@dataclass
class BackupRecord:
    name: str
    state: str = RUNNING
    kind: str = "manual"
    created_at: str = ""  # ISO, naive UTC
    created_by: str = ""
    size: int | None = None
    done: int = 0
    total: int | None = None
    message: str | None = None
    database_kind: str | None = None
    revision: str | None = None
    rows: int | None = None
    offsite: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return archive_key(self.name)

    @property
    def is_good(self) -> bool:
        return self.state == VALID

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def filename(self) -> str:
        return f"{self.name}.bak"

    @property
    def created(self) -> datetime | None:
        return datetime.fromisoformat(self.created_at) if self.created_at else None

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME.match(name):
        raise MaintenanceError("备份名称无效")
    return name


def archive_key(name: str) -> str:
    return f"{PREFIX}/{check_name(name)}.bak"


def _record_key(name: str) -> str:
    return f"{PREFIX}/{check_name(name)}.json"


def save(record: BackupRecord, store=None) -> BackupRecord:
    (store or get_storage()).put(_record_key(record.name),
                                 json.dumps(record.__dict__, ensure_ascii=False, default=str).encode())
    return record


def update(record: BackupRecord, **fields) -> BackupRecord:
    for name, value in fields.items():
        setattr(record, name, value)
    return save(record)


def load(name: str, store=None) -> BackupRecord | None:
    try:
        data = json.loads((store or get_storage()).get(_record_key(name)))
    except (StorageError, ValueError):
        return None
    known = {key: value for key, value in data.items() if key in BackupRecord.__dataclass_fields__}
    return BackupRecord(**known)


def get(name: str) -> BackupRecord:
    """A backup by its name, or a DomainError (a crafted or unknown name)."""
    record = load(check_name(name)) if isinstance(name, str) and NAME.match(name) else None
    if record is None:
        raise MaintenanceError("备份不存在")
    return record


def all_backups(store=None) -> list[BackupRecord]:
    store = store or get_storage()
    names = [obj.key[len(PREFIX) + 1:-5] for obj in store.list(PREFIX) if obj.key.endswith(".json")]
    records = [load(name, store) for name in names if NAME.match(name)]
    return sorted((r for r in records if r), key=lambda r: r.name, reverse=True)


def delete(name: str, store=None) -> None:
    store = store or get_storage()
    store.delete(archive_key(name))
    store.delete(_record_key(name))
