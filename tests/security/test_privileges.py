"""Item 1: a non-superadmin with 员工信息管理 and 系统角色管理 rights cannot raise anyone's privileges.

The attacker (人事经理) sits under 总监 and above 专员; they may hand out only roles strictly below
their own, grant no 数据范围 wider than their own, keep roles inside their subtree, and never touch
a superadmin account.
"""

import pytest
from sqlalchemy import select

from models.accounts import Employee, Role
from tests.helpers import PASSWORD, make_employee, make_role
from tests.security.conftest import post, secure_login

HR_CODES = ["employee.view", "employee.add", "employee.edit", "employee.delete", "employee.password",
            "role.view", "role.add", "role.edit", "role.delete", "role.permission", "customer.view"]


@pytest.fixture()
def org(db):
    director = make_role("总监", HR_CODES, scopes={"employee": "all", "customer": "all"})
    hr = make_role("人事经理", HR_CODES, parent=director, scopes={"employee": "all", "customer": "self"})
    clerk = make_role("专员", ["customer.view"], parent=hr, scopes={"customer": "self"})
    superadmin = db.session.scalar(select(Role).where(Role.is_superadmin.is_(True)))
    people = {
        "hr": make_employee("hr", role=hr, real_name="人事甲"),
        "clerk": make_employee("clerk", role=clerk, real_name="专员乙"),
        "boss": make_employee("boss", role=director, real_name="总监丙"),
        "root2": make_employee("root2", role=superadmin, real_name="第二管理员"),
    }
    db.session.commit()
    return {"roles": {"director": director, "hr": hr, "clerk": clerk, "superadmin": superadmin}, **people}


def _role_id(db, username):
    db.session.expire_all()
    return db.session.scalar(select(Employee.role_id).where(Employee.username == username))


def _page(response):
    return response.get_data(as_text=True)


def _refused_role(response) -> bool:
    """The form offers only manageable roles, so a crafted one is "not a valid choice"."""
    return "不是有效的选择" in _page(response) or "请选择所属角色" in _page(response)


def test_the_services_refuse_roles_at_or_above_the_actor(db, org):
    """The same rules without the form's choice list, as any other caller would meet them."""
    from app.services import organisation
    from app.services.errors import Forbidden

    roles, hr, clerk = org["roles"], org["hr"], org["clerk"]
    assert organisation.roles_below(hr) == {roles["clerk"].id}  # as stored, before any change
    for role, message in ((roles["director"], "只能分配比您的角色更低的角色"),
                          (roles["hr"], "只能分配比您的角色更低的角色"),
                          (roles["superadmin"], "只有超级管理员可以分配超级管理员角色")):
        clerk.role = role
        with pytest.raises(Forbidden, match=message):
            organisation.guard_employee_change(clerk, hr, roles["clerk"].id)
        if role is not roles["hr"]:  # keeping one's own role is no change
            hr.role = role
            with pytest.raises(Forbidden, match=message):
                organisation.guard_employee_change(hr, hr, roles["hr"].id)
            hr.role = roles["hr"]
    clerk.role = roles["clerk"]
    organisation.guard_employee_change(clerk, hr, roles["clerk"].id)
    newcomer = Employee(username="new", real_name="新人", role=roles["director"])
    with pytest.raises(Forbidden, match="只能分配比您的角色更低的角色"):
        organisation.guard_employee_change(newcomer, hr, None)
    db.session.rollback()


def test_own_role_cannot_be_raised_through_the_edit_form(client, db, org):
    secure_login(client, "hr", PASSWORD)
    me = org["hr"]
    response = post(client, f"/employee/edit/?id={me.id}",
                    {"real_name": "人事甲", "role": str(org["roles"]["director"].id), "is_enabled": "y"},
                    follow_redirects=True)
    assert _refused_role(response)
    assert _role_id(db, "hr") == org["roles"]["hr"].id


def test_own_contact_details_still_save(client, db, org):
    secure_login(client, "hr", PASSWORD)
    me = org["hr"]
    post(client, f"/employee/edit/?id={me.id}",
         {"real_name": "人事甲", "mobile": "13900000000", "role": str(me.role_id), "is_enabled": "y"})
    db.session.expire_all()
    assert db.session.get(Employee, me.id).mobile == "13900000000"


def test_new_accounts_get_only_roles_below_the_creator(client, db, org):
    secure_login(client, "hr", PASSWORD)
    data = {"username": "mole", "real_name": "内应", "password": "Mole#2026x", "is_enabled": "y"}
    for role in ("director", "hr", "superadmin"):
        response = post(client, "/employee/new/", {**data, "role": str(org["roles"][role].id)},
                        follow_redirects=True)
        assert _refused_role(response), role
        assert _role_id(db, "mole") is None
    post(client, "/employee/new/", {**data, "role": str(org["roles"]["clerk"].id)})
    assert _role_id(db, "mole") == org["roles"]["clerk"].id


def test_accounts_above_or_beside_cannot_be_changed(client, db, org):
    secure_login(client, "hr", PASSWORD)
    boss = org["boss"]
    response = post(client, f"/employee/edit/?id={boss.id}",
                    {"real_name": "总监丙", "role": str(org["roles"]["clerk"].id), "is_enabled": "y"},
                    follow_redirects=True)
    assert "只能管理角色比您低的员工账号" in _page(response)
    assert _role_id(db, "boss") == org["roles"]["director"].id
    response = post(client, f"/employee/password/{boss.id}",
                    {"new_password": "Taken#2026x", "confirm_password": "Taken#2026x"})
    assert "只能管理角色比您低的员工账号" in _page(response)


@pytest.mark.parametrize("attack", ["edit", "password", "disable", "delete"])
def test_superadmin_accounts_are_untouchable(client, db, org, attack):
    secure_login(client, "hr", PASSWORD)
    root = org["root2"]
    before = db.session.get(Employee, root.id).password_hash
    if attack == "edit":
        response = post(client, f"/employee/edit/?id={root.id}",
                        {"real_name": "被改名", "role": str(org["roles"]["superadmin"].id)}, follow_redirects=True)
    elif attack == "password":
        response = post(client, f"/employee/password/{root.id}",
                        {"new_password": "Taken#2026x", "confirm_password": "Taken#2026x"})
    elif attack == "disable":
        response = post(client, f"/employee/row-action/disable/{root.id}", follow_redirects=True)
    else:
        response = post(client, "/employee/delete/", {"id": str(root.id)}, follow_redirects=True)
    assert "只有超级管理员可以修改超级管理员账号" in _page(response)
    db.session.expire_all()
    row = db.session.get(Employee, root.id)
    assert row is not None and row.is_enabled and row.real_name == "第二管理员" and row.password_hash == before


def test_roles_cannot_be_moved_outside_the_own_subtree(client, db, org):
    secure_login(client, "hr", PASSWORD)
    roles = org["roles"]
    response = post(client, f"/role/edit/?id={roles['director'].id}",
                    {"name": "总监", "parent": str(roles["hr"].id)}, follow_redirects=True)
    assert "只能管理比您的角色更低的角色" in _page(response)
    response = post(client, f"/role/edit/?id={roles['clerk'].id}", {"name": "专员", "parent": ""},
                    follow_redirects=True)
    assert "新角色必须位于您的角色之下" in _page(response)
    response = post(client, "/role/new/", {"name": "影子总监", "parent": str(roles["director"].id)},
                    follow_redirects=True)
    assert "新角色必须位于您的角色之下" in _page(response)
    db.session.expire_all()
    assert db.session.get(Role, roles["director"].id).parent_id is None
    assert db.session.get(Role, roles["clerk"].id).parent_id == roles["hr"].id
    assert db.session.scalar(select(Role).where(Role.name == "影子总监")) is None
    post(client, "/role/new/", {"name": "实习生", "parent": str(roles["clerk"].id)})
    assert db.session.scalar(select(Role.parent_id).where(Role.name == "实习生")) == roles["clerk"].id


def test_no_data_scope_wider_than_the_own(client, db, org):
    secure_login(client, "hr", PASSWORD)
    clerk = org["roles"]["clerk"]
    response = post(client, f"/role/permissions/{clerk.id}",
                    {"perm": ["customer.view"], "scope_customer": "all"}, follow_redirects=True)
    assert "不能授予比您自己更大的数据范围" in _page(response)
    db.session.expire_all()
    assert {row.module: row.scope.value for row in db.session.get(Role, clerk.id).data_scopes} == {
        "customer": "self"}
    response = post(client, f"/role/permissions/{org['roles']['director'].id}",
                    {"perm": ["customer.view"]}, follow_redirects=True)
    assert "只能管理比您的角色更低的角色" in _page(response)


def test_superadmin_still_does_all_of_it(client, db, org):
    secure_login(client)
    roles = org["roles"]
    post(client, f"/employee/edit/?id={org['hr'].id}",
         {"real_name": "人事甲", "role": str(roles["director"].id), "is_enabled": "y"})
    assert _role_id(db, "hr") == roles["director"].id
    post(client, f"/role/permissions/{roles['clerk'].id}", {"perm": ["customer.view"], "scope_customer": "all"})
    db.session.expire_all()
    assert {row.module: row.scope.value for row in db.session.get(Role, roles["clerk"].id).data_scopes} == {
        "customer": "all"}
