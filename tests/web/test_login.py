"""Login, lockout, login log and session rules (manual ch. 2, 9.4)."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db as _db
from models.accounts import Employee, LoginLog
from models.base import utcnow
from tests.conftest import make_test_app
from tests.helpers import ADMIN_PASSWORD, csrf_from, issued_captcha, login, make_employee, make_role


def _error(response) -> str:
    match = re.search(r'id="login-error">([^<]+)<', response.get_data(as_text=True))
    return match.group(1) if match else ""


def test_wrong_password_and_unknown_user_get_the_same_message(client):
    assert _error(login(client, "admin", "nope")) == "登录失败！用户名或密码错误！"
    assert _error(login(client, "ghost", "nope")) == "登录失败！用户名或密码错误！"


def test_password_is_case_sensitive_and_captcha_is_not(client):
    assert _error(login(client, "admin", ADMIN_PASSWORD.upper())) == "登录失败！用户名或密码错误！"
    assert login(client, "admin", ADMIN_PASSWORD, captcha="test").status_code == 302


def test_real_captcha_from_the_image_is_checked_once(client):
    code = issued_captcha(client)
    response = client.post("/login", data={"username": "admin", "password": ADMIN_PASSWORD, "captcha": code.lower()})
    assert response.status_code == 302
    client.post("/logout")
    code = issued_captcha(client)
    client.post("/login", data={"username": "admin", "password": "x", "captcha": code})
    # The code was used up by the failed attempt: the same answer no longer works.
    response = client.post("/login", data={"username": "admin", "password": ADMIN_PASSWORD, "captcha": code})
    assert _error(response) == "验证码错误，请重新输入"


def test_captcha_image_is_a_png_with_a_four_character_answer(client):
    first = client.get("/captcha.png")
    assert first.mimetype == "image/png" and first.data[:4] == b"\x89PNG"
    assert re.fullmatch(r"[A-Z2-9]{4}", issued_captcha(client))


def test_disabled_roleless_and_permissionless_accounts_are_told_why(client, db):
    empty_role = make_role("空角色", [])
    make_employee("off", role=make_role("有权限", ["product.view"]), enabled=False)
    make_employee("norole", role=None)
    make_employee("noperm", role=empty_role)
    db.session.commit()
    assert _error(login(client, "off", "secret#123")) == "该账号已停用，无法登录，请联系管理员"
    assert "没有设置角色" in _error(login(client, "norole", "secret#123"))
    assert "没有任何权限" in _error(login(client, "noperm", "secret#123"))
    reasons = set(db.session.scalars(select(LoginLog.reason).where(LoginLog.success.is_(False))))
    assert "该账号已停用，无法登录，请联系管理员" in reasons


def test_five_failures_lock_the_user_for_fifteen_minutes(client, db):
    for _ in range(5):
        login(client, "admin", "wrong")
    assert "已锁定 15 分钟" in _error(login(client, "admin", ADMIN_PASSWORD))
    # Fifteen minutes later the lock has expired.
    db.session.execute(LoginLog.__table__.update().values(created_at=utcnow() - timedelta(minutes=16)))
    db.session.commit()
    assert login(client, "admin", ADMIN_PASSWORD).status_code == 302


def test_successful_login_resets_the_user_counter(client, db):
    for _ in range(4):
        login(client, "admin", "wrong")
    assert login(client, "admin", ADMIN_PASSWORD).status_code == 302
    client.post("/logout")
    for _ in range(4):
        login(client, "admin", "wrong")
    assert login(client, "admin", ADMIN_PASSWORD).status_code == 302


def test_twenty_failures_from_one_ip_lock_that_ip(client, db):
    for i in range(20):
        login(client, f"user{i}", "wrong")
    assert "该 IP 登录失败次数过多" in _error(login(client, "admin", ADMIN_PASSWORD))
    other_ip = client.post("/login", data={"username": "admin", "password": ADMIN_PASSWORD, "captcha": "TEST"},
                           environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other_ip.status_code == 302


def test_every_attempt_is_logged_with_ip_agent_and_reason(client, db):
    login(client, "admin", "wrong")
    login(client, "admin", ADMIN_PASSWORD)
    rows = db.session.scalars(select(LoginLog).order_by(LoginLog.id)).all()
    assert [(r.username, r.success, r.reason) for r in rows] == [
        ("admin", False, "登录失败！用户名或密码错误！"), ("admin", True, None)]
    assert rows[1].ip == "127.0.0.1" and rows[1].employee_id is not None


def test_login_log_list_filters_by_result_and_exports(client, db):
    login(client, "ghost", "wrong")
    login(client)
    page = client.get("/login-log/?flt0_2=0").get_data(as_text=True)  # 登录成功 = 否
    assert "ghost" in page
    assert client.get("/login-log/export.xlsx").status_code == 200


def test_proxy_count_decides_which_forwarded_address_is_logged(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'proxy.db'}", PROXY_COUNT=1)
    from tests.conftest import build_schema, reset_data

    build_schema(app)
    reset_data(app)
    client = app.test_client()
    client.post("/login", data={"username": "admin", "password": ADMIN_PASSWORD, "captcha": "TEST"},
                headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.7"})
    with app.app_context():
        assert _db.session.scalar(select(LoginLog.ip)) == "203.0.113.7"


def test_session_cookie_flags_and_logout(client, db):
    response = login(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/").status_code == 200
    assert client.get("/logout").status_code == 405  # logout is a POST
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_password_change_ends_other_sessions(app, db):
    first, second = app.test_client(), app.test_client()
    login(first)
    login(second)
    first.post("/account/password", data={"old_password": ADMIN_PASSWORD, "new_password": "NewPass#2026",
                                          "confirm_password": "NewPass#2026"})
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302


def test_captcha_test_code_is_refused_outside_testing(tmp_path):
    import pytest

    from app import create_app

    with pytest.raises(RuntimeError, match="CAPTCHA_TEST_CODE"):
        create_app({"CAPTCHA_TEST_CODE": "TEST", "TESTING": False, "DEBUG": False,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})


def test_forged_csrf_is_refused(tmp_path):
    from tests.conftest import build_schema, reset_data

    app = make_test_app(f"sqlite:///{tmp_path / 'csrf.db'}", WTF_CSRF_ENABLED=True)
    build_schema(app)
    reset_data(app)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = csrf_from(page)
    bad = client.post("/login", data={"username": "admin", "password": ADMIN_PASSWORD, "captcha": "TEST",
                                      "csrf_token": "forged"})
    assert bad.status_code == 400 and "页面已过期" in bad.get_data(as_text=True)
    good = client.post("/login", data={"username": "admin", "password": ADMIN_PASSWORD, "captcha": "TEST",
                                       "csrf_token": token})
    assert good.status_code == 302
    # A state change without a token is refused and changes nothing.
    response = client.post("/warehouse/new/", data={"name": "伪造仓库"})
    assert response.status_code == 400
    with app.app_context():
        from models.base_data import Warehouse

        assert _db.session.scalar(select(func.count()).where(Warehouse.name == "伪造仓库")) == 0
        assert _db.session.scalar(select(func.count(Employee.id))) == 1
