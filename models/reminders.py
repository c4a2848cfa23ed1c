"""提醒中心: every reminder of the system (回访, 合同到期, 生日, 日程, 订单审核, 日志点评 ...), one row per person.

A reminder exists once per (person, kind, subject, day): `subject_key` names the record (and, for reminders
repeated while something is due, the occurrence), `remind_on` the local day it is for. The unique key makes a job
that runs twice, or two workers running at once, create nothing twice.
"""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Unicode, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from models.base import utcnow


class Reminder(db.Model):
    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("employee_id", "kind", "subject_key", "remind_on", name="uq_reminders_once"),
        Index("ix_reminders_employee_unread", "employee_id", "read_at", "id"),
        {"info": {"owned": True}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    title: Mapped[str] = mapped_column(Unicode(100), nullable=False)
    body: Mapped[str | None] = mapped_column(Unicode(500))
    link: Mapped[str | None] = mapped_column(String(300))
    subject_key: Mapped[str] = mapped_column(String(60), index=True, nullable=False)
    remind_on: Mapped[date] = mapped_column(Date, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
