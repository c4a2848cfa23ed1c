"""联系记录 of a 经理 (a team of 联系客服): the same rows, newest first, whether the page is read from the
(employee_id, contacted_at) index or, for a big team list (10,000+), newest first over every follow-up."""

import re
from datetime import timedelta

import pytest

from admin_views import paging
from models.base import utcnow
from models.customers import FollowUp, FollowUpKind
from tests.helpers import PASSWORD, admin, login, make_employee, make_role
from tests.order_factories import make_customer

PERMISSIONS = ["customer.view", "follow_up.view"]


@pytest.fixture
def team(db):
    manager_role = make_role("测试经理", PERMISSIONS, scopes={"customer": "subordinates"})
    rep_role = make_role("测试销售员", PERMISSIONS, parent=manager_role, scopes={"customer": "self"})
    manager = make_employee("manager1", role=manager_role)
    reps = [make_employee(f"rep{n}", role=rep_role) for n in range(2)]
    outsider = make_employee("outsider", role=make_role("其他部门", PERMISSIONS, scopes={"customer": "self"}))
    customer = make_customer(name="成都蜀锦贸易有限公司", owner=admin())
    now = utcnow()
    for n, employee in enumerate([reps[0], outsider, reps[1], manager, outsider, reps[0]] * 4):
        db.session.add(FollowUp(customer_id=customer.id, employee_id=employee.id, kind=FollowUpKind.REVISIT,
                                contacted_at=now - timedelta(hours=n), content=f"回访{n:02d}"))
    db.session.commit()
    return manager


def contents(html):
    return re.findall(r"回访\d\d", html)


def test_the_team_sees_its_follow_ups_newest_first_either_way(client, team, monkeypatch):
    login(client, "manager1", PASSWORD)
    indexed = client.get("/follow-up/").get_data(as_text=True)
    expected = [f"回访{n:02d}" for n in range(24) if n % 6 not in (1, 4)]
    assert contents(indexed) == expected and "共16条记录" in indexed
    monkeypatch.setattr(paging, "COUNT_CAP", 5)  # the team's list is now "big": read newest first
    scanned = client.get("/follow-up/").get_data(as_text=True)
    assert contents(scanned) == expected and "共5+条记录" in scanned
