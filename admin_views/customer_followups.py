"""联系记录管理 and 等待回访客户 (manual 4.3, 4.4); the 添加联系记录 form (figure 4-15)."""

from datetime import datetime, timedelta

from flask import abort, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual, IntEqualFilter
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from admin_views.base import CrmModelView, lazy_options
from admin_views.customer_forms import follow_up_choices, follow_up_values, local_input
from admin_views.customer_search import CustomerIndexSearchMixin
from admin_views.filters import LocalDateBetweenFilter
from admin_views.input import parse_id
from admin_views.row_actions import PageRowAction
from admin_views.transactions import committed
from app.extensions import db
from app.security.permissions import Screen
from app.security.scope import visible_owner_ids
from app.security.urls import safe_return_url
from app.services.customers import followups
from app.services.customers.visibility import can_view
from app.timeutil import format_local, local_to_utc, local_today
from models.accounts import Employee
from models.base import utcnow
from models.customers import Customer, CustomerContact, FollowUp, FollowUpKind


def _employees():
    return [(str(i), n) for i, n in db.session.execute(select(Employee.id, Employee.real_name).order_by(Employee.real_name))]


def _customer_link(view, context, model, name):
    url = url_for("customer.details_view", id=model.customer_id)
    return Markup(f'<a href="{escape(url)}">{escape(model.customer.name)}</a>')


FORMATTERS = {
    "customer": _customer_link,
    "contacted_at": lambda v, c, m, n: format_local(m.contacted_at, "%Y-%m-%d %H:%M"),
    "next_contact_at": lambda v, c, m, n: format_local(m.next_contact_at, "%Y-%m-%d %H:%M") if m.next_contact_at else "",
    "kind": lambda v, c, m, n: m.kind.label,
    "method": lambda v, c, m, n: m.method.name if m.method else "",
    "employee": lambda v, c, m, n: m.employee.real_name if m.employee else "",
}
LABELS = {"customer": "客户名称", "contact_name": "联系人", "contact_phone": "联系电话", "contacted_at": "联系时间",
          "content": "联系内容", "kind": "联系类型", "method": "联系方式", "next_contact_at": "预约时间",
          "next_goal": "下次目标", "employee": "联系客服"}


class FollowUpView(CustomerIndexSearchMixin, CrmModelView):
    screen = Screen("follow_up", "联系记录管理", "客户管理", ("view", "add", "edit", "delete", "export"), scoped=False)
    scope_module = "customer"
    owner_attr = "employee_id"
    export_filename = "联系记录"
    can_view_details = False
    column_list = ("contacted_at", "customer", "contact_name", "contact_phone", "content", "kind", "method",
                   "next_contact_at", "employee")
    column_export_list = column_list + ("next_goal",)
    column_labels = LABELS
    column_formatters = FORMATTERS
    column_formatters_export = {k: v for k, v in FORMATTERS.items() if k != "customer"} | {
        "customer": lambda v, c, m, n: m.customer.name}
    column_sortable_list = ("contacted_at", "next_contact_at")
    column_default_sort = ("contacted_at", True)
    column_searchable_list = ("content",)  # shows the box; the search goes through the customer token index
    can_create = False  # 添加联系记录 starts from a customer

    customer_id_column = FollowUp.__table__.c.customer_id  # a Column: a mapped attribute would bind to the view
    column_filters = (
        IntEqualFilter(FollowUp.employee_id, "联系客服", options=lazy_options(_employees)),
        LocalDateBetweenFilter(FollowUp.contacted_at, "联系时间"),
        FilterEqual(FollowUp.kind, "联系类型", options=[(k.value, k.label) for k in FollowUpKind]),
    )

    def _scoped(self, query):
        if g.get("follow_up_newest_first"):
            # `employee_id + 0`: no index serves it, so SQLite reads 联系时间 newest first and keeps the team's rows.
            return query.filter((FollowUp.employee_id + 0).in_(sorted(visible_owner_ids(current_user, self.scope_module))))
        return super()._scoped(query)

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        """A team (several 联系客服) has its follow-ups in several ranges of (employee_id, contacted_at), which
        SQLite merges by sorting all of them. When the capped count says they are many (10,000+), reading every
        follow-up newest first finds the page within a few thousand rows: the page query is built that way."""
        count, query = super().get_list(page, sort_column, sort_desc, search, filters, False, page_size)
        total = g.get("crm_list_total")
        owners = visible_owner_ids(current_user, self.scope_module)
        if (execute and total and not total[1] and sort_column is None and owners is not None and len(owners) > 1
                and self.column_default_sort == ("contacted_at", True) and (page or 0) < 50):
            g.follow_up_newest_first = True
            try:
                count, query = super().get_list(page, sort_column, sort_desc, search, filters, False, page_size)
            finally:
                g.pop("follow_up_newest_first")
        return count, (query.all() if execute else query)

    def get_one(self, id):
        row = (db.session.get(FollowUp, parse_id(id)) if parse_id(id) else None)
        if row is None:
            abort(404)
        if not can_view(current_user, row.customer) and row.employee_id != current_user.id:
            abort(404)
        return row

    def _customer(self, customer_id):
        customer = (db.session.get(Customer, parse_id(customer_id)) if parse_id(customer_id) else None)
        if customer is None or not can_view(current_user, customer):
            abort(404)
        return customer

    def _page(self, customer, follow_up, data, error=None):
        contacts = db.session.scalars(select(CustomerContact).where(CustomerContact.customer_id == customer.id)
                                      .order_by(CustomerContact.is_primary.desc(), CustomerContact.id)).all()
        recent = db.session.scalars(select(FollowUp).where(FollowUp.customer_id == customer.id)
                                    .order_by(FollowUp.contacted_at.desc()).limit(5)).all()
        return self.render("admin/customers/follow_up_form.html", customer=customer, follow_up=follow_up, data=data,
                           error=error, contacts=contacts, recent=recent, format_local=format_local,
                           **follow_up_choices())

    def _back(self, customer):
        return redirect(safe_return_url(request.args.get("url"), url_for("customer.details_view", id=customer.id)))

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        self.require("add")
        customer = self._customer(request.args.get("customer_id"))
        if request.method == "POST":
            with committed("联系记录已保存", flash_error=False) as outcome:
                followups.add_follow_up(customer, follow_up_values(request.form), current_user)
            if outcome.failed:
                return self._page(customer, None, request.form.to_dict(), outcome.error)
            return self._back(customer)
        primary = next(iter(customer.contacts), None)
        data = {"contacted_at": local_input(utcnow()), "employee_id": str(current_user.id),
                "contact_id": str(primary.id) if primary else "", "contact_phone": customer.mobile or customer.phone or ""}
        return self._page(customer, None, data)

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        self.require("edit")
        follow_up = self.get_one(request.args.get("id", ""))
        if not followups.may_change(current_user, follow_up):
            abort(404)  # someone else's follow-up on a customer the user merely sees
        customer = follow_up.customer
        if request.method == "POST":
            with committed("联系记录已保存", flash_error=False) as outcome:
                followups.update_follow_up(follow_up, follow_up_values(request.form), current_user)
            if outcome.failed:
                return self._page(customer, follow_up, request.form.to_dict(), outcome.error)
            return self._back(customer)
        data = {"contact_id": str(follow_up.contact_id or ""), "contact_phone": follow_up.contact_phone or "",
                "method_id": str(follow_up.method_id or ""), "contacted_at": local_input(follow_up.contacted_at),
                "content": follow_up.content, "kind": follow_up.kind.value,
                "next_contact_at": local_input(follow_up.next_contact_at), "next_goal": follow_up.next_goal or "",
                "employee_id": str(follow_up.employee_id or "")}
        return self._page(customer, follow_up, data)

    record_noun = "联系记录"

    def delete_record(self, row):
        """Through the service, so each customer's 最近一次联系 follows."""
        followups.delete_follow_up(row, current_user)


def _end_of_today_utc() -> datetime:
    tomorrow = local_today() + timedelta(days=1)
    return local_to_utc(datetime(tomorrow.year, tomorrow.month, tomorrow.day))


class DueFollowUpView(CrmModelView):
    screen = Screen("follow_up_due", "等待回访客户", "客户管理", ("view",))
    scope_module = "customer"
    owner_attr = "employee_id"
    can_view_details = False
    column_list = ("next_contact_at", "customer", "contact_name", "contact_phone", "next_goal", "contacted_at",
                   "employee")
    column_labels = LABELS | {"contacted_at": "上次联系时间"}
    column_formatters = FORMATTERS
    column_sortable_list = ("next_contact_at",)
    column_default_sort = [("next_contact_at", False), ("id", False)]
    column_filters = (IntEqualFilter(FollowUp.employee_id, "联系客服", options=lazy_options(_employees)),)

    def get_list_row_actions(self):
        return [_AddFollowUp()]

    def _due(self, query):
        return query.filter(FollowUp.appointment_open.is_(True), FollowUp.next_contact_at < _end_of_today_utc())

    def get_query(self):
        return self._due(super().get_query())

    def get_count_query(self):
        return self._due(super().get_count_query())


class _AddFollowUp(PageRowAction):
    def __init__(self):
        super().__init__("follow_up.create_view", "添加联系记录", "view")

    def render(self, context, row_id, row):
        url = url_for("follow_up.create_view", customer_id=row.customer_id, url=request.full_path)
        overdue = " text-danger" if row.next_contact_at and row.next_contact_at < utcnow() else ""
        return Markup(f'<a class="btn btn-sm btn-outline-primary py-0 px-1{overdue}" href="{escape(url)}">添加联系记录</a>')
