"""订单综合查询 (manual 5.7): every order in scope, one search form, sums row and export."""

from urllib.parse import urlencode

from flask import request, url_for
from flask_admin.contrib.sqla.filters import IntEqualFilter
from flask_login import current_user

from admin_views.base import lazy_options, parse_id
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
from app.extensions import db
from app.services.customers.visibility import can_view
from models.customers import Customer
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

    def chips(self) -> list[dict]:
        """What the list is filtered by, in the user's words, each with the URL that drops it."""
        statuses = dict(STATUS_CHOICES)
        chips = []
        for key, value in request.args.items(multi=True):
            if not key.startswith("flt") or "_" not in key:
                continue
            found = self._filter_args.get(key.split("_", 1)[1])
            if found is None or not found[1].validate(value):
                continue
            flt = found[1]
            if isinstance(flt, StatusFilter):
                text = "、".join(statuses[v] for v in flt.clean(value))
            elif flt.name == "下单客服":
                text = dict(_employee_choices()).get(value, value)
            elif flt.name == "客户ID":
                key_id = parse_id(value)
                customer = db.session.get(Customer, key_id) if key_id is not None else None
                text = customer.name if customer and can_view(current_user, customer) else value  # no name leaks
            elif isinstance(flt, LocalDateBetweenFilter):
                text = value.replace(" to ", " 至 ")
            else:
                text = value.strip()
            rest = [(k, v) for k, v in request.args.items(multi=True) if k not in (key, "page")]
            label = "客户" if flt.name == "客户ID" else flt.name
            chips.append({"label": label, "text": text, "remove": url_for(".index_view") + "?" + urlencode(rest)})
        return chips

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
            kwargs["query_chips"] = self.chips()
            # The form above is the one search tool: no 添加筛选条件 menu, filter rows or search box besides it.
            kwargs.update(filters=None, filter_groups=None, search_supported=False)
        return super().render(template, **kwargs)
