"""Service levels of 工单 (beyond the manual): response and resolution targets per 优先级, in working hours.

Working hours are 09:00-12:00 and 13:00-18:00 local time on Chinese working days (app/services/workdays.py:
public holidays off, 调休 Saturdays and Sundays on). The resolution clock runs from submission, pauses while
the ticket is 已解决 (the customer is checking), resumes on 重新打开 and stops on 关闭 / 取消. While it runs,
`resolution_due_at` holds the UTC moment the target falls due, so the lists filter 即将超时 / 已超时 by an index.
"""

from datetime import date, datetime, time, timedelta

from app.services import workdays
from app.timeutil import local_to_utc, to_local
from models.tickets import TicketPriority

WORK_PERIODS = ((time(9, 0), time(12, 0)), (time(13, 0), time(18, 0)))
# 优先级 -> (first response, resolution) in working hours.
TARGETS = {
    TicketPriority.URGENT: (1, 4),
    TicketPriority.HIGH: (2, 8),
    TicketPriority.MEDIUM: (4, 16),
    TicketPriority.LOW: (8, 40),
}
WARNING_SHARE = 0.2  # 即将超时: less than a fifth of the resolution target left
MAX_DAYS = 3660  # a target never needs more than ten years of calendar


def _periods_of(day: date):
    """The day's working periods as naive UTC (start, end) pairs; none on a day off."""
    if not workdays.is_workday(day):
        return []
    return [(local_to_utc(datetime.combine(day, start)), local_to_utc(datetime.combine(day, end)))
            for start, end in WORK_PERIODS]


def working_minutes(start: datetime, end: datetime) -> int:
    """Whole working minutes between two naive UTC moments (0 when end is not after start)."""
    if end <= start:
        return 0
    total = timedelta()
    day = to_local(start).date()
    last = to_local(end).date()
    while day <= last:
        for low, high in _periods_of(day):
            low, high = max(low, start), min(high, end)
            if high > low:
                total += high - low
        day += timedelta(days=1)
    return int(total.total_seconds() // 60)


def add_working_minutes(start: datetime, minutes: int) -> datetime:
    """The naive UTC moment `minutes` working minutes after `start`."""
    left = timedelta(minutes=max(minutes, 0))
    day = to_local(start).date()
    for _ in range(MAX_DAYS):
        for low, high in _periods_of(day):
            low = max(low, start)
            if high <= low:
                continue
            if left <= high - low:
                return low + left
            left -= high - low
        day += timedelta(days=1)
    raise ValueError("service level target beyond the calendar")


def targets_of(priority) -> tuple[int, int]:
    """(first response, resolution) targets in working minutes."""
    response, resolution = TARGETS[TicketPriority(priority)]
    return response * 60, resolution * 60


def start(ticket, at: datetime) -> None:
    """Submission: both clocks start."""
    response, resolution = targets_of(ticket.priority)
    ticket.sla_used_minutes = 0
    ticket.sla_running_since = at
    ticket.response_due_at = add_working_minutes(at, response)
    ticket.resolution_due_at = add_working_minutes(at, resolution)


def responded(ticket, at: datetime) -> None:
    if ticket.first_response_at is None:
        ticket.first_response_at = at
        ticket.response_due_at = None


def pause(ticket, at: datetime) -> int:
    """Stop the resolution clock; returns the working minutes used so far."""
    if ticket.sla_running_since is not None:
        ticket.sla_used_minutes = (ticket.sla_used_minutes or 0) + working_minutes(ticket.sla_running_since, at)
    ticket.sla_running_since = None
    ticket.resolution_due_at = None
    return ticket.sla_used_minutes


def resume(ticket, at: datetime) -> datetime:
    """Restart the resolution clock with what is left of the target (nothing left: due at once)."""
    _, resolution = targets_of(ticket.priority)
    ticket.sla_running_since = at
    ticket.resolution_due_at = add_working_minutes(at, resolution - (ticket.sla_used_minutes or 0))
    return ticket.resolution_due_at


def warning_window(priority) -> timedelta:
    """How long before the due moment the lists say 即将超时 (wall-clock, a fifth of the target)."""
    _, resolution = targets_of(priority)
    return timedelta(minutes=int(resolution * WARNING_SHARE))


def state_of(ticket, now: datetime) -> str | None:
    """已超时, 即将超时 or None for the lists (only while a clock runs)."""
    due = [d for d in (ticket.resolution_due_at, ticket.response_due_at) if d is not None]
    if not due:
        return None
    if min(due) <= now:
        return "已超时"
    if ticket.resolution_due_at is not None and working_minutes(now, ticket.resolution_due_at) <= int(
            targets_of(ticket.priority)[1] * WARNING_SHARE):
        return "即将超时"
    return None


def hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}".rstrip("0").rstrip(".")
