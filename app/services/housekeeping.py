"""Retention rules for logs that grow without bound."""

from datetime import timedelta

from sqlalchemy import delete

from app.extensions import db
from app.services.errors import ValidationFailed
from models.accounts import LoginLog
from models.base import utcnow


def purge_login_logs(keep_days: int) -> int:
    if keep_days < 30:
        raise ValidationFailed("登录日志至少保留 30 天")
    cutoff = utcnow() - timedelta(days=keep_days)
    result = db.session.execute(delete(LoginLog).where(LoginLog.created_at < cutoff))
    db.session.flush()
    return result.rowcount or 0
