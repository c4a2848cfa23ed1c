"""Common and trivially guessable passwords are refused wherever a password is set; unknown usernames
cost the same hash verification as known ones (issue 9, item 11)."""

from unittest import mock

import pytest
from sqlalchemy import func, select

from app.services import accounts
from app.services.passwords import check_password_policy
from app.services.seed import ensure_admin
from models.accounts import Employee, Role
from tests.helpers import PASSWORD, make_employee, make_role
from tests.security.helpers import login_form, post_form

WEAK = [
    ("12345678", "过于常见"),
    ("password", "过于常见"),
    ("qwertyuiop", "过于常见"),
    ("1qaz2wsx3edc", "过于常见"),
    ("zxcvbn,./", "键盘上连续的按键"),
    ("abcdefghij", "连续的数字或字母"),
    ("aaaaaaaaaa", "重复的字符"),
    ("Password1", "过于常见"),
]


def _page(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("password, reason", WEAK)
def test_add_employee_refuses_weak_passwords(web, db, password, reason):
    role = db.session.scalar(select(Role).where(Role.name == "销售一部销售员"))
    login_form(web)
    data = {"username": "wangwu", "real_name": "王五", "role": str(role.id), "is_enabled": "y",
            "password": password}
    page = _page(post_form(web, "/employee/new/", "/employee/new/", data))
    assert reason in page
    assert db.session.scalar(select(func.count(Employee.id)).where(Employee.username == "wangwu")) == 0
    response = post_form(web, "/employee/new/", "/employee/new/", {**data, "password": "Wang#Lotus2026"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Employee.id)).where(Employee.username == "wangwu")) == 1


def test_username_inside_the_password_is_refused(web, db):
    rep = make_employee("zhangwei", role=make_role("销售", ["customer.view"]))
    db.session.commit()
    login_form(web)
    page = f"/employee/password/{rep.id}"
    body = _page(post_form(web, page, page, {"new_password": "zhangwei1", "confirm_password": "zhangwei1"}))
    assert "密码不能包含用户名、姓名或系统名称" in body


def test_admin_password_screen_refuses_weak_passwords(web, db):
    rep = make_employee("rep", role=make_role("销售", ["customer.view"]))
    db.session.commit()
    old_hash = rep.password_hash
    login_form(web)
    page = f"/employee/password/{rep.id}"
    body = _page(post_form(web, page, page, {"new_password": "password", "confirm_password": "password"}))
    assert "该密码过于常见" in body
    db.session.expire_all()
    assert db.session.get(Employee, rep.id).password_hash == old_hash


def test_self_service_password_change_refuses_keyboard_runs(web, db):
    make_employee("rep", role=make_role("销售", ["customer.view"]))
    db.session.commit()
    login_form(web, "rep", PASSWORD)
    body = _page(post_form(web, "/account/password", "/account/password",
                           {"old_password": PASSWORD, "new_password": "zxcvbn,./",
                            "confirm_password": "zxcvbn,./"}))
    assert "键盘上连续的按键" in body
    assert login_form(web.application.test_client(), "rep", PASSWORD).status_code == 302  # unchanged


def test_create_admin_command_refuses_weak_passwords(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["crm", "create-admin", "--username", "boss", "--password", "12345678"])
    assert result.exit_code != 0 and "过于常见" in result.output
    result = runner.invoke(args=["crm", "create-admin", "--username", "boss", "--password", "Boss#Harbor2026"])
    assert result.exit_code == 0, result.output


def test_generated_admin_passwords_pass_the_policy(db):
    for _ in range(20):
        db.session.execute(Employee.__table__.delete().where(Employee.username == "admin"))
        admin, password = ensure_admin()
        check_password_policy(password, admin.username)  # raises when too weak
        db.session.rollback()


def test_unknown_usernames_cost_one_hash_verification_like_known_ones(web):
    with mock.patch.object(accounts, "check_password_hash", wraps=accounts.check_password_hash) as verify:
        login_form(web, "admin", "wrong-password")
        known = verify.call_count
        login_form(web, "no-such-user", "wrong-password")
        unknown = verify.call_count - known
    assert known == 1 and unknown == 1


def test_long_and_crafted_passwords_get_a_message(db):
    check_password_policy("Lotus#" + "x9Q" * 40, "admin")  # 126 characters: judged, not an error
    with pytest.raises(accounts.ValidationFailed, match="不能超过 128 个字符"):
        check_password_policy("x" * 10000, "admin")
    with pytest.raises(accounts.ValidationFailed):
        check_password_policy("\x00" * 9, "admin")
