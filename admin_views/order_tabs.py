"""订单列表 | 订单打印 | 模板管理: the tabs above the 正在配货 and 已经发货 lists and the 订单打印 screen (figure 5-6).

Kept free of the order views' imports so that the lists can use it too.
"""

from flask import url_for

from app.security.permissions import can
from models.orders import OrderStatus

LIST_ENDPOINTS = {OrderStatus.PICKING: "order_picking", OrderStatus.SHIPPED: "order_shipped"}


def order_tabs(active: str, status: OrderStatus | None = None) -> list[tuple[str, str | None]]:
    """(label, url) per tab, url None for the active one ("list", "print" or "templates"); status picks which list
    订单列表 leads to and which orders 订单打印 opens with (正在配货 unless 已经发货 or 交易完成)."""
    shipped = status in (OrderStatus.SHIPPED, OrderStatus.COMPLETED)
    list_url = url_for(f"{LIST_ENDPOINTS[OrderStatus.SHIPPED if shipped else OrderStatus.PICKING]}.index_view")
    tabs = [("订单列表", None if active == "list" else list_url)]
    if can("order.print"):
        print_status = status.value if status else None
        tabs.append(("订单打印", None if active == "print" else url_for("order_print.index", status=print_status)))
    if can("print_template.view"):
        tabs.append(("模板管理", None if active == "templates" else url_for("print_template.index_view")))
    return tabs
