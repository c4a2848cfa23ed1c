"""The list of one document type (orders, quotes): scope, search, local-date filters, a sums row, export,
row buttons drawn from the document's workflow table.

A subclass names the model, its `screen` and `flow` (app/services/workflow.py), the columns summed in the
sums row and its `search_condition(term)`; base_conditions narrows the list (one status, returns only ...).
Every by-id lookup (row buttons, bulk actions, delete) goes through CrmModelView.get_one, which applies the
data scope.
"""

from decimal import Decimal

from flask import g, request, url_for
from markupsafe import Markup, escape
from sqlalchemy import func, select

from admin_views.base import CrmModelView
from admin_views.paging import COUNT_CAP
from admin_views.workflow import WorkflowListMixin
from app.extensions import db
from app.services import money
from app.timeutil import format_local


def yuan(value) -> str:
    return money.yuan(value, "¥", grouped=True)


def money_column(_view, _context, model, name):
    return yuan(getattr(model, name))


def local_column(fmt="%Y-%m-%d %H:%M"):
    return lambda v, c, m, n: format_local(getattr(m, n), fmt)


def customer_url(customer_id: int) -> str | None:
    """The customer detail page when the customer screens are installed."""
    try:
        return url_for("customer.details_view", id=customer_id)
    except Exception:  # noqa: BLE001  (werkzeug BuildError: the customer screens are not registered)
        return None


def customer_link(_view, _context, model, _name):
    url = customer_url(model.customer_id)
    name = escape(model.customer.name)
    return Markup(f'<a href="{escape(url)}">{name}</a>') if url else name


class DocumentListView(WorkflowListMixin, CrmModelView):
    """Base of the order and quote lists."""

    title = "单据列表"
    sum_columns: tuple[str, ...] = ()
    sum_label = "金额汇总"
    add_endpoint: str | None = None
    add_label = ""
    owner_attr = "owner_id"
    list_template = "admin/orders/list.html"
    can_view_details = False
    column_display_actions = True
    deletable = True

    def __init__(self, model, *args, name=None, **kwargs):
        super().__init__(model, *args, name=self.title, **kwargs)

    @property
    def column_export_list(self):
        return self.column_list

    @property
    def can_create(self):
        return False  # documents are added from their own form (add_endpoint)

    @property
    def can_edit(self):
        return False  # editing goes through the document's form, while its workflow allows it

    @property
    def can_delete(self):
        return self.deletable and self.allowed("delete")

    # Query -----------------------------------------------------------------
    def base_conditions(self) -> list:
        return []

    def get_query(self):
        return super().get_query().filter(*self.base_conditions())

    def get_count_query(self):
        return super().get_count_query().filter(*self.base_conditions())

    def search_condition(self, term: str):
        raise NotImplementedError

    def _apply_search(self, query, count_query, joins, count_joins, search):
        for term in search.split():
            query = query.filter(self.search_condition(term))
            if count_query is not None:
                count_query = count_query.filter(self.search_condition(term))
        return query, count_query, joins, count_joins

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        if execute:
            # The sums row first: when it reads every matching document anyway, it counts them too (the
            # pager's total, capped as every list's).
            sums, count = self.sums_and_count(search, filters)
            g.document_list_sums = sums  # per request: the view object is shared
            if count is not None:
                if self.show_list_total and request.endpoint == f"{self.endpoint}.index_view":
                    g.crm_list_total = (min(count, COUNT_CAP), count <= COUNT_CAP)
                self.counted(count, search, sort_column, page or 0, page_size or self.page_size)
        return super().get_list(page, sort_column, sort_desc, search, filters, execute, page_size)

    def counted(self, count: int, search, sort_column, page: int, page_size: int) -> None:
        """Called with the number of matching documents before the page is read."""

    def sums(self, search, filters) -> dict[str, Decimal]:
        return self.sums_and_count(search, filters)[0]

    def sums_and_count(self, search, filters) -> tuple[dict[str, Decimal], int | None]:
        """The sums row of the current search and filters and the number of matching documents, in one
        aggregate."""
        statement = select(func.count(), *[func.coalesce(func.sum(getattr(self.model, c)), 0)
                                           for c in self.sum_columns])
        statement = self._scoped(statement.select_from(self.model).where(*self.base_conditions()))
        for term in (search or "").split():
            statement = statement.where(self.search_condition(term))
        for index, _name, value in filters or ():
            flt = self._filters[index]
            statement = flt.apply(statement, flt.clean(value))
        count, *row = db.session.execute(statement).one()
        return {name: Decimal(value).quantize(Decimal("0.01"))
                for name, value in zip(self.sum_columns, row, strict=True)}, count

    def render(self, template, **kwargs):
        if template == self.list_template:
            kwargs["sums"] = {k: yuan(v) for k, v in g.get("document_list_sums", {}).items()}
            kwargs["sum_label"] = self.sum_label
            kwargs["list_tabs"] = self.list_tabs()
        return super().render(template, **kwargs)

    def list_tabs(self):
        return []
