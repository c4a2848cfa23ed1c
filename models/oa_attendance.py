"""员工考勤 (manual 8.6): one row per employee and day (earliest check-in, latest check-out), settings, changes."""

from datetime import date, datetime, time

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Time, Unicode, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from models.accounts import Employee
from models.base import utcnow

STATUSES = ("正常", "迟到", "早退", "迟到早退", "缺勤", "请假", "未签退")


class AttendanceSettings(db.Model):
    """考勤设置: a single row."""

    __tablename__ = "attendance_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Monday..Sunday, "1" for a work day: used when the Chinese calendar is off.
    weekdays: Mapped[str] = mapped_column(String(7), default="1111100", nullable=False)
    use_public_calendar: Mapped[bool] = mapped_column(default=True, nullable=False)
    start_time: Mapped[time] = mapped_column(Time, default=time(9, 0), nullable=False)
    end_time: Mapped[time] = mapped_column(Time, default=time(18, 0), nullable=False)
    grace_minutes: Mapped[int] = mapped_column(Integer, default=0, nullable=False)


class AttendanceSpecialDay(db.Model):
    """Extra holidays and extra work days the administrator adds on top of the calendar."""

    __tablename__ = "attendance_special_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(default=False, nullable=False)
    note: Mapped[str | None] = mapped_column(Unicode(50))


class AttendanceRecord(db.Model):
    __tablename__ = "attendance_records"
    __table_args__ = (UniqueConstraint("employee_id", "day", name="uq_attendance_records_employee_day"),
                      {"info": {"label": "考勤记录", "owner_column": "employee_id", "transfer": False}})

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), nullable=False)
    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    day: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    check_in_at: Mapped[datetime | None] = mapped_column(DateTime)
    check_out_at: Mapped[datetime | None] = mapped_column(DateTime)
    check_in_ip: Mapped[str | None] = mapped_column(String(45))
    check_out_ip: Mapped[str | None] = mapped_column(String(45))
    # Set by 修改 (a manager, with a reason): wins over the status computed from the times.
    status_override: Mapped[str | None] = mapped_column(Unicode(10))


class AttendanceChange(db.Model):
    """修改 log: who changed which day's status, from what to what, and why."""

    __tablename__ = "attendance_changes"
    __table_args__ = {"info": {"owned": True}}

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("attendance_records.id", ondelete="CASCADE"), index=True)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    changed_by: Mapped[Employee | None] = relationship()
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    from_status: Mapped[str] = mapped_column(Unicode(10), nullable=False)
    to_status: Mapped[str] = mapped_column(Unicode(10), nullable=False)
    reason: Mapped[str] = mapped_column(Unicode(200), nullable=False)
