"""Service levels of tickets: working hours on Chinese working days (weekend, 国庆, 调休), pause and resume."""

from datetime import datetime

import pytest

from app.services.tickets import sla
from app.services.tickets.flow import TICKET_FLOW
from app.services.workflow import advance_one
from app.timeutil import local_to_utc, to_local
from models.tickets import TicketPriority, TicketStatus
from tests.helpers import admin
from tests.ticket_factories import handler, make_ticket


def utc(text: str) -> datetime:
    """A Beijing wall-clock time as the naive UTC the database stores."""
    return local_to_utc(datetime.fromisoformat(text))


def local(value: datetime) -> str:
    return to_local(value).strftime("%Y-%m-%d %H:%M")


def test_a_working_day_has_eight_hours_with_the_lunch_break_off(app):
    with app.app_context():
        assert sla.working_minutes(utc("2025-09-30 08:00"), utc("2025-09-30 20:00")) == 8 * 60
        assert sla.working_minutes(utc("2025-09-30 11:30"), utc("2025-09-30 13:30")) == 60
        assert local(sla.add_working_minutes(utc("2025-09-30 11:00"), 120)) == "2025-09-30 14:00"


def test_the_weekend_does_not_count(app):
    with app.app_context():
        # Friday 17:00 + 2 working hours -> Monday 10:00 (2025-09-19 is a Friday, 09-22 a Monday).
        assert local(sla.add_working_minutes(utc("2025-09-19 17:00"), 120)) == "2025-09-22 10:00"
        assert sla.working_minutes(utc("2025-09-19 17:00"), utc("2025-09-22 10:00")) == 120


def test_a_tiaoxiu_sunday_counts_and_the_national_day_holiday_does_not(app):
    with app.app_context():
        # Friday 26 Sep 17:00: Saturday 27 off, Sunday 28 Sep is a 调休 work day.
        assert local(sla.add_working_minutes(utc("2025-09-26 17:00"), 120)) == "2025-09-28 10:00"
        # Tuesday 30 Sep 17:00 + 2h: 1-8 Oct are 国庆/中秋 holidays -> Thursday 9 Oct 10:00.
        assert local(sla.add_working_minutes(utc("2025-09-30 17:00"), 120)) == "2025-10-09 10:00"
        assert sla.working_minutes(utc("2025-09-30 09:00"), utc("2025-10-09 18:00")) == 16 * 60


def test_a_tiaoxiu_saturday_counts(app):
    with app.app_context():
        # Friday 10 Oct 2025 17:00 + 4h: 1h on Friday, Saturday 11 Oct is a 调休 work day: 9:00-12:00.
        assert local(sla.add_working_minutes(utc("2025-10-10 17:00"), 4 * 60)) == "2025-10-11 12:00"
        # Sunday 12 Oct is off again: Saturday 17:00 + 2h -> Monday 13 Oct 10:00.
        assert local(sla.add_working_minutes(utc("2025-10-11 17:00"), 120)) == "2025-10-13 10:00"


def test_years_outside_the_calendar_fall_back_to_weekdays(app):
    with app.app_context():
        # 2099 is outside chinese-calendar's data: Monday-Friday, statutory 1 Jan off (2099-01-01 is a Thursday).
        assert local(sla.add_working_minutes(utc("2098-12-31 17:00"), 120)) == "2099-01-02 10:00"


def test_the_clock_pauses_while_resolved_and_resumes_with_what_is_left(db, monkeypatch):
    clock = {"now": utc("2025-09-30 09:00")}
    monkeypatch.setattr("app.services.workflow.utcnow", lambda: clock["now"])
    monkeypatch.setattr("app.services.tickets.tickets.utcnow", lambda: clock["now"])
    ticket = make_ticket(priority=TicketPriority.HIGH.value)  # 8 working hours to resolve
    assert local(ticket.resolution_due_at) == "2025-09-30 18:00"
    clock["now"] = utc("2025-09-30 11:00")
    advance_one(TICKET_FLOW, ticket, "assign", admin(), assignee_id=str(handler().id))
    clock["now"] = utc("2025-09-30 14:00")  # 4 working hours used (9-12, 13-14)
    advance_one(TICKET_FLOW, ticket, "resolve", admin())
    assert ticket.status == TicketStatus.RESOLVED and ticket.resolution_due_at is None
    assert ticket.sla_used_minutes == 240 and ticket.first_response_at is not None
    clock["now"] = utc("2025-10-09 09:00")  # the holiday and the paused days cost nothing
    advance_one(TICKET_FLOW, ticket, "reopen", admin())
    assert local(ticket.resolution_due_at) == "2025-10-09 14:00"
    notes = [(log.action, log.note) for log in ticket.logs if log.action.startswith("服务时限")]
    assert notes == [("服务时限暂停", "已用 4 个工作小时"), ("服务时限恢复", "已用 4 个工作小时，解决时限 2025-10-09 14:00")]
    assert sla.state_of(ticket, utc("2025-10-09 10:00")) is None
    assert sla.state_of(ticket, utc("2025-10-09 13:30")) == "即将超时"
    assert sla.state_of(ticket, utc("2025-10-09 14:00")) == "已超时"


@pytest.mark.parametrize("step", ["close", "cancel"])
def test_a_final_state_stops_the_clock(db, step):
    ticket = make_ticket(TicketStatus.RESOLVED if step == "close" else TicketStatus.ASSIGNED)
    advance_one(TICKET_FLOW, ticket, step, admin())
    assert ticket.resolution_due_at is None and ticket.response_due_at is None and ticket.sla_running_since is None
