"""Local-time date filters on UTC columns: a record created at 07:30 Shanghai time on 2026-12-01
(23:30 UTC the day before) belongs to 2026-12-01 in every list's date filter."""

from datetime import datetime

import pytest

from admin_views.filters import LocalDateBetweenFilter
from app.extensions import db as _db
from app.services.customer_demo import make_customer
from app.services.customers.followups import add_follow_up
from models.accounts import LoginLog
from tests.helpers import admin
from tests.security.conftest import secure_login

UTC_MOMENT = datetime(2026, 11, 30, 23, 30)  # 2026-12-01 07:30 in Asia/Shanghai


def _filter_key(app, endpoint, column, kind=LocalDateBetweenFilter):
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == endpoint)
    for key, (_idx, flt) in view._filter_args.items():
        if type(flt) is kind and flt.column is column:
            return key
    raise AssertionError(f"{endpoint} has no local date filter on {column}")


@pytest.fixture()
def records(db):
    customer = make_customer(admin(), name="清晨建档的客户")
    customer.created_at = UTC_MOMENT
    note = add_follow_up(customer, {"content": "清晨的回访", "contacted_at": UTC_MOMENT}, admin())
    _db.session.add(LoginLog(username="early-bird", ip="127.0.0.1", success=False, reason="测试",
                             created_at=UTC_MOMENT))
    _db.session.commit()
    return customer, note


@pytest.mark.parametrize(("endpoint", "url", "column_name", "marker"), [
    ("customer", "/customer/", "created_at", "清晨建档的客户"),
    ("follow_up", "/follow-up/", "contacted_at", "清晨的回访"),
    ("login_log", "/login-log/", "created_at", "early-bird"),
])
def test_a_local_day_finds_what_was_created_in_it(app, client, records, endpoint, url, column_name, marker):
    from models.accounts import LoginLog as Log
    from models.customers import Customer, FollowUp

    column = getattr({"customer": Customer, "follow_up": FollowUp, "login_log": Log}[endpoint], column_name)
    key = _filter_key(app, endpoint, column)
    secure_login(client)
    found = client.get(url, query_string={f"flt0_{key}": "2026-12-01 to 2026-12-01"}).get_data(as_text=True)
    assert marker in found
    missed = client.get(url, query_string={f"flt0_{key}": "2026-11-30 to 2026-11-30"}).get_data(as_text=True)
    assert marker not in missed


def test_equal_before_and_after_use_local_days(app, client, records):
    from admin_views.filters import LocalDateAfterFilter, LocalDateBeforeFilter, LocalDateEqualFilter
    from models.customers import Customer

    secure_login(client)
    expectations = [(LocalDateEqualFilter, "2026-12-01", True), (LocalDateEqualFilter, "2026-11-30", False),
                    (LocalDateBeforeFilter, "2026-12-02", True), (LocalDateBeforeFilter, "2026-12-01", False),
                    (LocalDateAfterFilter, "2026-11-30", True), (LocalDateAfterFilter, "2026-12-01", False)]
    for kind, day, shown in expectations:
        key = _filter_key(app, "customer", Customer.created_at, kind)
        page = client.get("/customer/", query_string={f"flt0_{key}": day}).get_data(as_text=True)
        assert ("清晨建档的客户" in page) is shown, (kind.__name__, day)


def test_calendar_ends_do_not_overflow(app, client, records):
    from models.customers import Customer

    secure_login(client)
    key = _filter_key(app, "customer", Customer.created_at)
    response = client.get("/customer/", query_string={f"flt0_{key}": "0001-01-01 to 9999-12-31"})
    assert response.status_code == 200 and "清晨建档的客户" in response.get_data(as_text=True)
