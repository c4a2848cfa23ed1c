"""客户资料管理's list query as a service: data scope, 快捷视图, 万能检索, filters and sort, read from the list's
own query string. The list (through Flask-Admin), its 导出Excel and the export job all read the definitions
below, so a job selects exactly the rows the list showed, from the user's id and the URL's arguments alone.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from flask_admin.contrib.sqla.filters import FilterEqual, IntEqualFilter
from sqlalchemy import Select, or_, select
from werkzeug.datastructures import MultiDict

from app.security.scope import apply_scope
from app.services import customer_extensions
from app.services.customers.search import search_condition
from app.services.list_filters import (
    LocalDateBetweenFilter,
    apply_filters,
    chosen_filters,
    local_date_filters,
)
from app.timeutil import local_to_utc, local_today
from models.accounts import Employee
from models.base import utcnow
from models.base_data import CustomerCategory, CustomerSource
from models.customers import Customer

SCOPE_MODULE = "customer"
MAX_SEARCH = 200  # what the list's search box keeps (admin_views.input.SafeListArgsMixin)
# The list's columns in display order: `?sort=N` names the N-th of them, as in Flask-Admin.
LIST_COLUMNS = ("code", "name", "contact_name", "phones", "category", "source", "created_at", "owner",
                "last_contact_at", "next_contact_at")
SORTABLE = {"code": Customer.code, "name": Customer.name, "last_contact_at": Customer.last_contact_at,
            "next_contact_at": Customer.next_contact_at}


def customer_filters(choices: Callable | None = None) -> tuple:
    """The filters of every customer list, in URL order (`flt0_<index>` names the index).

    choices(model) gives a lookup filter its dropdown (the view passes its cached lookups); without it the
    filters only read values, which is all a job needs."""
    options = choices or (lambda model: None)
    return (
        IntEqualFilter(Customer.category_id, "客户类别", options=options(CustomerCategory)),
        IntEqualFilter(Customer.source_id, "客户来源", options=options(CustomerSource)),
        IntEqualFilter(Customer.owner_id, "客服专员", options=options(Employee)),
        FilterEqual(Customer.province, "省份"),
        FilterEqual(Customer.city, "城市"),
        LocalDateBetweenFilter(Customer.created_at, "建档时间"),
        LocalDateBetweenFilter(Customer.last_contact_at, "最近一次联系"),
        *local_date_filters(Customer.created_at, "建档时间")[1:],
    )


FILTERS = customer_filters()


# 快捷视图 (manual 4.1) ------------------------------------------------------------------------------------

def _day_start_utc(day):
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


def quick_view_condition(key: str | None):
    view = customer_extensions.quick_view(key or "")
    return view.condition_fn() if view else None


def clean_search(text: str | None) -> str | None:
    return (text or "")[:MAX_SEARCH].strip() or None


# The query ---------------------------------------------------------------------------------------------

def _order(args: MultiDict) -> tuple:
    sort = args.get("sort", "")
    if sort.isascii() and sort.isdigit() and int(sort) < len(LIST_COLUMNS) and LIST_COLUMNS[int(sort)] in SORTABLE:
        column = SORTABLE[LIST_COLUMNS[int(sort)]]
        return (column.desc() if args.get("desc") == "1" else column,)
    return (Customer.id.desc(),)  # the list's default sort


def list_select(user, args, base_condition=None) -> Select:
    """select(Customer) of the rows the list shows `user` for these query-string arguments (every page, in
    the list's order): data scope, the list's own condition, ?qv= 快捷视图, ?search= 万能检索, flt filters, sort.

    args is the list's query string as a mapping (request.args, or its to_dict(flat=False) kept by a job).
    """
    args = args if isinstance(args, MultiDict) else MultiDict(args)
    query = apply_scope(select(Customer), Customer.owner_id, user, SCOPE_MODULE)
    search = clean_search(args.get("search"))
    conditions = (base_condition, quick_view_condition(args.get("qv")), search_condition(search) if search else None)
    for condition in conditions:
        if condition is not None:
            query = query.where(condition)
    query = apply_filters(query, FILTERS, chosen_filters(FILTERS, args))
    return query.order_by(*_order(args))
