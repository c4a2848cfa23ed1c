"""订单管理 lists (manual 5.1-5.7): one list per status, 退货订单管理, 订单综合查询, each with a sums row.

The lists are configuration; every change goes through app.services.orders (workflow, payments ...).
Order pages (detail, form, 物流, 回款, print) live in admin_views/orders_pages.py, the filters in
admin_views/order_filters.py and 订单综合查询 in admin_views/orders_query.py.
"""

from decimal import Decimal

from flask import abort, g, redirect, url_for
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import IntEqualFilter
from flask_login import current_user
from markupsafe import Markup, escape

from admin_views import orders_customer  # noqa: F401  (registers the customer tabs)
from admin_views.base import lazy_options
from admin_views.document_list import DocumentListView, customer_link, local_column, money_column
from admin_views.filters import LocalDateBetweenFilter
from admin_views.order_filters import StatusFilter, _logistics_choices
from admin_views.order_tabs import order_tabs
from admin_views.row_actions import PageRowAction
from app.security.scope import visible_owner_ids
from app.services.orders import orders as order_service
from app.services.orders import search as order_search
from app.services.orders import sums as order_sums
from app.services.orders.screens import ORDER
from app.services.orders.workflow import ORDER_FLOW
from models.orders import OrderStatus, SalesOrder


def _number_link(_view, _context, model, _name):
    return Markup(f'<a href="{escape(url_for("order.detail", order_id=model.id))}">{escape(model.number)}</a>')


def _allows(capability):
    return lambda row: ORDER_FLOW.allows(capability, row)


EDIT = PageRowAction("order.edit", "编辑", "edit", id_arg="order_id", visible=_allows("edit"))
LOGISTICS = PageRowAction("order.logistics", "物流", "ship", id_arg="order_id", visible=_allows("logistics"))
PAY = PageRowAction("order.payment", "回款", "pay", id_arg="order_id", visible=_allows("pay"))
PAYMENTS = PageRowAction("order.payment_records", "回款记录", "view", id_arg="order_id")


class OrderListView(DocumentListView):
    """Base of every order list: statuses, the order search, daily-bucket sums, bulk print."""

    screen = ORDER
    flow = ORDER_FLOW
    title = "订单列表"
    statuses: tuple[OrderStatus, ...] | None = None  # None: every status
    returns: bool | None = False  # None: sales orders and returns
    scope_module = "order"
    sum_columns = ("payable", "paid", "freight", "debt")
    export_filename = "订单"
    column_list = ("number", "customer", "receiver_name", "payable", "paid", "freight", "debt", "order_date", "owner")
    column_labels = {
        "number": "订单号", "customer": "客户名称", "receiver_name": "收货人", "payable": "应付金额",
        "paid": "实付金额", "freight": "运费", "debt": "欠款金额", "order_date": "下单日期", "owner": "下单客服",
        "logistics_company": "物流公司", "tracking_number": "物流单号", "shipped_by": "发货客服",
        "shipped_at": "发货日期", "completed_at": "完成日期", "cancelled_by": "取消人", "cancelled_at": "取消时间",
        "status": "订单状态", "original_order": "原订单", "receiver_mobile": "手机", "remark": "备注",
    }
    column_sortable_list = ("number", "order_date", "payable", "debt")
    column_default_sort = [("order_date", True), ("id", True)]
    column_searchable_list = ("number", "receiver_name")
    column_formatters = {
        "number": _number_link, "customer": customer_link, "payable": money_column, "paid": money_column,
        "freight": money_column, "debt": money_column, "order_date": local_column(), "shipped_at": local_column(),
        "completed_at": local_column(), "cancelled_at": local_column(), "owner": lambda v, c, m, n: m.owner.real_name,
        "status": lambda v, c, m, n: ("退货·" if m.is_return else "") + m.status_label,
        "shipped_by": lambda v, c, m, n: m.shipped_by.real_name if m.shipped_by else "",
        "cancelled_by": lambda v, c, m, n: m.cancelled_by.real_name if m.cancelled_by else "",
        "logistics_company": lambda v, c, m, n: m.logistics_company.name if m.logistics_company else "",
        "original_order": lambda v, c, m, n: m.original_order.number if m.original_order else "",
    }
    column_formatters_export = {
        "customer": lambda v, c, m, n: m.customer.name, "owner": lambda v, c, m, n: m.owner.real_name,
        "status": lambda v, c, m, n: ("退货·" if m.is_return else "") + m.status_label,
        "shipped_by": lambda v, c, m, n: m.shipped_by.real_name if m.shipped_by else "",
        "cancelled_by": lambda v, c, m, n: m.cancelled_by.real_name if m.cancelled_by else "",
        "logistics_company": lambda v, c, m, n: m.logistics_company.name if m.logistics_company else "",
        "original_order": lambda v, c, m, n: m.original_order.number if m.original_order else "",
    }
    column_filters = (LocalDateBetweenFilter(SalesOrder.order_date, "下单日期"),)
    page_row_actions = (PAYMENTS,)
    action_permissions = {"print": "print"}
    sum_label = "订单金额汇总"
    add_endpoint: str | None = "order.new"
    add_label = "添加订单"

    # Query -----------------------------------------------------------------
    def base_conditions(self):
        conditions = []
        if self.statuses is not None:
            conditions.append(SalesOrder.status.in_(self.statuses))
        if self.returns is not None:
            conditions.append(SalesOrder.is_return.is_(self.returns))
        return conditions

    def search_condition(self, term: str, newest_first_scan: bool = False):
        """订单号 starting with the term or 收货人 containing it (the order search index)."""
        return order_search.search_condition(term, newest_first_scan)

    def _apply_search(self, query, count_query, joins, count_joins, search):
        scan = g.get("order_search_scan", False)
        for term in search.split():
            query = query.filter(self.search_condition(term, scan))
            if count_query is not None:
                count_query = count_query.filter(self.search_condition(term))
        return query, count_query, joins, count_joins

    def counted(self, count, search, sort_column, page, page_size):
        if search and sort_column is None:  # is the page found sooner reading newest first?
            g.order_search_scan = self.scan_newest_first(count, page, page_size)

    @staticmethod
    def scan_newest_first(matches: int, page: int, page_size: int) -> bool:
        """Reading newest first stops after about (page + 1) x page_size x orders / matches rows; fetching and
        sorting every match costs about `matches` lookups: the cheaper one wins."""
        return (page + 1) * page_size * order_search.highest_order_id() < matches * matches

    def sums_and_count(self, search, filters) -> tuple[dict[str, Decimal], int | None]:
        """订单金额汇总 of the current filter: daily buckets when they can answer it (no count then), else one
        aggregate that counts the matching orders as well."""
        fast = self.bucket_sums(search, filters)
        if fast is not None:
            return fast, None
        return super().sums_and_count(search, filters)

    def bucket_sums(self, search, filters) -> dict[str, Decimal] | None:
        """Only statuses and whole 下单日期 days, for a user who sees every order: read OrderDailySum."""
        if search or visible_owner_ids(current_user, self.scope_module) is not None:
            return None
        statuses, returns, day_from, day_to = self.statuses, self.returns, None, None
        for index, _name, value in filters or ():
            flt = self._filters[index]
            if isinstance(flt, LocalDateBetweenFilter) and flt.column is SalesOrder.order_date:
                start, end = flt.clean(value)
                day_from = max(day_from, start) if day_from else start
                day_to = min(day_to, end) if day_to else end
            elif isinstance(flt, StatusFilter) and statuses is None and returns is None:
                chosen = flt.clean(value)
                if chosen == ["return"]:
                    returns = True
                elif "return" in chosen:
                    return None
                else:
                    statuses, returns = tuple(OrderStatus(v) for v in chosen), False
            else:
                return None
        return order_sums.bucket_sums(statuses, returns, day_from, day_to)

    # Delete and transitions --------------------------------------------------
    def on_model_delete(self, model):
        order_service.before_delete(model, current_user)

    print_kind: str | None = None  # 配货单 or 发货单 for the bulk 打印 action

    @action("print", "打印", None)
    def action_print(self, ids):
        if not self.print_kind:
            abort(404)
        scoped = [self.get_one(i).id for i in ids][:100]
        return redirect(url_for("order.print_many", id=scoped, kind=self.print_kind))

    def is_action_allowed(self, name):
        if name == "print" and not self.print_kind:
            return False
        return super().is_action_allowed(name)


class PendingOrderView(OrderListView):
    title = "等待审核订单"
    statuses = (OrderStatus.PENDING,)
    export_filename = "等待审核订单"
    page_row_actions = (EDIT, PAY, PAYMENTS)
    row_steps = bulk_steps = ("approve",)


class PickingOrderView(OrderListView):
    title = "正在配货订单"
    statuses = (OrderStatus.PICKING,)
    export_filename = "正在配货订单"
    column_list = ("number", "customer", "receiver_name", "payable", "paid", "freight", "debt", "owner",
                   "order_date", "logistics_company", "tracking_number")
    column_filters = (IntEqualFilter(SalesOrder.logistics_company_id, "物流公司", options=lazy_options(_logistics_choices)),
                      LocalDateBetweenFilter(SalesOrder.order_date, "下单日期"))
    page_row_actions = (LOGISTICS, PAY, PAYMENTS)
    row_steps = bulk_steps = ("ship",)
    print_kind = "picking"

    def list_tabs(self):
        return order_tabs("list", OrderStatus.PICKING)


class ShippedOrderView(OrderListView):
    title = "已经发货订单"
    statuses = (OrderStatus.SHIPPED,)
    export_filename = "已经发货订单"
    deletable = False  # 5.3: shipped orders may be paid, exported, completed or printed, not deleted
    column_list = ("number", "customer", "receiver_name", "payable", "paid", "freight", "debt", "shipped_by",
                   "shipped_at", "logistics_company", "tracking_number")
    column_filters = (IntEqualFilter(SalesOrder.logistics_company_id, "物流公司", options=lazy_options(_logistics_choices)),
                      LocalDateBetweenFilter(SalesOrder.order_date, "下单日期"),
                      LocalDateBetweenFilter(SalesOrder.shipped_at, "发货日期"))
    page_row_actions = (PAY, PAYMENTS)
    row_steps = bulk_steps = ("complete",)
    print_kind = "shipping"

    def list_tabs(self):
        return order_tabs("list", OrderStatus.SHIPPED)


class CompletedOrderView(OrderListView):
    title = "交易完成订单"
    statuses = (OrderStatus.COMPLETED,)
    export_filename = "交易完成订单"
    column_list = ("number", "customer", "receiver_name", "payable", "paid", "freight", "debt", "order_date", "owner",
                   "completed_at")
    page_row_actions = (PAY, PAYMENTS)
    print_kind = "shipping"


class ReturnOrderView(OrderListView):
    title = "退货订单管理"
    add_endpoint = "order.new_return"
    add_label = "添加退货单"
    returns = True
    export_filename = "退货订单"
    column_list = ("number", "customer", "receiver_name", "payable", "paid", "freight", "debt", "order_date", "owner",
                   "original_order", "status")
    column_filters = (LocalDateBetweenFilter(SalesOrder.order_date, "下单日期"),)
    page_row_actions = (EDIT, PAYMENTS)
    row_steps = ("approve", "ship", "complete", "cancel")
    bulk_steps = ("approve", "ship", "complete")


class CancelledOrderView(OrderListView):
    title = "取消订单管理"
    statuses = (OrderStatus.CANCELLED,)
    export_filename = "取消订单"
    column_list = ("number", "customer", "receiver_name", "payable", "paid", "freight", "debt", "order_date", "owner",
                   "cancelled_by", "cancelled_at")
    page_row_actions = (PAYMENTS,)
