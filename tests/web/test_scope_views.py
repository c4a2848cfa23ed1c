"""数据范围 on a record-owning screen (员工信息管理): list, detail, export, search and by-id actions."""

import io

import pytest
from openpyxl import load_workbook

from tests.helpers import PASSWORD, login, make_employee, make_role

SCREEN = ["employee.view", "employee.edit", "employee.export", "employee.password"]


@pytest.fixture()
def org(db):
    director_role = make_role("总监", SCREEN, scopes={"employee": "all"})
    manager_role = make_role("经理", SCREEN, parent=director_role, scopes={"employee": "subordinates"})
    rep_role = make_role("销售员", SCREEN, parent=manager_role, scopes={"employee": "self"})
    people = {
        "director": make_employee("director", role=director_role, real_name="总监甲"),
        "manager": make_employee("manager", role=manager_role, real_name="经理乙"),
        "rep": make_employee("rep", role=rep_role, real_name="销售丙"),
        "outsider": make_employee("outsider", role=make_role("其他", ["product.view"]), real_name="外人丁"),
    }
    db.session.commit()
    return people


EXPECTED = {
    "director": {"总监甲", "经理乙", "销售丙", "外人丁", "系统管理员"},
    "manager": {"经理乙", "销售丙"},
    "rep": {"销售丙"},
}


def _exported_names(client):
    sheet = load_workbook(io.BytesIO(client.get("/employee/export.xlsx").data)).active
    return {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}


@pytest.mark.parametrize("who", ["director", "manager", "rep"])
def test_each_level_sees_exactly_its_scope(client, org, who):
    login(client, who, PASSWORD)
    page = client.get("/employee/").get_data(as_text=True)
    everyone = {"总监甲", "经理乙", "销售丙", "外人丁"}
    assert {name for name in everyone if name in page} == EXPECTED[who] - {"系统管理员"}
    assert _exported_names(client) == EXPECTED[who]
    search = client.get("/employee/?search=丙").get_data(as_text=True)
    assert ("销售丙" in search) is ("销售丙" in EXPECTED[who])
    for person, employee in org.items():
        visible = employee.real_name in EXPECTED[who]
        detail = client.get(f"/employee/details/?id={employee.id}")
        assert detail.status_code == (200 if visible else 404), (who, person)
        # Acting by id: a mismatched confirmation changes nothing, but the record must first be in scope.
        action = client.post(f"/employee/password/{employee.id}",
                             data={"new_password": "Changed#2026", "confirm_password": "different"})
        assert action.status_code == (200 if visible else 404), (who, person)
