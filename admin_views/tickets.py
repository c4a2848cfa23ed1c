"""售后管理 lists (manual 6.2-6.7): one list per status and 工单综合查询, each with the count row, filters and export.

Every change goes through app.services.tickets (the workflow engine); steps that need a 处理人 open the
assignment page (admin_views/tickets_pages.py), the others are row and 批量 buttons drawn from the table.
"""

from flask import abort, g, redirect, url_for
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual, IntEqualFilter
from flask_admin.model.template import BaseListRowAction
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from admin_views import tickets_customer  # noqa: F401  (registers the customer's 售后服务 tab)
from admin_views.base import CrmModelView, lazy_options
from admin_views.document_list import customer_url
from admin_views.filters import LocalDateBetweenFilter
from admin_views.order_filters import ContainsFilter, PrefixFilter
from admin_views.workflow import WorkflowListMixin
from app.extensions import db
from app.security.scope import visible_owner_ids
from app.services.errors import DomainError
from app.services.tickets import sla
from app.services.tickets import tickets as ticket_service
from app.services.tickets.flow import SCOPE_MODULE, TICKET, TICKET_FLOW
from app.timeutil import format_local
from models.accounts import Employee
from models.base import utcnow
from models.customers import Customer
from models.tickets import Ticket, TicketCategory, TicketPriority, TicketStatus

PRIORITY_CHOICES = [(p.value, p.label) for p in TicketPriority]
STATUS_CHOICES = [(s.value, s.label) for s in TicketStatus]
PRIORITY_BADGE = {"low": "secondary", "medium": "info", "high": "warning", "urgent": "danger"}


def _employees():
    return [(str(e.id), e.real_name) for e in db.session.scalars(select(Employee).order_by(Employee.id))]


def _categories():
    return [(str(c.id), c.name) for c in db.session.scalars(
        select(TicketCategory).order_by(TicketCategory.sort_order, TicketCategory.id))]


def _detail_link(_view, _context, model, name):
    text = model.number if name == "number" else model.subject
    return Markup(f'<a href="{escape(url_for("ticket.detail", ticket_id=model.id))}">{escape(text)}</a>')


def _customer(_view, _context, model, _name):
    url = customer_url(model.customer_id)
    return Markup(f'<a href="{escape(url)}">{escape(model.customer.name)}</a>') if url else model.customer.name


def _priority(_view, _context, model, _name):
    return Markup(f'<span class="badge badge-{PRIORITY_BADGE[model.priority.value]}">{escape(model.priority.label)}</span>')


def _deadline(_view, _context, model, _name):
    state = sla.state_of(model, g.setdefault("ticket_now", utcnow()))
    if state is None:
        return format_local(model.resolution_due_at, "%m-%d %H:%M") if model.resolution_due_at else ""
    css = "danger" if state == "已超时" else "warning"
    return Markup(f'<span class="badge badge-{css} crm-sla" data-sla="{escape(state)}">{escape(state)}</span>')


class OverdueFilter(BaseSQLAFilter):
    """服务时限: 已超时 (the resolution target has passed while the clock runs), served by ix_tickets_due."""

    def apply(self, query, value, alias=None):
        now = utcnow()
        if value == "overdue":
            return query.filter(Ticket.resolution_due_at <= now)
        return query.filter(Ticket.resolution_due_at > now)

    def operation(self):
        return "为"


class CustomerNameFilter(BaseSQLAFilter):
    """客户名称 starts with (the customers' name index), as the order lists do."""

    def apply(self, query, value, alias=None):
        value = value.strip()
        names = select(Customer.id).where(Customer.name >= value, Customer.name < value + "\uffff")
        return query.filter(Ticket.customer_id.in_(names)) if value else query

    def operation(self):
        return "开头是"


class TicketPageAction(BaseListRowAction):
    """A GET link to a ticket page (编辑, 工单分配, 重新分配, 工单日志), shown when permission and status allow it."""

    def __init__(self, endpoint, title, permission, visible=None, anchor=None):
        super().__init__(title)
        self.endpoint, self.permission, self.visible, self.anchor = endpoint, permission, visible, anchor

    def render(self, context, row_id, row):
        view = context.resolve("admin_view")
        if not view.allowed(self.permission) or (self.visible and not self.visible(row)):
            return ""
        url = url_for(self.endpoint, ticket_id=row_id) + (f"#{self.anchor}" if self.anchor else "")
        return Markup(f'<a class="btn btn-sm btn-outline-secondary py-0 px-1 ml-1" data-action="{escape(self.title)}" '
                      f'href="{escape(url)}">{escape(self.title)}</a>')


EDIT = TicketPageAction("ticket.edit", "编辑", "edit", lambda row: TICKET_FLOW.allows("edit", row))
ASSIGN = TicketPageAction("ticket.assign", "工单分配", "assign", lambda row: TICKET_FLOW.can_take(row, "assign"))
REASSIGN = TicketPageAction("ticket.assign", "重新分配", "reassign", lambda row: TICKET_FLOW.can_take(row, "reassign"))
LOG = TicketPageAction("ticket.detail", "工单日志", "view", anchor="ticket-log")


class TicketListView(WorkflowListMixin, CrmModelView):
    """Base of every ticket list: scope (submitter or assignee), search, filters, count row, export, transitions."""

    screen = TICKET
    flow = TICKET_FLOW
    title = "工单列表"
    statuses: tuple[TicketStatus, ...] | None = None
    scope_module = SCOPE_MODULE
    list_template = "admin/tickets/list.html"
    can_view_details = False
    export_filename = "工单"
    column_list = ("priority", "status", "number", "subject", "customer", "category", "owner", "assignee",
                   "created_at", "deadline")
    column_labels = {"priority": "优先级", "status": "状态", "number": "工单号", "subject": "主题", "customer": "客户名称",
                     "category": "服务类别", "owner": "提交者", "assignee": "分配给", "created_at": "提交时间",
                     "deadline": "服务时限", "resolved_at": "解决时间", "closed_at": "关闭时间",
                     "cancelled_at": "取消时间", "contact_name": "联系人", "contact_phone": "联系电话"}
    column_sortable_list = ("number", "created_at", "priority")
    column_default_sort = [("id", True)]
    column_searchable_list = ("subject",)
    column_formatters = {
        "number": _detail_link, "subject": _detail_link, "customer": _customer, "priority": _priority,
        "status": lambda v, c, m, n: m.status.label, "category": lambda v, c, m, n: m.category.name if m.category else "",
        "owner": lambda v, c, m, n: m.owner.real_name, "assignee": lambda v, c, m, n: m.assignee.real_name if m.assignee else "",
        "created_at": lambda v, c, m, n: format_local(m.created_at, "%Y-%m-%d %H:%M"), "deadline": _deadline,
        "resolved_at": lambda v, c, m, n: format_local(m.resolved_at, "%Y-%m-%d %H:%M"),
        "closed_at": lambda v, c, m, n: format_local(m.closed_at, "%Y-%m-%d %H:%M"),
        "cancelled_at": lambda v, c, m, n: format_local(m.cancelled_at, "%Y-%m-%d %H:%M"),
    }
    column_formatters_export = {
        "customer": lambda v, c, m, n: m.customer.name, "priority": lambda v, c, m, n: m.priority.label,
        "status": lambda v, c, m, n: m.status.label, "subject": lambda v, c, m, n: m.subject,
        "number": lambda v, c, m, n: m.number, "deadline": lambda v, c, m, n: sla.state_of(m, utcnow()) or "",
    }
    column_filters = (
        FilterEqual(Ticket.priority, "优先级", options=PRIORITY_CHOICES),
        IntEqualFilter(Ticket.category_id, "服务类别", options=lazy_options(_categories)),
        IntEqualFilter(Ticket.assignee_id, "分配给", options=lazy_options(_employees)),
        LocalDateBetweenFilter(Ticket.created_at, "提交时间"),
        OverdueFilter(Ticket.resolution_due_at, "服务时限", options=[("overdue", "已超时"), ("running", "未超时")]),
    )
    page_row_actions: tuple = (LOG,)

    def __init__(self, model, *args, name=None, **kwargs):
        super().__init__(model, *args, name=self.title, **kwargs)

    @property
    def column_export_list(self):
        return self.column_list

    @property
    def can_create(self):
        return False  # 添加工单 has its own page (customer, contacts, orders, attachments)

    @property
    def can_edit(self):
        return False

    @property
    def can_delete(self):
        return self.deletable and self.allowed("delete")

    deletable = False
    column_auto_select_related = False  # the related rows load after the page is chosen (get_query)

    # Query -----------------------------------------------------------------
    def _scoped(self, query):
        owners = visible_owner_ids(current_user, SCOPE_MODULE)
        if owners is None:
            return query
        ids = sorted(owners)
        return query.filter(or_(Ticket.owner_id.in_(ids), Ticket.assignee_id.in_(ids)))

    def base_conditions(self):
        return [Ticket.status.in_(self.statuses)] if self.statuses is not None else []

    def get_query(self):
        # The page's 20 rows load their customer, people and category in four small queries afterwards, so a
        # filter matching many tickets (a month of 提交时间) sorts bare ticket rows, not rows joined four times.
        return super().get_query().filter(*self.base_conditions()).options(
            selectinload(Ticket.customer), selectinload(Ticket.owner), selectinload(Ticket.assignee),
            selectinload(Ticket.category))

    def get_count_query(self):
        return super().get_count_query().filter(*self.base_conditions())

    def get_one(self, id):
        try:
            return ticket_service.get_ticket(id, current_user)
        except DomainError:
            abort(404)

    def search_condition(self, term: str):
        """A 工单号 (digits) exactly, else 主题 contains the word."""
        term = term.strip()
        if term.isascii() and term.isdigit():
            return Ticket.number == term
        cleaned = term.replace("%", "").replace("_", "")
        return Ticket.subject.like(f"%{cleaned}%")

    def _apply_search(self, query, count_query, joins, count_joins, search):
        for term in search.split()[:5]:
            query = query.filter(self.search_condition(term))
            if count_query is not None:
                count_query = count_query.filter(self.search_condition(term))
        return query, count_query, joins, count_joins

    def render(self, template, **kwargs):
        if template == self.list_template:
            kwargs["list_tabs"] = []
        return super().render(template, **kwargs)

    def delete_record(self, row):
        ticket_service.delete_ticket(row, current_user)

    # 批量工单分配 needs a 处理人: the assignment page takes the selected ids.
    @action("assign_selected", "工单分配", None)
    def action_assign_selected(self, ids):
        return redirect(url_for("ticket.assign_many", id=[i for i in ids][:500], url=self.bulk_return_url()))

    def is_action_allowed(self, name):
        if name == "assign_selected":
            return self.offers_bulk_assign and self.allowed("assign")
        return super().is_action_allowed(name)

    offers_bulk_assign = False


class NewTicketView(TicketListView):
    title = "新提交的工单"
    statuses = (TicketStatus.NEW,)
    export_filename = "新提交的工单"
    deletable = True
    page_row_actions = (EDIT, ASSIGN, LOG)
    row_steps = ("close", "cancel")
    bulk_steps = ("close",)
    offers_bulk_assign = True


class AssignedTicketView(TicketListView):
    title = "已分配的工单"
    statuses = (TicketStatus.ASSIGNED,)
    export_filename = "已分配的工单"
    page_row_actions = (REASSIGN, LOG)
    row_steps = ("resolve", "cancel")
    bulk_steps = ("resolve",)


class ResolvedTicketView(TicketListView):
    title = "已解决的工单"
    statuses = (TicketStatus.RESOLVED,)
    export_filename = "已解决的工单"
    column_list = ("priority", "status", "number", "subject", "customer", "category", "owner", "assignee",
                   "created_at", "resolved_at")
    row_steps = bulk_steps = ("close", "reopen")


class ClosedTicketView(TicketListView):
    title = "已关闭的工单"
    statuses = (TicketStatus.CLOSED,)
    export_filename = "已关闭的工单"
    column_list = ("priority", "status", "number", "subject", "customer", "category", "owner", "assignee",
                   "created_at", "closed_at")


class CancelledTicketView(TicketListView):
    title = "已取消的工单"
    statuses = (TicketStatus.CANCELLED,)
    export_filename = "已取消的工单"
    column_list = ("priority", "status", "number", "subject", "customer", "category", "owner", "assignee",
                   "created_at", "cancelled_at")


class TicketQueryView(TicketListView):
    """工单综合查询 (6.7, fig. 6-14): every ticket in scope by number, customer, category, priority, state, people, dates."""

    title = "工单综合查询"
    export_filename = "工单综合查询"
    column_filters = (
        PrefixFilter(Ticket.number, "工单号"),
        CustomerNameFilter(Ticket.customer_id, "客户名称"),
        IntEqualFilter(Ticket.category_id, "服务类别", options=lazy_options(_categories)),
        FilterEqual(Ticket.priority, "优先级", options=PRIORITY_CHOICES),
        FilterEqual(Ticket.status, "工单状态", options=STATUS_CHOICES),
        IntEqualFilter(Ticket.owner_id, "提交者", options=lazy_options(_employees)),
        IntEqualFilter(Ticket.assignee_id, "分配给", options=lazy_options(_employees)),
        LocalDateBetweenFilter(Ticket.created_at, "提交时间"),
        ContainsFilter(Ticket.subject, "关键词"),
        OverdueFilter(Ticket.resolution_due_at, "服务时限", options=[("overdue", "已超时"), ("running", "未超时")]),
        IntEqualFilter(Ticket.customer_id, "客户ID"),
    )


TICKET_LIST_VIEWS = (NewTicketView, AssignedTicketView, ResolvedTicketView, ClosedTicketView, CancelledTicketView,
                     TicketQueryView)
