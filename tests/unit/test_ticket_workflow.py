"""工单 (manual ch. 6) on the workflow engine: the shared table-driven cases, submission with 指派给, the log."""

from sqlalchemy import select

from app.services.tickets.flow import TICKET_FLOW
from app.services.tickets.tickets import TicketInput, create_ticket
from app.services.workflow import advance
from models.reminders import Reminder
from models.tickets import TicketLog, TicketStatus
from tests.helpers import admin
from tests.order_factories import make_customer
from tests.ticket_factories import handler, make_ticket
from tests.workflow_cases import WorkflowCases

NEW, ASSIGNED, RESOLVED, CLOSED, CANCELLED = (TicketStatus.NEW, TicketStatus.ASSIGNED, TicketStatus.RESOLVED,
                                              TicketStatus.CLOSED, TicketStatus.CANCELLED)


class TestTicketWorkflow(WorkflowCases):
    flow = TICKET_FLOW
    role_scope = "ticket"
    expected = {
        ("assign", NEW): ASSIGNED,
        ("reassign", ASSIGNED): ASSIGNED,
        ("resolve", ASSIGNED): RESOLVED,
        ("close", NEW): CLOSED,
        ("close", RESOLVED): CLOSED,
        ("reopen", RESOLVED): ASSIGNED,
        ("cancel", NEW): CANCELLED,
        ("cancel", ASSIGNED): CANCELLED,
    }

    def make(self, state, owner=None):
        handler(), handler("worker2", "李四")  # committed with the ticket, so other sessions see them too
        return make_ticket(state, owner)

    def inputs(self, step):
        if step == "assign":
            return {"assignee_id": str(handler().id)}
        if step == "reassign":
            return {"assignee_id": str(handler("worker2", "李四").id)}
        return {}


def _actions(ticket_id):
    from app.extensions import db
    return [(row.action, row.from_status, row.to_status) for row in db.session.scalars(
        select(TicketLog).where(TicketLog.ticket_id == ticket_id).order_by(TicketLog.id))]


def test_submitting_with_an_assignee_goes_straight_to_assigned_and_reminds_the_assignee(db):
    worker = handler()
    customer = make_customer()
    ticket = create_ticket(TicketInput(customer.id, "产品安装调试", assignee_id=str(worker.id)), admin())
    assert ticket.status == ASSIGNED and ticket.assignee_id == worker.id and ticket.number.isdigit()
    assert _actions(ticket.id) == [("添加工单", None, "new"), ("工单分配", "new", "assigned")]
    reminder = db.session.scalar(select(Reminder).where(Reminder.employee_id == worker.id))
    assert reminder is not None and ticket.number in reminder.title and reminder.link.endswith(f"/{ticket.id}")


def test_numbers_are_sequential(db):
    first, second = make_ticket(), make_ticket()
    assert int(second.number) == int(first.number) + 1


def test_reassigning_to_the_same_handler_is_refused(db):
    ticket = make_ticket(ASSIGNED)
    result = advance(TICKET_FLOW, [ticket.id], "reassign", admin(), assignee_id=str(ticket.assignee_id))
    assert result.count == 0 and "已分配给该处理人" in result.refused[0].message


def test_assigning_to_a_disabled_or_crafted_employee_is_refused(db):
    ticket = make_ticket()
    gone = handler("gone", "王五")
    gone.is_enabled = False
    for value in (str(gone.id), "abc", "9" * 30, "\x00"):
        result = advance(TICKET_FLOW, [ticket.id], "assign", admin(), assignee_id=value)
        assert result.count == 0 and "处理人" in result.refused[0].message, value
    assert ticket.status == NEW


def test_resolve_pauses_and_reopen_resumes_the_clock_in_the_log(db):
    ticket = make_ticket(RESOLVED)
    advance(TICKET_FLOW, [ticket.id], "reopen", admin())
    actions = [a for a, _f, _t in _actions(ticket.id)]
    assert actions == ["添加工单", "工单分配", "标记解决", "服务时限暂停", "重新打开", "服务时限恢复"]
    db.session.refresh(ticket)
    assert ticket.resolution_due_at is not None and ticket.sla_running_since is not None
