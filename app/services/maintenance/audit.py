"""The audit trail: every create / update / delete of a business record, written in the same transaction.

A table joins by declaring itself a business table: a "label" in its info (info={"label": "客户"}), or
info={"audit": True}; info={"audit": False} opts out. An after_flush listener reads the ORM's own change
history, so services need not call anything. Bulk paths that bypass the ORM (imports) leave one summary
entry through record_bulk(). Password hashes and other secrets are never written: only "（已修改）".
"""

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from flask import has_request_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.extensions import db
from models.base import utcnow
from models.maintenance import AuditEntry

SECRET_NAMES = {"password", "password_hash", "secret", "token", "api_key", "smtp_password", "session_version"}
NOISE = {"updated_at"}
LABEL_ATTRIBUTES = ("name", "real_name", "code", "username", "title", "number", "order_no")
ACTION_LABELS = {"create": "新增", "update": "修改", "delete": "删除", "bulk": "批量导入", "backup": "备份",
                 "restore": "还原", "initialise": "系统初始化"}
SYSTEM = "系统"
MAX_VALUE = 500


def is_audited(table) -> bool:
    info = getattr(table, "info", {})
    return bool(info.get("audit", "label" in info))


def is_secret(column) -> bool:
    return column.name in SECRET_NAMES or bool(column.info.get("secret"))


def _actor() -> tuple[int | None, str]:
    if has_request_context():
        from flask_login import current_user

        user = current_user._get_current_object() if current_user else None
        if user is not None and getattr(user, "is_authenticated", False):
            return user.id, (user.real_name or user.username)[:50]
    return None, SYSTEM


def _plain(value):
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Enum):
        return getattr(value, "label", value.value)
    if isinstance(value, datetime | date | Decimal):
        return str(value)
    text = str(value)
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE] + "…"


def _record_label(obj) -> str | None:
    for name in LABEL_ATTRIBUTES:
        value = obj.__dict__.get(name)
        if value:
            return str(value)[:200]
    return None


def _changes(obj, action: str) -> dict:
    state = inspect(obj)
    changes = {}
    for attr in state.mapper.column_attrs:
        column = attr.columns[0]
        if column.name in NOISE or column.primary_key:
            continue
        if action == "update":
            history = state.attrs[attr.key].history
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old == new:
                continue
        else:
            value = state.dict.get(attr.key)  # loaded values only: never a query inside the flush
            if value is None:
                continue
            old, new = (None, value) if action == "create" else (value, None)
        if is_secret(column):
            changes[column.name] = ["", "（已修改）"]
        else:
            changes[column.name] = [_plain(old), _plain(new)]
    return changes


def _entry(obj, action: str, actor: tuple[int | None, str], now: datetime) -> dict | None:
    table = obj.__table__
    changes = _changes(obj, action)
    if action == "update" and not changes:
        return None
    identity = inspect(obj).mapper.primary_key_from_instance(obj)
    return {"created_at": now, "actor_id": actor[0], "actor_name": actor[1], "action": action,
            "table_name": table.name, "table_label": table.info.get("label", table.name)[:50],
            "record_id": ",".join(str(part) for part in identity if part is not None)[:40] or None,
            "record_label": _record_label(obj),
            "changes": json.dumps(changes, ensure_ascii=False) if changes else None}


def _after_flush(session: Session, flush_context) -> None:
    if session.info.get("audit_off"):
        return
    actor, now, rows = None, utcnow(), []
    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            table = getattr(obj, "__table__", None)
            if table is None or not is_audited(table):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            actor = actor or _actor()
            row = _entry(obj, action, actor, now)
            if row:
                rows.append(row)
    if rows:
        session.connection().execute(AuditEntry.__table__.insert(), rows)


def install() -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def record_event(action: str, text: str, table_label: str = "系统维护", table_name: str = "maintenance",
                 count: int | None = None, actor=None) -> AuditEntry:
    """A maintenance operation or a bulk change in one entry (the caller's transaction commits it)."""
    actor_id, actor_name = (actor.id, actor.real_name[:50]) if actor is not None else _actor()
    entry = AuditEntry(created_at=utcnow(), actor_id=actor_id, actor_name=actor_name, action=action,
                       table_name=table_name[:64], table_label=table_label[:50], record_label=text[:200],
                       changes=json.dumps({"rows": [None, count]}, ensure_ascii=False) if count is not None else None)
    db.session.add(entry)
    return entry


def record_bulk(table, count: int, text: str, actor=None) -> AuditEntry:
    """One summary entry for rows written without the ORM (bulk_insert)."""
    return record_event("bulk", text, table.info.get("label", table.name), table.name, count, actor)



def entries_for(table_name: str, record_ids: list, limit: int = 50) -> list[AuditEntry]:
    """The trail of some records of one table, newest first (the detail pages' 修改记录)."""
    from sqlalchemy import select

    ids = [str(value) for value in record_ids][:500]
    if not ids:
        return []
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.table_name == table_name,
                                                            AuditEntry.record_id.in_(ids))
                                   .order_by(AuditEntry.id.desc()).limit(limit)))


install()
