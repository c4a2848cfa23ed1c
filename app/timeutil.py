"""Times are stored as naive UTC and shown in the configured display timezone."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def display_zone() -> ZoneInfo:
    name = current_app.config["DISPLAY_TIMEZONE"] if has_app_context() else "Asia/Shanghai"
    return ZoneInfo(name)


def to_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(display_zone())


def local_today() -> date:
    return datetime.now(display_zone()).date()


def local_to_utc(value: datetime) -> datetime:
    """A naive datetime typed by a user in local time -> naive UTC for storage."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=display_zone())
    return value.astimezone(UTC).replace(tzinfo=None)


def format_local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    local = to_local(value)
    return local.strftime(fmt) if local else ""
