"""Running background work: the lease that lets exactly one process run the in-process recurring schedule
(app/scheduler.py), and the jobs waiting for Redis to answer again."""

from datetime import datetime

from sqlalchemy import DateTime, String, Unicode, UnicodeText
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from models.base import utcnow


class SchedulerLease(db.Model):
    """One row per lease: who holds it and until when; an expired lease may be taken by anyone."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class DeferredJob(db.Model):
    """A background job that could not be queued because Redis did not answer.

    The request that wanted it still succeeds; the row waits here and `jobs.deferred.release_deferred_jobs`
    (in the recurring schedule, every minute) queues it as soon as Redis answers again.
    """

    __tablename__ = "deferred_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    func: Mapped[str] = mapped_column(String(200), nullable=False)  # dotted name, as rq imports it
    arguments: Mapped[str] = mapped_column(UnicodeText, nullable=False)  # JSON: {"args": [...], "kwargs": {...}}
    options: Mapped[str] = mapped_column(UnicodeText, nullable=False)  # JSON: job_id, retries, description ...
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(default=0, nullable=False)
    last_error: Mapped[str | None] = mapped_column(Unicode(300))
