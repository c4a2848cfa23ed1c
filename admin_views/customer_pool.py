"""我的客户列表, 共享客户列表 and 公共客户管理 (manual 4.2, 4.6, 4.7)."""

from flask import abort, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import IntEqualFilter
from flask_admin.model.template import BaseListRowAction
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from admin_views.base import CrmModelView, form_id, format_datetime
from admin_views.customer_forms import choice_lists
from admin_views.customer_list import (
    CUSTOMER_FORMATTERS,
    CUSTOMER_LABELS,
    CustomerListMixin,
    EditCustomerLink,
    lookup_choices,
)
from admin_views.customer_search import CustomerIndexSearchMixin
from admin_views.input import parse_id, parse_ids
from admin_views.quick_filters import quick_filters
from admin_views.row_actions import PostRowAction
from admin_views.transactions import committed
from app.extensions import db
from app.security.permissions import Screen, can
from app.security.scope import can_see_owner
from app.services.customers import pool, records, sharing
from app.timeutil import format_local
from models.base_data import CustomerCategory
from models.customers import Customer, CustomerShare


class _ShareLink(BaseListRowAction):
    """共享 on 我的客户列表: the share page of that customer."""

    def __init__(self):
        super().__init__("共享")

    def render(self, context, row_id, row):
        view = context.resolve("admin_view")
        if not view.allowed("share"):
            return ""
        url = view.get_url(".share_view", id=row_id)
        return Markup(f'<a class="btn btn-sm btn-outline-info py-0 px-1 ml-1" href="{escape(url)}">共享</a>')


class MyCustomerView(CustomerListMixin, CrmModelView):
    screen = Screen("my_customer", "我的客户列表", "客户管理", ("view", "share", "abandon"))
    can_create = False
    can_edit = False
    can_delete = False
    column_list = ("name", "contact_name", "phones", "category", "source", "created_at", "owner", "last_contact_at",
                   "next_contact_at")
    column_sortable_list = ("name", "last_contact_at", "next_contact_at")
    post_row_actions = (
        PostRowAction("remove", "删除", "remove", css="btn-outline-danger",
                      confirm="确定删除该客户吗？其联系人、联系记录、合同文档将一并删除，有订单的客户不能删除。"),
        PostRowAction("abandon", "放弃", "abandon", css="btn-outline-warning",
                      confirm="放弃后该客户将进入公共客户池，其他人可以领用，确定放弃吗？"),
    )
    TABS = (("mine", "我的客户"), ("claimed", "我的领用"), ("soon", "即将回收"))

    def allowed(self, action: str) -> bool:
        """删除 on a row (fig. 4-10) is 客户资料管理's 删除 permission, on the user's own customers only."""
        return can("customer.delete") if action == "remove" else super().allowed(action)

    def do_remove(self, customer):
        name = customer.name
        records.prepare_delete(customer)
        db.session.delete(customer)
        return f"客户“{name}”已删除"
    add_customer_link = True

    def is_action_allowed(self, name):
        if name == "assign":
            return can("customer.assign")
        return super().is_action_allowed(name)

    @action("assign", "客户指派")
    def action_assign(self, ids):
        return redirect(url_for("customer.bulk_view", kind="assign", ids=",".join(ids), url=self.get_url(".index_view")))

    def get_list_row_actions(self):
        remove, abandon = self.post_row_actions
        return [EditCustomerLink(), remove, _ShareLink(), abandon]

    def current_tab(self):
        tab = request.args.get("tab", "mine")
        return tab if tab in dict(self.TABS) else "mine"

    def list_tabs(self):
        current = self.current_tab()
        return [(key, label, key == current) for key, label in self.TABS]

    def base_condition(self):
        condition = Customer.owner_id == current_user.id
        tab = self.current_tab()
        if tab == "claimed":
            condition = condition & Customer.claimed_at.is_not(None)
        elif tab == "soon":
            condition = condition & pool.soon_recycled_condition()
        return condition

    def get_one(self, id):
        customer = (db.session.get(Customer, parse_id(id)) if parse_id(id) else None)
        if customer is None or customer.owner_id != current_user.id:
            abort(404)
        return customer

    def do_abandon(self, customer):
        pool.abandon(customer, current_user)
        return f"已放弃客户“{customer.name}”，该客户已进入公共客户池"

    @expose("/share/<int:id>", methods=("GET", "POST"))
    def share_view(self, id):
        self.require("share")
        customer = self.get_one(id)
        if request.method == "POST":
            with committed() as outcome:
                ids = parse_ids(request.form.getlist("employee_ids"))
                made = sharing.share(customer, ids, current_user)
                outcome.message = f"已将客户“{customer.name}”共享给 {made} 位员工"
            if not outcome.failed:
                return redirect(self.get_url(".index_view"))
        shared = set(db.session.scalars(select(CustomerShare.employee_id).where(CustomerShare.customer_id == customer.id)))
        employees = [e for e in choice_lists()["employees"] if e.id != customer.owner_id]
        return self.render("admin/customers/share.html", customer=customer, employees=employees, shared=shared)


class PoolView(CustomerListMixin, CrmModelView):
    screen = Screen("customer_pool", "公共客户管理", "客户管理", ("view", "claim", "assign"))
    can_create = False
    can_edit = False
    can_delete = False
    column_list = ("code", "name", "contact_name", "phones", "category", "created_at", "pool_reason", "pool_entered_at")
    column_labels = CUSTOMER_LABELS | {"code": "客户ID", "pool_reason": "进入原因", "pool_entered_at": "进入时间"}
    column_formatters = CUSTOMER_FORMATTERS | {
        "pool_reason": lambda v, c, m, n: m.pool_reason.label if m.pool_reason else "",
        "pool_entered_at": format_datetime,
    }
    column_sortable_list = ("code", "name", "pool_entered_at")
    post_row_actions = (PostRowAction("claim", "领用", "claim", css="btn-outline-success"),)
    action_permissions = {"claim": "claim", "assign": "assign"}

    def base_condition(self):
        return Customer.owner_id.is_(None)

    def get_one(self, id):
        customer = (db.session.get(Customer, parse_id(id)) if parse_id(id) else None)
        if customer is None or customer.owner_id is not None:
            abort(404)
        return customer

    def do_claim(self, customer):
        pool.claim(customer, current_user)
        return f"已领用客户“{customer.name}”，可在“我的客户列表 > 我的领用”中查看"

    @action("claim", "领用")
    def action_claim(self, ids):
        with committed() as outcome:
            customers = [self.get_one(i) for i in ids]
            for customer in customers:
                pool.claim(customer, current_user)
            outcome.message = f"已领用 {len(customers)} 个客户"

    @action("assign", "客户指派")
    def action_assign(self, ids):
        return redirect(self.get_url(".assign_view", ids=",".join(ids)))

    @expose("/assign", methods=("GET", "POST"))
    def assign_view(self):
        self.require("assign")
        ids = [str(i) for i in parse_ids(request.values.get("ids", ""))]
        customers = [self.get_one(i) for i in ids]
        if not customers:
            return redirect(self.get_url(".index_view"))
        if request.method == "POST":
            with committed() as outcome:
                done = records.assign_owner(customers, form_id("target"), current_user)
                outcome.message = f"已指派 {done} 个客户"
            if not outcome.failed:
                return redirect(self.get_url(".index_view"))
        return self.render("admin/customers/bulk.html", title="客户指派", label="客服专员", kind="assign",
                           customers=customers, ids=",".join(ids), options=choice_lists()["employees"], back="")


class SharedCustomerCategoryFilter(IntEqualFilter):
    """客户类别 of the shared customer (4.6), without joining customers into the share list's query."""

    def apply(self, query, value, alias=None):
        return query.filter(CustomerShare.customer_id.in_(select(Customer.id).where(Customer.category_id == value)))


def _share_customer(view, context, model, name):
    url = url_for("customer.details_view", id=model.customer_id)
    return Markup(f'<a href="{escape(url)}">{escape(model.customer.name)}</a>')


class ShareView(CustomerIndexSearchMixin, CrmModelView):
    screen = Screen("customer_share", "共享客户列表", "客户管理", ("view",))
    list_template = "admin/customers/list.html"
    can_create = False
    can_edit = False
    can_delete = False
    can_view_details = False
    column_list = ("customer", "employee", "shared_by", "created_at", "contact", "phones", "category", "source",
                   "creator", "customer_created")
    column_labels = {"customer": "客户名称", "employee": "共享给", "shared_by": "共享人", "created_at": "共享时间",
                     "contact": "联系人", "phones": "联系方式", "category": "客户类别", "source": "客户来源",
                     "creator": "建档客服", "customer_created": "建档时间"}
    column_filters = (SharedCustomerCategoryFilter(CustomerShare.customer_id, "客户类别",
                                                   options=lookup_choices(CustomerCategory)),)
    column_formatters = {
        "customer": _share_customer,
        "employee": lambda v, c, m, n: m.employee.real_name,
        "shared_by": lambda v, c, m, n: m.shared_by.real_name if m.shared_by else "",
        "created_at": lambda v, c, m, n: format_local(m.created_at, "%Y-%m-%d %H:%M"),
        "contact": lambda v, c, m, n: m.customer.contact_name or "",
        "phones": lambda v, c, m, n: m.customer.phones,
        "category": lambda v, c, m, n: m.customer.category.name if m.customer.category else "",
        "source": lambda v, c, m, n: m.customer.source.name if m.customer.source else "",
        "creator": lambda v, c, m, n: m.customer.creator.real_name if m.customer.creator else "",
        "customer_created": lambda v, c, m, n: format_local(m.customer.created_at, "%Y-%m-%d %H:%M"),
    }
    column_searchable_list = ("id",)
    column_default_sort = ("id", True)
    post_row_actions = (PostRowAction("unshare", "取消共享", "view", css="btn-outline-danger",
                                      confirm="确定取消共享该客户吗？",
                                      visible=lambda row: row.shared_by_id == current_user.id
                                      or row.customer.owner_id == current_user.id),)
    TABS = (("to_me", "共享给我"), ("mine", "我的共享"))

    def current_tab(self):
        tab = request.args.get("tab", "to_me")
        return tab if tab in dict(self.TABS) else "to_me"

    def render(self, template, **kwargs):
        current = self.current_tab()
        kwargs.setdefault("list_tabs", [(k, label, k == current) for k, label in self.TABS])
        if template == self.list_template:
            kwargs.setdefault("quick_filters", quick_filters(self, ("客户类别",)))
        return super().render(template, **kwargs)

    def _narrow(self, query):
        if self.current_tab() == "mine":
            return query.filter((CustomerShare.shared_by_id == current_user.id)
                                | CustomerShare.customer_id.in_(select(Customer.id).where(Customer.owner_id == current_user.id)))
        return query.filter(CustomerShare.employee_id == current_user.id)

    def get_query(self):
        return self._narrow(super().get_query())

    def get_count_query(self):
        return self._narrow(super().get_count_query())

    customer_id_column = CustomerShare.__table__.c.customer_id

    def get_one(self, id):
        row = (db.session.get(CustomerShare, parse_id(id)) if parse_id(id) else None)
        if row is None or current_user.id not in (row.employee_id, row.shared_by_id, row.customer.owner_id):
            abort(404)
        return row

    def do_unshare(self, row):
        name = row.customer.name
        may_manage = row.customer.owner_id is not None and can_see_owner(current_user, "customer", row.customer.owner_id)
        sharing.unshare(row, current_user, may_manage)
        return f"已取消客户“{name}”的共享"

