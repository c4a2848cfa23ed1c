"""订单综合查询 (manual 5.7): every order in scope, one search form, sums row and export."""

from flask import request
from flask_admin.contrib.sqla.filters import IntEqualFilter

from admin_views.base import lazy_options
from admin_views.filters import LocalDateBetweenFilter
from admin_views.order_filters import (
    STATUS_CHOICES,
    AmountRangeFilter,
    ContainsFilter,
    PhoneFilter,
    PrefixFilter,
    ProductNameFilter,
    RegionFilter,
    StatusFilter,
    _employee_choices,
)
from admin_views.orders import OrderListView
from models.orders import SalesOrder


class OrderQueryView(OrderListView):
    """订单综合查询 (5.7): every order in scope, detailed filters, sums row and export."""

    title = "订单综合查询"
    returns = None
    deletable = False
    export_filename = "订单综合查询"
    column_list = ("number", "customer", "receiver_name", "payable", "paid", "freight", "debt", "owner",
                   "order_date", "status")
    column_filters = (
        PrefixFilter(SalesOrder.number, "订单编号"),
        PrefixFilter(SalesOrder.receiver_name, "收货人"),
        PhoneFilter(SalesOrder.receiver_mobile, "联系电话"),
        RegionFilter(SalesOrder.receiver_province, "订单区域"),
        IntEqualFilter(SalesOrder.owner_id, "下单客服", options=lazy_options(_employee_choices)),
        LocalDateBetweenFilter(SalesOrder.order_date, "下单时间"),
        AmountRangeFilter(SalesOrder.payable, "金额段"),
        ProductNameFilter(SalesOrder.id, "产品名称"),
        StatusFilter(SalesOrder.status, "订单状态", options=STATUS_CHOICES),
        ContainsFilter(SalesOrder.remark, "订单备注"),
        IntEqualFilter(SalesOrder.customer_id, "客户ID"),
    )
    list_template = "admin/orders/query.html"

    def render(self, template, **kwargs):
        if template == self.list_template:
            fields = {flt.name: self.get_filter_arg(i, flt) for i, flt in enumerate(self._filters)}
            names = {arg: name for name, arg in fields.items()}
            current = {}
            for key, value in request.args.items():
                if key.startswith("flt") and "_" in key and key.split("_", 1)[1] in names:
                    current[names[key.split("_", 1)[1]]] = value
            kwargs["query_fields"], kwargs["query_values"] = fields, current
            kwargs["status_choices"] = STATUS_CHOICES
            kwargs["employees"] = _employee_choices()
        return super().render(template, **kwargs)
