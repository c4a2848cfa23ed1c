"""库存管理 document lists (manual 12.1-12.3): 待审 / 已审 采购单, 采购退货单 and 盘点单, with filters, export,
row and 批量 通过审核 from the transition table, 编辑 / 付款 links and deletes of pending documents only."""

from flask import abort, flash, redirect, url_for
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, IntEqualFilter
from flask_admin.model.template import BaseListRowAction
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from admin_views.base import CrmModelView, lazy_options
from admin_views.filters import LocalDateBetweenFilter
from admin_views.order_filters import PrefixFilter
from admin_views.transactions import committed
from admin_views.workflow import WorkflowListMixin
from app.extensions import db
from app.security.permissions import can
from app.services.errors import ValidationFailed
from app.services.inventory.documents import delete_documents
from app.services.inventory.flow import APPROVED, PENDING, PURCHASE_FLOW, RETURN_FLOW, STOCKTAKE_FLOW
from app.services.inventory.screens import PURCHASE, PURCHASE_RETURN, STOCKTAKE
from app.timeutil import format_local
from models.base_data import Supplier, Warehouse
from models.inventory import Purchase, PurchaseReturn, Stocktake


def warehouse_options():
    return [(str(w.id), w.name) for w in db.session.scalars(select(Warehouse).order_by(Warehouse.sort_order,
                                                                                         Warehouse.id))]


def _suppliers():
    return [(str(s.id), s.name) for s in db.session.scalars(select(Supplier).order_by(Supplier.name).limit(500))]


class DayBetweenFilter(BaseSQLAFilter):
    """收货日期 从 .. 至 on a Date column ("2026-12-01 to 2026-12-31" as Flask-Admin's range widget sends it)."""

    @staticmethod
    def _days(value: str):
        from datetime import date

        parts = [p.strip() for p in value.split(" to ")]
        try:
            return date.fromisoformat(parts[0]), date.fromisoformat(parts[-1])
        except ValueError:
            return None

    def validate(self, value):
        """A crafted or mistyped range is left out of the query, as Flask-Admin does with its own filters."""
        return self._days(value) is not None

    def clean(self, value):
        days = self._days(value)
        if days is None:
            raise ValidationFailed("日期格式不正确")
        return days

    def apply(self, query, value, alias=None):
        start, end = value
        column = self.get_column(alias)
        return query.filter(column >= start, column <= end)

    def operation(self):
        return "介于"


class DocLink(BaseListRowAction):
    """A GET link to a document page (编辑, 付款, 查看), shown when permission and status allow it."""

    def __init__(self, endpoint, title, permission, visible=None):
        super().__init__(title)
        self.endpoint, self.permission, self.visible = endpoint, permission, visible

    def render(self, context, row_id, row):
        view = context.resolve("admin_view")
        if not view.allowed(self.permission) or (self.visible and not self.visible(row)):
            return ""
        return Markup(f'<a class="btn btn-sm btn-outline-secondary py-0 px-1 ml-1" data-action="{escape(self.title)}" '
                      f'href="{escape(url_for(self.endpoint, doc_id=row_id))}">{escape(self.title)}</a>')


def _number_link(endpoint):
    def formatter(_view, _context, model, _name):
        return Markup(f'<a href="{escape(url_for(endpoint, doc_id=model.id))}">{escape(model.number)}</a>')
    return formatter


def _money(_view, _context, model, name):
    return f"{getattr(model, name):.2f}"


class InventoryListView(WorkflowListMixin, CrmModelView):
    """Base of the six lists: one status, newest first, the 待审 / 已审 tabs and export."""

    list_template = "admin/orders/list.html"
    can_view_details = False
    status = PENDING
    title = ""
    pages = ""  # endpoint of the document's pages view
    tabs: tuple[tuple[str, str], ...] = ()  # (label, list endpoint)
    add_label = "添加"
    column_default_sort = [("id", True)]
    column_sortable_list = ("number",)
    column_searchable_list: tuple = ()
    column_labels = {"number": "单据编号", "supplier": "供应商名称", "warehouse": "仓库", "payable": "应付金额",
                     "paid": "实付金额", "discount": "优惠金额", "debt": "欠款金额", "received_on": "收货日期",
                     "returned_on": "退货日期", "total": "退货总额", "created_by": "录单人", "status": "状态",
                     "approved_at": "审核时间", "started_at": "开始盘点", "remark": "备注"}

    def __init__(self, model, *args, name=None, **kwargs):
        # The pending list is the menu entry (采购进货管理 ...); the approved one is reached by its tab.
        super().__init__(model, *args, name=self.screen.label if self.status == PENDING else self.title, **kwargs)

    @property
    def add_endpoint(self):
        return f"{self.pages}.new" if self.status == PENDING else None

    @property
    def column_export_list(self):
        return self.column_list

    @property
    def can_create(self):
        return False  # the document form is its own page (lines, product picker)

    @property
    def can_edit(self):
        return False

    @property
    def can_delete(self):
        return self.status == PENDING and self.allowed("delete")

    def get_query(self):
        return super().get_query().filter(self.model.status == self.status)

    def get_count_query(self):
        return super().get_count_query().filter(self.model.status == self.status)

    def render(self, template, **kwargs):
        if template == self.list_template:
            kwargs["list_tabs"] = [(label, None if endpoint == self.endpoint else url_for(f"{endpoint}.index_view"))
                                   for label, endpoint in self.tabs]
            if can("print_template.view"):  # the print templates of 采购进货单 / 采购退货单 / 盘点单 (12.1)
                kwargs["list_tabs"].append(("模板管理", url_for("print_template.index_view")))
        return super().render(template, **kwargs)

    @action("delete", "删除", "确定要删除选中的单据吗？只有待审核的单据可以删除，删除后不能恢复。")
    def action_delete(self, ids):
        """删除: pending documents only, each checked by the service; approved ones are refused with the reason."""
        if not self.can_delete:
            abort(403)
        with committed() as outcome:
            deleted, refused = delete_documents(self.flow, ids, current_user)
            outcome.message = f"已删除 {len(deleted)} 个{self.flow.label}" if deleted else None
        if refused:
            flash("；".join(refused[:10]), "error")
        return redirect(self.bulk_return_url())


def _formatters(pages):
    return {"number": _number_link(f"{pages}.detail"), "payable": _money, "paid": _money, "discount": _money,
            "debt": _money, "total": _money,
            "supplier": lambda v, c, m, n: m.supplier.name, "warehouse": lambda v, c, m, n: m.warehouse.name,
            "created_by": lambda v, c, m, n: m.created_by.real_name if m.created_by else "",
            "status": lambda v, c, m, n: m.status.label,
            "approved_at": lambda v, c, m, n: format_local(m.approved_at, "%Y-%m-%d %H:%M"),
            "started_at": lambda v, c, m, n: format_local(m.started_at, "%Y-%m-%d %H:%M")}


# 采购进货 ---------------------------------------------------------------------------------------------------
PURCHASE_TABS = (("已审采购单", "purchase_approved"), ("待审采购单", "purchase"))


class PurchaseListView(InventoryListView):
    screen = PURCHASE
    flow = PURCHASE_FLOW
    pages = "purchase_pages"
    tabs = PURCHASE_TABS
    add_label = "添加采购单"
    column_list = ("number", "supplier", "warehouse", "payable", "paid", "discount", "debt", "received_on",
                   "created_by")
    column_formatters = _formatters("purchase_pages")
    column_formatters_export = {"number": lambda v, c, m, n: m.number, **{k: f for k, f in _formatters("x").items()
                                                                            if k != "number"}}
    column_filters = (PrefixFilter(Purchase.number, "采购单号"),
                      IntEqualFilter(Purchase.supplier_id, "供应商", options=lazy_options(_suppliers)),
                      IntEqualFilter(Purchase.warehouse_id, "收货仓库", options=lazy_options(warehouse_options)),
                      DayBetweenFilter(Purchase.received_on, "收货日期"))


class PendingPurchaseView(PurchaseListView):
    title = "待审采购单"
    export_filename = "待审采购单"
    row_steps = bulk_steps = ("approve",)
    page_row_actions = (DocLink("purchase_pages.edit", "编辑", "edit"),)


class ApprovedPurchaseView(PurchaseListView):
    title = "已审采购单"
    export_filename = "已审采购单"
    status = APPROVED
    page_row_actions = (DocLink("purchase_pages.pay", "付款", "pay", lambda row: PURCHASE_FLOW.allows("pay", row)),
                        DocLink("purchase_pages.print_view", "打印", "print"))

    def is_visible(self):
        return False  # reached through the 已审采购单 tab


# 采购退货 ---------------------------------------------------------------------------------------------------
RETURN_TABS = (("已审采购退货单", "purchase_return_approved"), ("待审采购退货单", "purchase_return"))


class ReturnListView(InventoryListView):
    screen = PURCHASE_RETURN
    flow = RETURN_FLOW
    pages = "purchase_return_pages"
    tabs = RETURN_TABS
    add_label = "添加采购退货单"
    column_list = ("number", "supplier", "warehouse", "total", "returned_on", "created_by")
    column_labels = {**InventoryListView.column_labels, "warehouse": "退货仓库"}
    column_formatters = _formatters("purchase_return_pages")
    column_formatters_export = {"number": lambda v, c, m, n: m.number, **{k: f for k, f in _formatters("x").items()
                                                                            if k != "number"}}
    column_filters = (PrefixFilter(PurchaseReturn.number, "退货单号"),
                      IntEqualFilter(PurchaseReturn.supplier_id, "供应商", options=lazy_options(_suppliers)),
                      IntEqualFilter(PurchaseReturn.warehouse_id, "退货仓库", options=lazy_options(warehouse_options)),
                      DayBetweenFilter(PurchaseReturn.returned_on, "退货日期"))


class PendingReturnView(ReturnListView):
    title = "待审采购退货单"
    export_filename = "待审采购退货单"
    row_steps = bulk_steps = ("approve",)
    page_row_actions = (DocLink("purchase_return_pages.edit", "编辑", "edit"),)


class ApprovedReturnView(ReturnListView):
    title = "已审采购退货单"
    export_filename = "已审采购退货单"
    status = APPROVED
    page_row_actions = (DocLink("purchase_return_pages.print_view", "打印", "print"),)

    def is_visible(self):
        return False


# 库存盘点 ---------------------------------------------------------------------------------------------------
STOCKTAKE_TABS = (("已审盘点单", "stocktake_approved"), ("待审盘点单", "stocktake"))


class StocktakeListView(InventoryListView):
    screen = STOCKTAKE
    flow = STOCKTAKE_FLOW
    pages = "stocktake_pages"
    tabs = STOCKTAKE_TABS
    add_label = "添加盘点单"
    column_list = ("number", "warehouse", "started_at", "created_by", "approved_at", "remark")
    column_labels = {**InventoryListView.column_labels, "number": "盘点单号", "warehouse": "盘点仓库"}
    column_formatters = _formatters("stocktake_pages")
    column_formatters_export = {"number": lambda v, c, m, n: m.number, **{k: f for k, f in _formatters("x").items()
                                                                            if k != "number"}}
    column_filters = (PrefixFilter(Stocktake.number, "盘点单号"),
                      IntEqualFilter(Stocktake.warehouse_id, "盘点仓库", options=lazy_options(warehouse_options)),
                      LocalDateBetweenFilter(Stocktake.started_at, "盘点日期"))


class PendingStocktakeView(StocktakeListView):
    title = "待审盘点单"
    export_filename = "待审盘点单"
    row_steps = bulk_steps = ("approve",)
    page_row_actions = (DocLink("stocktake_pages.edit", "编辑", "edit"),)


class ApprovedStocktakeView(StocktakeListView):
    title = "已审盘点单"
    export_filename = "已审盘点单"
    status = APPROVED
    page_row_actions = (DocLink("stocktake_pages.print_view", "打印", "print"),)

    def is_visible(self):
        return False
