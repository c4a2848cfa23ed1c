"""日程管理 (manual 8.4): events with repeat rules and a reminder offset; a secret iCalendar feed per employee."""

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Unicode
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from models.accounts import Employee
from models.base import TimestampMixin, utcnow


class Repeat(enum.StrEnum):
    NONE = "none"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    YEARLY = "yearly"

    @property
    def label(self) -> str:
        return {"none": "不重复", "daily": "每天", "weekly": "每周", "monthly": "每月", "yearly": "每年"}[self.value]


class CalendarEvent(TimestampMixin, db.Model):
    """Times are naive UTC; a repeating event repeats its first occurrence until `repeat_until` (local day)."""

    __tablename__ = "calendar_events"
    __table_args__ = (Index("ix_calendar_events_owner_start", "owner_id", "starts_at"),
                      Index("ix_calendar_events_start", "starts_at"),
                      Index("ix_calendar_events_repeat", "repeat", "owner_id"),
                      {"info": {"label": "日程", "owner_column": "owner_id", "transfer": False}})

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), nullable=False)
    owner: Mapped[Employee] = relationship()
    title: Mapped[str] = mapped_column(Unicode(100), nullable=False)
    location: Mapped[str | None] = mapped_column(Unicode(100))
    description: Mapped[str | None] = mapped_column(Unicode(1000))
    starts_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    all_day: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    repeat: Mapped[str] = mapped_column(String(10), default=Repeat.NONE.value, nullable=False)
    repeat_until: Mapped[date | None] = mapped_column(Date)
    remind_minutes: Mapped[int | None] = mapped_column(Integer)


class CalendarFeed(db.Model):
    """The secret of an employee's iCalendar subscription URL; a new secret revokes the old URL."""

    __tablename__ = "calendar_feeds"
    __table_args__ = {"info": {"owned": True}}

    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
