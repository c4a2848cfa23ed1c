"""办公OA: 工作日志 with 点评 (8.1), 工作计划 with 汇报给 (8.5), 公告 with attachments and read receipts (8.2)."""

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Unicode, UnicodeText
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from models.accounts import Employee
from models.base import TimestampMixin, utcnow


class LogKind(enum.StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"

    @property
    def label(self) -> str:
        return {"daily": "日报", "weekly": "周报", "monthly": "月报", "quarterly": "季报", "yearly": "年报"}[self.value]


class PlanKind(enum.StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    YEARLY = "yearly"

    @property
    def label(self) -> str:
        return {"weekly": "周计划", "monthly": "月计划", "yearly": "年计划"}[self.value]


class WorkLog(TimestampMixin, db.Model):
    __tablename__ = "work_logs"
    __table_args__ = (Index("ix_work_logs_author_date", "author_id", "log_date"),
                      {"info": {"label": "工作日志", "owner_column": "author_id", "transfer": False}})

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), nullable=False)
    author: Mapped[Employee] = relationship(foreign_keys=[author_id])
    kind: Mapped[str] = mapped_column(String(10), nullable=False, default=LogKind.DAILY.value)
    log_date: Mapped[date] = mapped_column(Date, nullable=False)
    title: Mapped[str] = mapped_column(Unicode(100), nullable=False)
    content: Mapped[str] = mapped_column(UnicodeText, nullable=False)
    comments: Mapped[list["WorkLogComment"]] = relationship(
        back_populates="log", cascade="all, delete-orphan", order_by="WorkLogComment.id")

    @property
    def kind_label(self) -> str:
        return LogKind(self.kind).label


class WorkLogComment(TimestampMixin, db.Model):
    __tablename__ = "work_log_comments"
    __table_args__ = {"info": {"label": "日志点评", "owner_column": "author_id", "transfer": False}}

    id: Mapped[int] = mapped_column(primary_key=True)
    log_id: Mapped[int] = mapped_column(ForeignKey("work_logs.id", ondelete="CASCADE"), index=True)
    log: Mapped[WorkLog] = relationship(back_populates="comments")
    author_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), nullable=False, index=True)
    author: Mapped[Employee] = relationship()
    content: Mapped[str] = mapped_column(Unicode(2000), nullable=False)


class WorkPlan(TimestampMixin, db.Model):
    __tablename__ = "work_plans"
    __table_args__ = (Index("ix_work_plans_author_start", "author_id", "period_start"),
                      {"info": {"label": "工作计划", "owner_column": "author_id", "transfer": False}})

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), nullable=False)
    author: Mapped[Employee] = relationship(foreign_keys=[author_id])
    kind: Mapped[str] = mapped_column(String(10), nullable=False, default=PlanKind.WEEKLY.value)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    title: Mapped[str] = mapped_column(Unicode(100), nullable=False)
    content: Mapped[str] = mapped_column(UnicodeText, nullable=False)
    report_to_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    report_to: Mapped[Employee | None] = relationship(foreign_keys=[report_to_id])
    comments: Mapped[list["WorkPlanComment"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="WorkPlanComment.id")

    @property
    def kind_label(self) -> str:
        return PlanKind(self.kind).label


class WorkPlanComment(TimestampMixin, db.Model):
    __tablename__ = "work_plan_comments"
    __table_args__ = {"info": {"label": "计划点评", "owner_column": "author_id", "transfer": False}}

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("work_plans.id", ondelete="CASCADE"), index=True)
    plan: Mapped[WorkPlan] = relationship(back_populates="comments")
    author_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), nullable=False, index=True)
    author: Mapped[Employee] = relationship()
    content: Mapped[str] = mapped_column(Unicode(2000), nullable=False)


class Announcement(TimestampMixin, db.Model):
    __tablename__ = "announcements"
    __table_args__ = {"info": {"label": "公告", "owner_column": "author_id", "transfer": False}}

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(Unicode(30), nullable=False)
    title: Mapped[str] = mapped_column(Unicode(100), nullable=False)
    content: Mapped[str] = mapped_column(UnicodeText, nullable=False)
    author_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), nullable=False, index=True)
    author: Mapped[Employee] = relationship()
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False, index=True)
    is_visible: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    files: Mapped[list["AnnouncementFile"]] = relationship(
        back_populates="announcement", cascade="all, delete-orphan", order_by="AnnouncementFile.id")


class AnnouncementFile(db.Model):
    __tablename__ = "announcement_files"
    __table_args__ = {"info": {"owned": True}}

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"), index=True)
    announcement: Mapped[Announcement] = relationship(back_populates="files")
    original_name: Mapped[str] = mapped_column(Unicode(200), nullable=False)
    stored_name: Mapped[str] = mapped_column(String(80), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    content_type: Mapped[str | None] = mapped_column(String(100))


class AnnouncementRead(db.Model):
    """已读回执: who has read which announcement, and when."""

    __tablename__ = "announcement_reads"
    __table_args__ = {"info": {"owned": True}}

    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"),
                                                 primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True,
                                             index=True)
    read_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
