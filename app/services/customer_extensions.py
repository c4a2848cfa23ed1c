"""Extension points of the customer screens, for modules that come later (orders, quotes, tickets).

Another module registers at import time (e.g. from its admin_views module):

    register_detail_tab("orders", "订单历史", "order.view", "admin/orders/customer_tab.html",
                        lambda customer: {"orders": ...})
    register_summary_field("销售总额", lambda customer: Decimal(...))
    register_quick_view("debt", "有欠款", lambda: Customer.id.in_(select(...)))

The customer detail page shows a registered tab only to users holding its permission, the basic
block shows every summary field, and the customer list offers every quick view.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class DetailTab:
    key: str
    label: str
    permission: str | None  # permission code such as "order.view"; None = everyone who sees the customer
    template: str
    context_fn: Callable[[object], dict]


@dataclass(frozen=True)
class SummaryField:
    label: str
    fn: Callable[[object], Decimal]


@dataclass(frozen=True)
class QuickView:
    key: str
    label: str
    condition_fn: Callable[[], object]


_tabs: dict[str, DetailTab] = {}
_summary: dict[str, SummaryField] = {}
_quick_views: dict[str, QuickView] = {}


def register_detail_tab(key: str, label: str, permission: str | None, template: str,
                        context_fn: Callable[[object], dict]) -> None:
    """Add a tab to the customer detail page; registering the same key again replaces it."""
    _tabs[key] = DetailTab(key, label, permission, template, context_fn)


def register_summary_field(label: str, fn: Callable[[object], Decimal]) -> None:
    """Add an amount to the detail page's basic block (e.g. 销售总额, 欠款总额)."""
    _summary[label] = SummaryField(label, fn)


def register_quick_view(key: str, label: str, condition_fn: Callable[[], object]) -> None:
    """Add a 快捷视图 to the customer list; condition_fn() returns a condition on Customer."""
    _quick_views[key] = QuickView(key, label, condition_fn)


def detail_tabs() -> list[DetailTab]:
    return list(_tabs.values())


def summary_fields() -> list[SummaryField]:
    return list(_summary.values())


def quick_views() -> list[QuickView]:
    return list(_quick_views.values())


def quick_view(key: str) -> QuickView | None:
    return _quick_views.get(key)
