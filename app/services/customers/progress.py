"""Progress of long jobs (customer export and import): state, done, total, error and the job's own fields
(file name, message, rejected rows), keyed by a random token and readable by the user who started the job.

With REDIS_URL set (web nodes and `rq worker`s on several machines) the record is a Redis hash that any node
reads, kept for RETENTION_SECONDS. Without Redis the jobs run inline in the web process, and the record is a small
JSON file next to the job's output in EXPORT_DIR/jobs; so is a record created while Redis did not answer (its
job is kept in deferred_jobs meanwhile), and it stays there until the job ends.

Not the database: a customer import writes all its rows in one transaction, and on SQLite a progress row
written on another connection meanwhile would wait for that transaction's write lock.
"""

import json
import os
import secrets
from pathlib import Path

from flask import current_app
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from models.base import utcnow

RETENTION_SECONDS = 7 * 86400
KEY_PREFIX = "crm:progress:"
_REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)


def jobs_dir() -> Path:
    path = Path(current_app.config["EXPORT_DIR"]) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def valid_token(token) -> bool:
    """Tokens are what create() makes (32 hex digits); anything else names no job."""
    return isinstance(token, str) and len(token) == 32 and all(c in "0123456789abcdef" for c in token)


def path_for(token: str, suffix: str) -> Path:
    if not valid_token(token):
        raise ValueError("bad token")
    return jobs_dir() / f"{token}{suffix}"


def _redis() -> Redis | None:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    return Redis.from_url(url, socket_connect_timeout=current_app.config.get("REDIS_CONNECT_TIMEOUT", 2))


def create(kind: str, user_id: int, **fields) -> str:
    token = secrets.token_hex(16)
    write(token, kind=kind, user_id=user_id, state="queued", done=0, total=None, error=None,
          created=utcnow().isoformat(), **fields)
    return token


def write(token: str, **fields) -> None:
    """Set these fields of the job's record (the others stay as they are)."""
    file = path_for(token, ".json")
    connection = _redis()
    if connection is not None:
        try:
            key = KEY_PREFIX + token
            if not file.exists() or connection.exists(key):
                connection.hset(key, mapping={name: json.dumps(value, ensure_ascii=False, default=str)
                                              for name, value in fields.items()})
                connection.expire(key, RETENTION_SECONDS)
                return
        except _REDIS_DOWN:
            pass  # kept in the file until the job ends
    data = _read_file(file) or {}
    data.update(fields)
    tmp = file.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, default=str))
    os.replace(tmp, file)


def _read_file(file: Path) -> dict | None:
    try:
        return json.loads(file.read_text())
    except (FileNotFoundError, ValueError):
        return None


def read(token: str) -> dict | None:
    connection = _redis()
    if connection is not None:
        try:
            stored = connection.hgetall(KEY_PREFIX + token)
        except _REDIS_DOWN:
            stored = None
        if stored:
            return {name.decode(): json.loads(value) for name, value in stored.items()}
    return _read_file(path_for(token, ".json"))


def owned(token: str, user_id: int) -> dict | None:
    """The job's status if it belongs to the user (tokens are never shared between users)."""
    data = read(token) if valid_token(token) else None
    return data if data and data.get("user_id") == user_id else None
