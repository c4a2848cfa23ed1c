"""Housekeeping jobs run by `rq cron` (see jobs/cron.py)."""

from app.extensions import db
from app.services.housekeeping import purge_login_logs
from jobs.context import job_context


def purge_old_login_logs(keep_days: int = 180) -> int:
    """Delete login-log rows older than keep_days; returns how many went."""
    with job_context():
        deleted = purge_login_logs(keep_days)
        db.session.commit()
        return deleted
