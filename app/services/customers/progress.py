"""Progress of background imports and exports, kept as small JSON files next to their output.

Files work the same whether the job runs in an RQ worker on this machine or inline in the request.
"""

import json
import os
import secrets
from pathlib import Path

from flask import current_app

from models.base import utcnow


def jobs_dir() -> Path:
    return _dir()


def _dir() -> Path:
    path = Path(current_app.config["EXPORT_DIR"]) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def valid_token(token) -> bool:
    """Tokens are what create() makes (32 hex digits); anything else names no job."""
    return isinstance(token, str) and len(token) == 32 and all(c in "0123456789abcdef" for c in token)


def path_for(token: str, suffix: str) -> Path:
    if not valid_token(token):
        raise ValueError("bad token")
    return _dir() / f"{token}{suffix}"


def create(kind: str, user_id: int, **fields) -> str:
    token = secrets.token_hex(16)
    write(token, kind=kind, user_id=user_id, state="queued", done=0, total=None, error=None,
          created=utcnow().isoformat(), **fields)
    return token


def write(token: str, **fields) -> dict:
    data = read(token) or {}
    data.update(fields)
    target = path_for(token, ".json")
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, default=str))
    os.replace(tmp, target)
    return data


def read(token: str) -> dict | None:
    try:
        return json.loads(path_for(token, ".json").read_text())
    except (FileNotFoundError, ValueError):
        return None


def owned(token: str, user_id: int) -> dict | None:
    """The job's status if it belongs to the user (tokens are never shared between users)."""
    data = read(token) if valid_token(token) else None
    return data if data and data.get("user_id") == user_id else None
