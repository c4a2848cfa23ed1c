"""What tickets add to the customer detail page: the 售后服务 tab (fig. 6-2) with its count and 添加工单."""

from flask import g
from flask_login import current_user
from sqlalchemy import func, or_, select

from app.extensions import db
from app.security.scope import visible_owner_ids
from app.services.customer_extensions import register_detail_tab
from app.services.tickets.flow import SCOPE_MODULE
from models.tickets import Ticket

TAB_LIMIT = 20


def visible_tickets(customer_id: int):
    query = select(Ticket).where(Ticket.customer_id == customer_id)
    owners = visible_owner_ids(current_user, SCOPE_MODULE)
    if owners is not None:
        ids = sorted(owners)
        query = query.where(or_(Ticket.owner_id.in_(ids), Ticket.assignee_id.in_(ids)))
    return query


def service_tab(customer) -> dict:
    query = visible_tickets(customer.id)
    g.customer_ticket_count = db.session.scalar(select(func.count()).select_from(query.subquery()))
    tickets = db.session.scalars(query.order_by(Ticket.id.desc()).limit(TAB_LIMIT)).all()
    return {"tickets": tickets, "tab_limit": TAB_LIMIT, "count": g.customer_ticket_count}


class ServiceTabLabel:
    """售后服务 (N): the count of the customer's tickets this user sees, read after the tab's context was built."""

    def __str__(self) -> str:
        count = g.get("customer_ticket_count")
        return "售后服务" if count is None else f"售后服务 ({count})"


register_detail_tab("tickets", ServiceTabLabel(), "ticket.view", "admin/tickets/customer_tab.html", service_tab)
