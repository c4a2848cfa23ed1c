"""客户资料管理 (manual 4.1): list with 万能检索, filters, 快捷视图, bulk edits, export, form and detail page."""

from datetime import timedelta

from flask import abort, flash, g, jsonify, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import FilterEqual, IntEqualFilter
from flask_admin.model.template import BaseListRowAction
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import or_, select

import jobs.customers  # noqa: F401  (registers `flask crm recycle-customers` and `remind-follow-ups`)
from admin_views.base import CrmModelView, form_id, lazy_options, parse_id, row_url
from admin_views.customer_children import CustomerChildrenMixin
from admin_views.customer_export import ExportMixin
from admin_views.customer_forms import choice_lists, customer_form_data, customer_values
from admin_views.filters import LocalDateBetweenFilter, local_date_filters
from admin_views.input import parse_ids
from admin_views.transactions import committed
from app.extensions import db
from app.security.permissions import Screen, can
from app.security.urls import safe_return_url
from app.services import customer_extensions
from app.services.customers import custom_fields, records
from app.services.customers.documents import file_path
from app.services.customers.history import history_of
from app.services.customers.regions import region_tree
from app.services.customers.search import search_condition
from app.services.customers.visibility import can_manage, can_view
from app.timeutil import format_local, local_to_utc, local_today
from models.accounts import Employee
from models.base import utcnow
from models.base_data import CustomerCategory, CustomerSource
from models.customers import (
    Customer,
    CustomerContact,
    CustomerDocument,
    CustomerDocumentFile,
    FollowUp,
)


def _day_start_utc(day):
    from datetime import datetime

    return local_to_utc(datetime(day.year, day.month, day.day))


def _not_contacted(days):
    def condition():
        since = utcnow() - timedelta(days=days)
        return or_(Customer.last_contact_at.is_(None), Customer.last_contact_at < since)
    return condition


def _due_today():
    today = local_today()
    return (Customer.next_contact_at >= _day_start_utc(today)) & (
        Customer.next_contact_at < _day_start_utc(today + timedelta(days=1)))


def _contract_ending():
    today = local_today()
    return (Customer.contract_end >= today) & (Customer.contract_end <= today + timedelta(days=30))


def _birthday_this_month():
    return Customer.birth_month == local_today().month


customer_extensions.register_quick_view("no_contact_7", "7天未联系", _not_contacted(7))
customer_extensions.register_quick_view("no_contact_30", "30天未联系", _not_contacted(30))
customer_extensions.register_quick_view("due_today", "今日需回访", _due_today)
customer_extensions.register_quick_view("contract_ending", "合同即将到期", _contract_ending)
customer_extensions.register_quick_view("birthday", "本月生日", _birthday_this_month)


def _lookup_rows(model) -> list[tuple[int, str]]:
    """(id, name) of a small lookup table in display order, read once per request and shared by the
    row formatters and the filter choices."""
    cache = g.setdefault("customer_lookup_rows", {})
    if model not in cache:
        name = Employee.real_name if model is Employee else model.name
        order = Employee.real_name if model is Employee else model.sort_order
        cache[model] = db.session.execute(select(model.id, name).order_by(order, model.id)).all()
    return cache[model]


def _names(model):
    """id -> name, for formatters of 20+ rows."""
    cache = g.setdefault("customer_name_cache", {})
    if model not in cache:
        cache[model] = dict(_lookup_rows(model))
    return cache[model]


def _choices(model):
    return lazy_options(lambda: [(str(i), n) for i, n in _lookup_rows(model)])


def _fmt_name(view, context, model, name):
    url = row_url("customer.details_view", model.id)
    return Markup(f'<a href="{escape(url)}" class="customer-link">{escape(model.name)}</a>')


def _fmt_lookup(model_cls, attr):
    def fmt(view, context, model, name):
        return _names(model_cls).get(getattr(model, attr), "")
    return fmt


def _fmt_owner(view, context, model, name):
    return _names(Employee).get(model.owner_id, "") if model.owner_id else "公共客户池"


def _fmt_created(view, context, model, name):
    creator = _names(Employee).get(model.creator_id, "")
    return Markup(f"{escape(creator)}<br><small>{format_local(model.created_at, '%Y-%m-%d')}</small>")


def _fmt_time(view, context, model, name):
    return format_local(getattr(model, name), "%Y-%m-%d %H:%M")


def _fmt_next(view, context, model, name):
    return format_local(model.next_contact_at, "%Y-%m-%d %H:%M") if model.next_contact_at else "无预约"


def _fmt_phones(view, context, model, name):
    return model.phones


CUSTOMER_LABELS = {
    "code": "客户编号", "name": "客户名称", "contact_name": "联系人", "phones": "联系方式", "category": "客户类别",
    "source": "客户来源", "created_at": "建档人&时间", "owner": "客服专员", "last_contact_at": "最近一次联系",
    "next_contact_at": "预约联系时间", "category_id": "客户类别", "source_id": "客户来源", "owner_id": "客服专员",
    "province": "省份", "city": "城市", "contract_end": "合同止日",
}
CUSTOMER_FORMATTERS = {
    "name": _fmt_name, "phones": _fmt_phones, "category": _fmt_lookup(CustomerCategory, "category_id"),
    "source": _fmt_lookup(CustomerSource, "source_id"), "owner": _fmt_owner, "created_at": _fmt_created,
    "last_contact_at": _fmt_time, "next_contact_at": _fmt_next,
}


class EditCustomerLink(BaseListRowAction):
    """编辑 on every customer list: the customer form, which returns to the list it came from."""

    def __init__(self):
        super().__init__("编辑")

    def render(self, context, row_id, row):
        if not can("customer.edit"):
            return ""
        url = row_url("customer.edit_view", row_id, url=request.full_path)
        return Markup(f'<a class="btn btn-sm btn-outline-secondary py-0 px-1 ml-1" href="{escape(url)}">编辑</a>')


class CustomerListMixin:
    """Search through the token index and 快捷视图 (?qv=key), shared by every customer list."""

    column_searchable_list = ("name",)  # shows the search box; _apply_search does the real work
    column_default_sort = ("id", True)
    list_template = "admin/customers/list.html"
    can_view_details = False
    column_labels = CUSTOMER_LABELS
    column_formatters = CUSTOMER_FORMATTERS
    column_filters = (
        IntEqualFilter(Customer.category_id, "客户类别", options=_choices(CustomerCategory)),
        IntEqualFilter(Customer.source_id, "客户来源", options=_choices(CustomerSource)),
        IntEqualFilter(Customer.owner_id, "客服专员", options=_choices(Employee)),
        FilterEqual(Customer.province, "省份"),
        FilterEqual(Customer.city, "城市"),
        LocalDateBetweenFilter(Customer.created_at, "建档时间"),
        LocalDateBetweenFilter(Customer.last_contact_at, "最近一次联系"),
        *local_date_filters(Customer.created_at, "建档时间")[1:],
    )
    search_placeholder_text = "客户编号/名称/拼音简码/联系人/电话/地址/QQ/邮件/客服专员/备注"

    def search_placeholder(self):
        return self.search_placeholder_text

    def _apply_search(self, query, count_query, joins, count_joins, search):
        condition = search_condition(search)
        if condition is not None:
            query = query.filter(condition)
            if count_query is not None:
                count_query = count_query.filter(condition)
        return query, count_query, joins, count_joins

    # Keyset paging: the 下一页 link carries the last id shown (?after=), so page 25,000 reached by
    # paging costs what page 1 costs; a typed ?page=N without a cursor still works, by OFFSET.
    keyset_pager = True
    _after: int | None = None

    def _get_list_extra_args(self):
        args = super()._get_list_extra_args()
        args.extra_args.pop("after", None)  # never copied into sort/filter/search links
        return args

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._auto_joins = []  # formatters read names from per-request lookups; joins only widen sorts

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        after = parse_id(request.args.get("after"))
        if execute and after is not None and sort_column is None:
            self._after = after
            page = 0
        try:
            count, query = super().get_list(page, sort_column, sort_desc, search, filters, False, page_size)
        finally:
            self._after = None
        if not execute:
            return count, query
        # Deferred join: sort and page over narrow index entries (ids only), then load those rows.
        ids = [row[0] for row in query.with_entities(Customer.id)]
        rows = {c.id: c for c in db.session.scalars(select(Customer).where(Customer.id.in_(ids)))} if ids else {}
        return count, [rows[i] for i in ids if i in rows]

    def quick_view_condition(self):
        view = customer_extensions.quick_view(request.args.get("qv", ""))
        return view.condition_fn() if view else None

    def base_condition(self):
        return None

    def _narrow(self, query):
        keyset = Customer.id < self._after if self._after is not None else None
        for condition in (self.base_condition(), self.quick_view_condition(), keyset):
            if condition is not None:
                query = query.filter(condition)
        return query

    def get_query(self):
        return self._narrow(super().get_query())

    def get_count_query(self):
        return self._narrow(super().get_count_query())

    def list_tabs(self):
        return []

    def render(self, template, **kwargs):
        kwargs.setdefault("quick_views", customer_extensions.quick_views())
        kwargs.setdefault("list_tabs", self.list_tabs())
        return super().render(template, **kwargs)


class CustomerView(CustomerChildrenMixin, ExportMixin, CustomerListMixin, CrmModelView):
    screen = Screen("customer", "客户资料管理", "客户管理", ("view", "add", "edit", "delete", "export", "assign"),
                    scoped=True)
    scope_module = "customer"
    owner_attr = "owner_id"
    export_filename = "客户资料"
    column_list = ("code", "name", "contact_name", "phones", "category", "source", "created_at", "owner",
                   "last_contact_at", "next_contact_at")
    column_sortable_list = ("code", "name", "last_contact_at", "next_contact_at")
    action_permissions = {"set_category": "edit", "set_source": "edit", "assign": "assign"}

    def get_list_row_actions(self):
        """编辑 per row; 删除 is the bulk action (a delete form on every row costs a third of the page)."""
        return [EditCustomerLink()]

    # Form ---------------------------------------------------------------------------
    def _render_form(self, customer, data, error=None):
        return self.render("admin/customers/form.html", customer=customer, data=data, error=error,
                           can_assign=self.allowed("assign"), now=utcnow(), **choice_lists())

    def _save(self, customer):
        values, custom = customer_values(request.form)
        if customer is None:
            owner = None
            if self.allowed("assign") and request.form.get("owner_id"):
                owner = records.assignable_employee(form_id("owner_id"))
            customer = records.create_customer(values, current_user, owner=owner, custom_values=custom)
        else:
            records.update_customer(customer, values, current_user, custom_values=custom)
        return customer

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        self.require("add")
        data = {}
        if request.method == "POST":
            with committed(flash_error=False) as outcome:
                customer = self._save(None)
                outcome.message = f"客户“{customer.name}”已保存，客户编号 {customer.code}"
            if outcome.failed:
                return self._render_form(None, request.form.to_dict(), outcome.error)
            return self._after_save(customer)
        return self._render_form(None, data)

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        self.require("edit")
        customer = self.get_one(request.args.get("id", ""))
        if request.method == "POST":
            with committed(flash_error=False) as outcome:
                self._save(customer)
                outcome.message = f"客户“{customer.name}”已保存"
            if outcome.failed:
                customer = self.get_one(request.args.get("id", ""))
                return self._render_form(customer, request.form.to_dict(), outcome.error)
            return self._after_save(customer)
        return self._render_form(customer, customer_form_data(customer))

    def _after_save(self, customer):
        if request.form.get("then") == "follow_up":
            return redirect(url_for("follow_up.create_view", customer_id=customer.id))
        return redirect(self.get_url(".index_view"))

    @expose("/regions.json")
    def regions(self):
        response = jsonify(region_tree())
        response.cache_control.max_age = 86400
        return response

    # Delete ---------------------------------------------------------------------------
    def on_model_delete(self, model):
        records.prepare_delete(model)

    # Detail page -------------------------------------------------------------------------
    def visible_customer(self, customer_id):
        customer_id = parse_id(customer_id)
        customer = db.session.get(Customer, customer_id) if customer_id is not None else None
        if customer is None or not can_view(current_user, customer):
            abort(404)
        return customer

    @expose("/details/")
    def details_view(self):
        customer = self.visible_customer(request.args.get("id"))
        tabs = [tab for tab in customer_extensions.detail_tabs() if tab.permission is None or can(tab.permission)]
        follow_ups = db.session.scalars(select(FollowUp).where(FollowUp.customer_id == customer.id)
                                        .order_by(FollowUp.contacted_at.desc(), FollowUp.id.desc()).limit(50)).all()
        documents = db.session.scalars(select(CustomerDocument).where(CustomerDocument.customer_id == customer.id)
                                       .order_by(CustomerDocument.id.desc())).all()
        contacts = db.session.scalars(select(CustomerContact).where(CustomerContact.customer_id == customer.id)
                                      .order_by(CustomerContact.is_primary.desc(), CustomerContact.id)).all()
        fields = custom_fields.all_fields()
        values = custom_fields.values_of(customer.id)
        return self.render(
            "admin/customers/details.html", customer=customer, basic=self.basic_cells(customer, fields, values),
            follow_ups=follow_ups, documents=documents,
            contacts=contacts, history=history_of(customer.id), tabs=tabs,
            tab_contexts={tab.key: tab.context_fn(customer) for tab in tabs},
            manageable=can_manage(current_user, customer), format_local=format_local)

    @staticmethod
    def basic_cells(customer, fields, values):
        """(label, text) pairs of the 客户基本信息 block, figure 4-12 order, registered amounts included."""
        contact = (customer.contact_name or "") + (f"（{customer.gender.label}）" if customer.gender else "")
        birthday = ""
        if customer.birthday:
            birthday = f"{customer.birthday}（{'农历' if customer.is_lunar_birthday else '公历'}）"
        contract = f"{customer.contract_start or ''} ~ {customer.contract_end or ''}" if (
            customer.contract_start or customer.contract_end) else ""
        cells = [
            ("客户编号", customer.code), ("客户名称", customer.name),
            ("客户类别", customer.category.name if customer.category else ""),
            ("主联系人", contact), ("联系电话", customer.phones), ("QQ/旺旺", customer.qq or ""),
        ]
        cells += [(f.label, f"{(f.fn(customer) or 0):.2f}") for f in customer_extensions.summary_fields()]
        cells += [
            ("电子邮件", customer.email or ""), ("传真", customer.fax or ""), ("当前职位", customer.position or ""),
            ("建档客服", f"{customer.creator.real_name if customer.creator else ''} [{format_local(customer.created_at)}]"),
            ("客服专员", customer.owner.real_name if customer.owner else "公共客户池"),
            ("客户来源", customer.source.name if customer.source else ""), ("所属行业", customer.industry or ""),
            ("合同期限", contract), ("出生日期", birthday),
            ("最近一次联系", format_local(customer.last_contact_at, "%Y-%m-%d %H:%M")),
            ("预约联系时间", format_local(customer.next_contact_at, "%Y-%m-%d %H:%M")),
        ]
        cells += [(f.name, values.get(f.id, "")) for f in fields]
        return cells

    @expose("/document-file/<int:file_id>")
    def document_file(self, file_id):
        from flask import send_file

        row = db.session.get(CustomerDocumentFile, file_id)
        if row is None:
            abort(404)
        self.visible_customer(row.document.customer_id)
        return send_file(file_path(row), as_attachment=True, download_name=row.original_name)

    # Bulk actions ------------------------------------------------------------------------
    def _bulk_redirect(self, kind, ids):
        return redirect(self.get_url(".bulk_view", kind=kind, ids=",".join(ids), url=safe_return_url(request.referrer, "")))

    @action("set_category", "批量修改客户类别")
    def action_set_category(self, ids):
        return self._bulk_redirect("category", ids)

    @action("set_source", "批量修改客户来源")
    def action_set_source(self, ids):
        return self._bulk_redirect("source", ids)

    @action("assign", "客户指派")
    def action_assign(self, ids):
        return self._bulk_redirect("assign", ids)

    BULK = {"category": ("edit", "批量修改客户类别", "客户类别"), "source": ("edit", "批量修改客户来源", "客户来源"),
            "assign": ("assign", "客户指派", "客服专员")}

    def bulk_customers(self, ids):
        return [self.get_one(i) for i in ids]

    @expose("/bulk/<kind>", methods=("GET", "POST"))
    def bulk_view(self, kind):
        if kind not in self.BULK:
            abort(404)
        permission, title, label = self.BULK[kind]
        self.require(permission)
        raw = request.values.get("ids", "")
        ids = [str(i) for i in parse_ids(raw)]
        if not ids:
            flash("请先选择客户", "error")
            return redirect(self.get_url(".index_view"))
        customers = self.bulk_customers(ids)
        if request.method == "POST":
            with committed() as outcome:
                target = form_id("target")
                if kind == "category":
                    done = records.set_category(customers, target, current_user)
                elif kind == "source":
                    done = records.set_source(customers, target)
                else:
                    done = records.assign_owner(customers, target, current_user)
                outcome.message = f"已{title.removeprefix('客户')} {done} 个客户"  # 已指派 5 个客户
            if not outcome.failed:
                return redirect(safe_return_url(request.form.get("url"), self.get_url(".index_view")))
        options = {"category": choice_lists()["categories"], "source": choice_lists()["sources"],
                   "assign": choice_lists()["employees"]}[kind]
        return self.render("admin/customers/bulk.html", title=title, label=label, kind=kind, customers=customers,
                           ids=",".join(ids), options=options,
                           back=safe_return_url(request.values.get("url"), self.get_url(".index_view")))
