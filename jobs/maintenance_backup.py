"""Backup jobs: 备份数据库 on demand (with progress in the backup list) and the daily automatic backup."""

import logging

from flask import current_app

from jobs.context import job_context

log = logging.getLogger(__name__)


def run_backup(name: str) -> str:
    """Make, store and verify the backup registered as `name`; returns its final state."""
    from app.services.maintenance.backup import run_backup as make
    from app.services.maintenance.priority import run_low_priority

    with job_context():
        return run_low_priority(make, name).state


def scheduled_backup() -> dict:
    """The automatic backup (daily by default), then retention: BACKUP_KEEP_DAILY days, BACKUP_KEEP_MONTHLY months."""
    from app.services.maintenance.backup import apply_retention, start_backup
    from app.services.maintenance.backup import run_backup as make
    from app.services.maintenance.priority import run_low_priority

    with job_context():
        record = run_low_priority(make, start_backup("auto", "系统").name)
        removed = apply_retention(current_app.config["BACKUP_KEEP_DAILY"], current_app.config["BACKUP_KEEP_MONTHLY"])
        log.info("automatic backup %s: %s; removed %s", record.name, record.state, removed)
        return {"name": record.name, "state": record.state, "removed": removed}
