"""The recurring schedule (jobs/cron.py) run in-process, for the embedded default without Redis.

Every gunicorn worker starts an APScheduler with the same schedule, but a job only runs in the process that
holds the database lease (table scheduler_leases): each process tries to take or renew it every
HEARTBEAT_SECONDS and again right before running a job; the holder keeps renewing it while it lives, and when
it dies (or stops and releases it) another process takes it over within LEASE_SECONDS. The UPDATE that takes
the lease is atomic on SQLite and PostgreSQL alike, so two processes never both hold it. With REDIS_URL set
nothing starts here: `rq cron jobs/cron.py` runs the schedule.
"""

import logging
import os
import socket
import uuid
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask
from sqlalchemy import delete, insert, or_, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.sqlite_transactions import write_transactions
from models.base import utcnow
from models.scheduling import SchedulerLease

log = logging.getLogger(__name__)

LEASE_NAME = "recurring-schedule"
LEASE_SECONDS = 90
HEARTBEAT_SECONDS = 30


def new_holder_name() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def take_lease(holder: str, now: datetime | None = None, seconds: int = LEASE_SECONDS) -> bool:
    """Take the lease when it is free or expired, or renew it when holder has it; True when holder has it now.

    Runs (and commits) its own short transaction inside an app context.
    """
    now = now or utcnow()
    values = {"holder": holder, "expires_at": now + timedelta(seconds=seconds)}
    with write_transactions():
        # Two tries: when the row is missing and another transaction inserts it at the same moment (on
        # PostgreSQL the second INSERT waits for the first, then fails on the key), the UPDATE is run again:
        # that other transaction may have been this holder's own (the heartbeat and a due job of one
        # scheduler ask at once), and then the lease is ours.
        for _attempt in range(2):
            try:
                taken = db.session.execute(
                    update(SchedulerLease)
                    .where(SchedulerLease.name == LEASE_NAME,
                           or_(SchedulerLease.holder == holder, SchedulerLease.expires_at < now))
                    .values(values).execution_options(synchronize_session=False)).rowcount
                if not taken:
                    with db.session.begin_nested():
                        db.session.execute(insert(SchedulerLease).values(name=LEASE_NAME, **values))
                db.session.commit()
                return True
            except IntegrityError:  # the row exists now
                db.session.rollback()
        return False  # and someone else holds it


def release_lease(holder: str) -> None:
    with write_transactions():
        db.session.execute(delete(SchedulerLease).where(SchedulerLease.name == LEASE_NAME,
                                                        SchedulerLease.holder == holder))
        db.session.commit()


class InProcessScheduler:
    def __init__(self, app: Flask, schedule=None):
        if schedule is None:
            from jobs.cron import SCHEDULE as schedule
        self.app, self.schedule, self.holder = app, list(schedule), new_holder_name()
        self.scheduler = BackgroundScheduler(job_defaults={"coalesce": True, "max_instances": 1,
                                                           "misfire_grace_time": 600})

    def start(self) -> None:
        self.scheduler.add_job(self.heartbeat, "interval", seconds=HEARTBEAT_SECONDS, id="lease",
                               next_run_time=datetime.now().astimezone())
        for entry in self.schedule:
            # The server clock's zone, as `rq cron` reads the same expressions.
            self.scheduler.add_job(self.run_entry, CronTrigger.from_crontab(entry.cron), args=[entry],
                                   id=entry.name, name=entry.name)
        self.scheduler.start()
        log.info("in-process schedule started (%s), %d jobs", self.holder, len(self.schedule))

    def heartbeat(self) -> bool:
        with self.app.app_context():
            try:
                return take_lease(self.holder)
            finally:
                db.session.remove()

    def run_entry(self, entry) -> None:
        with self.app.app_context():
            try:
                if not take_lease(self.holder):
                    return  # another process runs the schedule
                log.info("running %s", entry.name)
                entry.func(**entry.kwargs)
            except Exception:
                log.exception("scheduled job %s failed", entry.name)
            finally:
                db.session.remove()

    def shutdown(self) -> None:
        self.scheduler.shutdown(wait=False)
        with self.app.app_context():
            try:
                release_lease(self.holder)
            finally:
                db.session.remove()


_running: InProcessScheduler | None = None


def start_in_process(app: Flask) -> InProcessScheduler | None:
    """Start the schedule in this process (gunicorn calls this in every worker) unless Redis runs it."""
    global _running
    if _running is not None or app.config.get("REDIS_URL") or not app.config.get("IN_PROCESS_SCHEDULER", True):
        return _running
    _running = InProcessScheduler(app)
    _running.start()
    return _running


def stop_in_process() -> None:
    global _running
    if _running is not None:
        _running.shutdown()
        _running = None
