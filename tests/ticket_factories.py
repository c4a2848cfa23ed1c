"""Factories for ticket tests: a ticket in any status, handlers to assign it to."""

from sqlalchemy import select

from app.extensions import db
from app.services.tickets.flow import TICKET_FLOW
from app.services.tickets.tickets import TicketInput, create_ticket
from app.services.workflow import advance_one
from models.accounts import Employee
from models.tickets import TicketStatus
from tests.helpers import admin, make_employee
from tests.order_factories import make_customer

PATH = {
    TicketStatus.NEW: [],
    TicketStatus.ASSIGNED: ["assign"],
    TicketStatus.RESOLVED: ["assign", "resolve"],
    TicketStatus.CLOSED: ["assign", "resolve", "close"],
    TicketStatus.CANCELLED: ["cancel"],
}


def handler(username="worker1", real_name="张三") -> Employee:
    found = db.session.scalar(select(Employee).where(Employee.username == username))
    return found or make_employee(username, real_name=real_name)


def make_ticket(status=TicketStatus.NEW, owner=None, assignee=None, subject="产品安装调试", **fields):
    owner = owner or admin()
    customer = fields.pop("customer", None) or make_customer(owner=owner)
    ticket = create_ticket(TicketInput(customer_id=customer.id, subject=subject,
                                       content="客户购买了我们的产品，需要给客户安装调试", **fields), owner)
    for step in PATH[status]:
        inputs = {"assignee_id": str((assignee or handler()).id)} if step == "assign" else {}
        advance_one(TICKET_FLOW, ticket, step, admin(), **inputs)
    db.session.flush()
    return ticket
