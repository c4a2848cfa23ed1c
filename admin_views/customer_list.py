"""Shared pieces of every customer list: 快捷视图, column labels and formatters, 编辑 link, token search and
keyset paging (CustomerListMixin)."""

from flask import g, request
from flask_admin.model.template import BaseListRowAction
from markupsafe import Markup, escape
from sqlalchemy import select

from admin_views.base import lazy_options, parse_id, row_url
from admin_views.quick_filters import quick_filters
from app.extensions import db
from app.security.permissions import can
from app.services import customer_extensions
from app.services.customers import list_query
from app.services.customers.search import search_condition
from app.timeutil import format_local
from models.accounts import Employee
from models.base_data import CustomerCategory, CustomerSource
from models.customers import Customer


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


def lookup_choices(model):
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
    column_filters = list_query.customer_filters(lookup_choices)  # one definition with the export job's
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
        return list_query.quick_view_condition(request.args.get("qv"))

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

    quick_filter_names = ("客户类别", "客户来源")

    def render(self, template, **kwargs):
        if template == self.list_template:
            kwargs.setdefault("quick_filters", quick_filters(self, self.quick_filter_names))
        kwargs.setdefault("quick_views", customer_extensions.quick_views())
        kwargs.setdefault("list_tabs", self.list_tabs())
        return super().render(template, **kwargs)
