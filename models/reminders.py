"""提醒: notifications shown in the page header (appointments due, orders awaiting approval ...)."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Unicode
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from models.base import utcnow


class Reminder(db.Model):
    __tablename__ = "reminders"
    __table_args__ = {"info": {"owned": True}}

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    title: Mapped[str] = mapped_column(Unicode(100), nullable=False)
    body: Mapped[str | None] = mapped_column(Unicode(500))
    link: Mapped[str | None] = mapped_column(String(300))
    # What the reminder is about, so a job can create it once: e.g. ("follow_up", 42).
    subject_key: Mapped[str | None] = mapped_column(String(60), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
