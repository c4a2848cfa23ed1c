"""员工考勤 (8.6): 签到/签退 (earliest check-in and latest check-out of a day count), 考勤设置, the status of each
work day, 修改 by managers with a logged reason.

Work days come from app/services/workdays.py (the Chinese calendar with 调休 and its fallback) unless the
administrator turns the public calendar off and picks weekdays; extra holidays and extra work days win over both.
A check-in later than 上班时间 + grace minutes (to the second: 09:02:20 is late for 09:00) is 迟到, a check-out
before 下班时间 is 早退; a past work day without a check-in is 缺勤, one with a check-in but no check-out 未签退.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.services import workdays
from app.services.errors import Forbidden, ValidationFailed
from app.timeutil import display_zone, local_today, to_local
from models.accounts import Employee
from models.base import utcnow
from models.oa_attendance import AttendanceChange, AttendanceRecord, AttendanceSettings, AttendanceSpecialDay

MANUAL_STATUSES = ("正常", "迟到", "早退", "缺勤", "请假")
QUERY_STATUSES = ("正常", "迟到", "早退", "迟到早退", "缺勤", "请假", "未签退", "未签到")
MAX_RANGE_DAYS = 366


def get_settings() -> AttendanceSettings:
    row = db.session.scalar(select(AttendanceSettings).order_by(AttendanceSettings.id).limit(1))
    if row is None:  # the defaults until the administrator saves 考勤设置
        row = AttendanceSettings(weekdays="1111100", use_public_calendar=True, start_time=time(9, 0),
                                 end_time=time(18, 0), grace_minutes=0)
    return row


def special_days() -> tuple[set[date], set[date]]:
    """(extra holidays, extra work days)."""
    rows = db.session.execute(select(AttendanceSpecialDay.day, AttendanceSpecialDay.is_workday)).all()
    return {d for d, work in rows if not work}, {d for d, work in rows if work}


@dataclass
class Calendar:
    settings: AttendanceSettings
    holidays: set[date]
    extra_workdays: set[date]

    def is_work_day(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.holidays:
            return False
        if self.settings.use_public_calendar:
            return workdays.is_workday(day)
        return self.settings.weekdays[day.weekday()] == "1"


def work_calendar() -> Calendar:
    holidays, extra = special_days()
    return Calendar(get_settings(), holidays, extra)


def _parse_days(text: str, label: str) -> set[date]:
    days = set()
    for line in (text or "").replace("，", ",").replace(",", "\n").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            days.add(date.fromisoformat(line))
        except ValueError:
            raise ValidationFailed(f"{label}中的“{line[:20]}”不是日期，请按 年-月-日 每行填写一个") from None
    if len(days) > 400:
        raise ValidationFailed(f"{label}最多填写 400 天")
    return days


def _parse_time(text, label: str) -> time:
    try:
        return time.fromisoformat((text or "").strip()).replace(second=0, microsecond=0)
    except ValueError:
        raise ValidationFailed(f"{label}格式不正确，应为 时:分，如 09:00") from None


def save_settings(values: dict) -> AttendanceSettings:
    settings = get_settings()
    if settings.id is None:
        db.session.add(settings)
    start, end = _parse_time(values.get("start_time"), "上班时间"), _parse_time(values.get("end_time"), "下班时间")
    if end <= start:
        raise ValidationFailed("下班时间须晚于上班时间")
    grace = str(values.get("grace_minutes") or "0").strip()
    if not (grace.isascii() and grace.isdigit()) or int(grace) > 120:
        raise ValidationFailed("迟到宽限须为 0 到 120 分钟")
    weekdays = "".join("1" if str(i) in values.get("weekdays", []) else "0" for i in range(7))
    use_public = bool(values.get("use_public_calendar"))
    if not use_public and "1" not in weekdays:
        raise ValidationFailed("请至少选择一个考勤日期（星期）")
    holidays = _parse_days(values.get("holidays"), "额外休息日")
    extra = _parse_days(values.get("extra_workdays"), "额外上班日")
    both = holidays & extra
    if both:
        raise ValidationFailed(f"{min(both):%Y-%m-%d} 不能既是休息日又是上班日")
    settings.start_time, settings.end_time, settings.grace_minutes = start, end, int(grace)
    settings.weekdays, settings.use_public_calendar = weekdays, use_public
    db.session.execute(delete(AttendanceSpecialDay))
    db.session.add_all([AttendanceSpecialDay(day=d, is_workday=False) for d in holidays]
                       + [AttendanceSpecialDay(day=d, is_workday=True) for d in extra])
    db.session.flush()
    return settings


def _now_local(now: datetime | None) -> datetime:
    """Local naive time of `now` (naive UTC) or of this moment."""
    return to_local(now or utcnow()).replace(tzinfo=None)


def _record(employee_id: int, day: date) -> AttendanceRecord:
    record = db.session.scalar(select(AttendanceRecord).where(AttendanceRecord.employee_id == employee_id,
                                                              AttendanceRecord.day == day))
    if record is not None:
        return record
    record = AttendanceRecord(employee_id=employee_id, day=day)
    try:
        with db.session.begin_nested():  # a double click from two tabs: one row
            db.session.add(record)
    except IntegrityError:
        record = db.session.scalar(select(AttendanceRecord).where(AttendanceRecord.employee_id == employee_id,
                                                                  AttendanceRecord.day == day))
    return record


def check_in(employee: Employee, ip: str | None, now: datetime | None = None) -> AttendanceRecord:
    """考勤签到: the earliest check-in of the local day counts."""
    moment = now or utcnow()
    record = _record(employee.id, _now_local(moment).date())
    if record.check_in_at is None or moment < record.check_in_at:
        record.check_in_at, record.check_in_ip = moment, (ip or "")[:45] or None
    db.session.flush()
    return record


def check_out(employee: Employee, ip: str | None, now: datetime | None = None) -> AttendanceRecord:
    """考勤签退: the latest check-out of the local day counts."""
    moment = now or utcnow()
    record = _record(employee.id, _now_local(moment).date())
    if record.check_out_at is None or moment > record.check_out_at:
        record.check_out_at, record.check_out_ip = moment, (ip or "")[:45] or None
    db.session.flush()
    return record


def today_record(employee_id: int) -> AttendanceRecord | None:
    return db.session.scalar(select(AttendanceRecord).where(AttendanceRecord.employee_id == employee_id,
                                                            AttendanceRecord.day == local_today()))


def limits(day: date, settings: AttendanceSettings) -> tuple[datetime, datetime]:
    """The latest on-time check-in and the earliest on-time check-out of a day, as naive UTC."""
    zone = display_zone()
    start = datetime.combine(day, settings.start_time) + timedelta(minutes=settings.grace_minutes)
    end = datetime.combine(day, settings.end_time)
    return tuple(t.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None) for t in (start, end))


def status_of(day: date, check_in: datetime | None, check_out: datetime | None, override: str | None,
              settings: AttendanceSettings, is_work_day: bool, now_local: datetime,
              day_limits: tuple[datetime, datetime] | None = None) -> str:
    """The day's status; `check_in`/`check_out` are naive UTC, `now_local` the local time now."""
    if override:
        return override
    if not is_work_day:
        return "休息日"
    if check_in is None:
        return "缺勤" if check_out is None and day < now_local.date() else "未签到"
    latest_in, earliest_out = day_limits or limits(day, settings)
    late = check_in > latest_in
    if check_out is None:
        if late:
            return "迟到"
        return "未签退" if day < now_local.date() else "正常"
    early = check_out < earliest_out
    return {(True, True): "迟到早退", (True, False): "迟到", (False, True): "早退"}.get((late, early), "正常")


@dataclass(slots=True)
class DayRow:
    day: date
    employee_id: int
    name: str
    department: str
    record_id: int | None
    check_in: datetime | None
    check_out: datetime | None
    check_in_ip: str | None
    check_out_ip: str | None
    status: str


def day_rows(employees: list[tuple[int, str, str]], start: date, end: date, status: str | None = None,
             now: datetime | None = None) -> list[DayRow]:
    """One row per employee and work day in [start, end] (and days off with a record), newest day first.

    `employees` are (id, name, department) tuples already limited to what the viewer may see.
    """
    return day_page(employees, start, end, status, 0, None, now)[1]


def day_page(employees: list[tuple[int, str, str]], start: date, end: date, status: str | None, offset: int,
             limit: int | None, now: datetime | None = None) -> tuple[int, list[DayRow]]:
    """(how many rows day_rows has, its rows[offset:offset + limit]): a row outside the page is only counted, and
    without a status filter its status is not even worked out."""
    if (end - start).days > MAX_RANGE_DAYS:
        raise ValidationFailed("查询的日期范围不能超过一年")
    if end < start:
        raise ValidationFailed("结束日期不能早于开始日期")
    calendar = work_calendar()
    settings = calendar.settings
    now_local = _now_local(now)
    ids = [e[0] for e in employees]
    records: dict[tuple[int, date], tuple] = {}
    connection = db.session.connection()  # plain rows: no ORM work for thousands of them
    for chunk in range(0, len(ids), 500):
        for row in connection.execute(
                select(AttendanceRecord.employee_id, AttendanceRecord.day, AttendanceRecord.id,
                       AttendanceRecord.check_in_at, AttendanceRecord.check_out_at, AttendanceRecord.check_in_ip,
                       AttendanceRecord.check_out_ip, AttendanceRecord.status_override)
                .where(AttendanceRecord.employee_id.in_(ids[chunk:chunk + 500]), AttendanceRecord.day >= start,
                       AttendanceRecord.day <= end)):
            records[(row[0], row[1])] = row[2:]
    stop = None if limit is None else offset + limit
    rows = []
    total = 0
    empty = (None,) * 6
    day = end
    last = min(end, now_local.date())
    while day >= start:
        work = calendar.is_work_day(day)
        day_limits = limits(day, settings)
        listed = work and day <= last  # a work day until today lists everyone; other days only who has a record
        for employee in employees:
            found = records.get((employee[0], day))
            if found is None and not listed:
                continue
            if status is None and not (offset <= total and (stop is None or total < stop)):
                total += 1
                continue
            record_id, check_in, check_out, in_ip, out_ip, override = found or empty
            state = status_of(day, check_in, check_out, override, settings, work, now_local, day_limits)
            if status and state != status:
                continue
            if offset <= total and (stop is None or total < stop):
                rows.append(DayRow(day, employee[0], employee[1], employee[2], record_id, check_in, check_out,
                                   in_ip, out_ip, state))
            total += 1
        day -= timedelta(days=1)
    return total, rows


def modify(actor: Employee, employee_id: int, day: date, new_status: str, reason: str) -> AttendanceChange:
    """修改 a day's status (a manager, not for themselves), with the reason in the log."""
    if employee_id == actor.id:
        raise Forbidden("不能修改自己的考勤")
    if new_status not in MANUAL_STATUSES:
        raise ValidationFailed("请选择考勤状态")
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ValidationFailed("请填写修改原因")
    if len(reason) > 200:
        raise ValidationFailed("修改原因不能超过 200 个字")
    if day > local_today():
        raise ValidationFailed("不能修改以后日期的考勤")
    calendar = work_calendar()
    record = _record(employee_id, day)
    before = status_of(day, record.check_in_at, record.check_out_at, record.status_override, calendar.settings,
                       calendar.is_work_day(day), _now_local(None))
    record.status_override = new_status
    change = AttendanceChange(record_id=record.id, changed_by_id=actor.id, from_status=before,
                              to_status=new_status, reason=reason)
    db.session.add(change)
    db.session.flush()
    return change


def changes_of(employee_id: int, day: date) -> list[AttendanceChange]:
    return db.session.scalars(select(AttendanceChange).join(AttendanceRecord)
                              .where(AttendanceRecord.employee_id == employee_id, AttendanceRecord.day == day)
                              .order_by(AttendanceChange.id.desc())).all()
