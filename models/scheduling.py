"""The lease that lets exactly one process run the in-process recurring schedule (app/scheduler.py)."""

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class SchedulerLease(db.Model):
    """One row per lease: who holds it and until when; an expired lease may be taken by anyone."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
