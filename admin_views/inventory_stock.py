"""当前库存查询 (12.4, fig. 12-25) and 库存流水查询 (12.5, fig. 12-26): read-only lists with search by product code,
name, pinyin initials or spec, filters, a totals row (当前库存), document links (库存流水), and export."""

from decimal import Decimal

from flask import g, url_for
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual, IntEqualFilter
from markupsafe import Markup, escape
from sqlalchemy import func, select

from admin_views.base import CrmModelView, lazy_options
from admin_views.filters import LocalDateBetweenFilter
from admin_views.inventory_lists import warehouse_options
from app.extensions import db
from app.services.inventory.screens import STOCK
from app.services.products import search_condition
from app.timeutil import format_local
from models.inventory import MOVEMENT_LABELS, StockBalance, StockMovement
from models.products import Product

DOC_PAGES = {"purchase": ("purchase_pages.detail", "doc_id"), "purchase_return": ("purchase_return_pages.detail", "doc_id"),
             "stocktake": ("stocktake_pages.detail", "doc_id"), "order": ("order.detail", "order_id")}


def _quantity(value: Decimal) -> Markup | str:
    text = f"{value:.2f}"
    return Markup(f'<span class="text-danger crm-negative">{text}</span>') if value < 0 else text


MATCHED_IDS_LIMIT = 2000


def _product_ids(term: str):
    """The products a search term matches, looked up once per request.

    The search is a LIKE over 100,000 products; the list, its capped count and the 合计 row each used it as a
    subquery, so each scanned the products again (three scans per request). Up to MATCHED_IDS_LIMIT ids are
    passed on as a list; a term matching more stays a subquery.
    """
    cache = g.setdefault("stock_search_ids", {})
    if term not in cache:
        condition = select(Product.id).where(search_condition(term))
        ids = list(db.session.scalars(condition.order_by(None).limit(MATCHED_IDS_LIMIT + 1)))
        cache[term] = ids if len(ids) <= MATCHED_IDS_LIMIT else condition
    return cache[term]


class ProductCodeFilter(BaseSQLAFilter):
    """产品编号 精确匹配 (12.5): the code exactly, served by the products' unique index.

    Declared on the text column Product.code (so the value is checked as text), applied to `target`.
    """

    def __init__(self, target, name):
        super().__init__(Product.code, name)
        self.target = target

    def apply(self, query, value, alias=None):
        value = value.strip()
        return query.filter(self.target.in_(select(Product.id).where(Product.code == value)))

    def operation(self):
        return "等于"


class StockSearchMixin:
    """The search box: product 编号/名称/拼音简码/规格 (fuzzy), each word narrowing the result."""

    column_searchable_list = ("product.name",)  # shows the box; the search itself is below

    def _apply_search(self, query, count_query, joins, count_joins, search):
        for term in search.split()[:3]:
            query = query.filter(self.model.product_id.in_(_product_ids(term)))
            if count_query is not None:
                count_query = count_query.filter(self.model.product_id.in_(_product_ids(term)))
        return query, count_query, joins, count_joins

    def search_placeholder(self):
        return "产品编号/名称/拼音简码/产品规格"


def _product_cell(name):
    return lambda v, c, m, n: getattr(m.product, name) or ""


PRODUCT_LABELS = {"warehouse": "仓库名称", "code": "产品编号", "product": "产品名称", "spec": "产品规格", "unit": "单位"}
PRODUCT_FORMATTERS = {"warehouse": lambda v, c, m, n: m.warehouse.name, "code": _product_cell("code"),
                      "product": _product_cell("name"), "spec": _product_cell("spec"), "unit": _product_cell("unit")}


class StockQueryScreen:
    """当前库存查询 and 库存流水查询: read-only lists titled by the view, exporting the columns shown."""

    can_create = can_edit = can_delete = False

    def __init__(self, model, *args, name=None, **kwargs):
        super().__init__(model, *args, name=self.title, **kwargs)

    @property
    def column_export_list(self):
        return self.column_list


class StockBalanceView(StockQueryScreen, StockSearchMixin, CrmModelView):
    screen = STOCK
    title = "当前库存查询"
    list_template = "admin/orders/list.html"
    can_view_details = False
    export_filename = "当前库存"
    column_list = ("warehouse", "code", "product", "spec", "unit", "quantity", "average_cost", "value")
    column_labels = {**PRODUCT_LABELS, "quantity": "当前库存", "average_cost": "库存均价", "value": "库存总额"}
    column_sortable_list = ("quantity", "value")
    column_default_sort = [("id", False)]
    column_formatters = {**PRODUCT_FORMATTERS, "quantity": lambda v, c, m, n: _quantity(m.quantity),
                         "average_cost": lambda v, c, m, n: f"{m.average_cost:.4f}",
                         "value": lambda v, c, m, n: _quantity(m.value)}
    column_formatters_export = {**PRODUCT_FORMATTERS, "quantity": lambda v, c, m, n: m.quantity,
                                "average_cost": lambda v, c, m, n: m.average_cost, "value": lambda v, c, m, n: m.value}
    column_filters = (IntEqualFilter(StockBalance.warehouse_id, "仓库", options=lazy_options(warehouse_options)),
                      ProductCodeFilter(StockBalance.product_id, "产品编号"))


    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        result = super().get_list(page, sort_column, sort_desc, search, filters, execute, page_size)
        if execute:
            _count, query = super().get_list(0, None, False, search, filters, execute=False, page_size=0)
            quantity, value = query.order_by(None).with_entities(func.coalesce(func.sum(StockBalance.quantity), 0),
                                                                 func.coalesce(func.sum(StockBalance.value), 0)).one()
            g.stock_sums = (Decimal(quantity), Decimal(value))
        return result

    def render(self, template, **kwargs):
        if template == self.list_template:
            quantity, value = g.get("stock_sums", (Decimal("0"), Decimal("0")))
            kwargs["sums"] = {"quantity": _quantity(quantity), "value": _quantity(value)}
            kwargs["sum_label"] = "合计"
            kwargs["list_tabs"] = []
        return super().render(template, **kwargs)


def _doc_link(_view, _context, model, _name):
    endpoint, arg = DOC_PAGES.get(model.doc_type, (None, None))
    if endpoint is None:
        return model.doc_number
    return Markup(f'<a href="{escape(url_for(endpoint, **{arg: model.doc_id}))}">{escape(model.doc_number)}</a>')


class StockMovementView(StockQueryScreen, StockSearchMixin, CrmModelView):
    screen = STOCK
    title = "库存流水查询"
    list_template = "admin/orders/list.html"
    can_view_details = False
    export_filename = "库存流水"
    column_list = ("created_at", "kind", "warehouse", "code", "product", "spec", "unit", "quantity_in",
                   "quantity_out", "balance_after", "unit_cost", "doc_number")
    column_labels = {**PRODUCT_LABELS, "created_at": "操作日期", "kind": "业务类型", "quantity_in": "入库数量",
                     "quantity_out": "出库数量", "balance_after": "结存数量", "unit_cost": "成本单价", "doc_number": "单据编号"}
    column_sortable_list = ("created_at",)
    column_default_sort = [("created_at", True), ("id", True)]
    column_formatters = {**PRODUCT_FORMATTERS, "created_at": lambda v, c, m, n: format_local(m.created_at, "%Y-%m-%d %H:%M"),
                         "kind": lambda v, c, m, n: m.kind.label, "quantity_in": lambda v, c, m, n: f"{m.quantity_in:.2f}",
                         "quantity_out": lambda v, c, m, n: f"{m.quantity_out:.2f}",
                         "balance_after": lambda v, c, m, n: _quantity(m.balance_after),
                         "unit_cost": lambda v, c, m, n: f"{m.unit_cost:.4f}", "doc_number": _doc_link}
    column_formatters_export = {**PRODUCT_FORMATTERS, "kind": lambda v, c, m, n: m.kind.label,
                                "created_at": lambda v, c, m, n: format_local(m.created_at, "%Y-%m-%d %H:%M"),
                                "doc_number": lambda v, c, m, n: m.doc_number}
    column_filters = (IntEqualFilter(StockMovement.warehouse_id, "仓库", options=lazy_options(warehouse_options)),
                      FilterEqual(StockMovement.kind, "业务类型", options=[(k.value, label) for k, label in
                                                                       MOVEMENT_LABELS.items()]),
                      ProductCodeFilter(StockMovement.product_id, "产品编号"),
                      LocalDateBetweenFilter(StockMovement.created_at, "操作日期"))


    def render(self, template, **kwargs):
        if template == self.list_template:
            kwargs["list_tabs"] = []
        return super().render(template, **kwargs)
