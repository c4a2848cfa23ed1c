"""Login sessions live on the server: logout, 停用, password or role change end them; idle and absolute
timeouts hold whatever the cookie says (issue 9, item 3)."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from sqlalchemy import select, update

from app.extensions import db as _db
from models.accounts import Employee
from models.auth_sessions import LoginSession
from models.base import utcnow
from tests.helpers import PASSWORD, admin, make_employee, make_role
from tests.security.helpers import COOKIE, cookie, login_form, logout, opens_customers, post_form

SALES = ["customer.view", "customer.add", "employee.view"]


def _serializer(app):
    return app.session_interface.get_signing_serializer(app)


def _sales_rep(username="rep"):
    employee = make_employee(username, role=make_role(f"{username}角色", SALES, scopes={"customer": "self"}))
    _db.session.commit()
    return employee


def _age_sessions(**changes):
    _db.session.execute(update(LoginSession).values(**changes))
    _db.session.commit()


def test_cookie_saved_before_logout_no_longer_opens_customers(web):
    assert login_form(web).status_code == 302
    saved = cookie(web)
    assert opens_customers(web)
    assert logout(web).status_code == 302
    web.set_cookie(COOKIE, saved)  # the attacker's copy of the cookie from before the logout
    assert not opens_customers(web)


def test_other_web_process_sees_the_logout(web, csrf_app, app):
    """Two processes (here: two app instances on one database) share the login sessions."""
    assert login_form(web).status_code == 302
    other = app.test_client()
    other.set_cookie(COOKIE, cookie(web))
    assert opens_customers(other)
    logout(web)
    assert not opens_customers(other)


def test_cookie_forged_with_the_real_secret_is_refused(web, csrf_app):
    admin_id = admin().get_id()
    forged = _serializer(csrf_app).dumps({"_user_id": admin_id, "_fresh": True})
    web.set_cookie(COOKIE, forged)
    assert not opens_customers(web)
    # A real session token does not open another employee's account either.
    rep = _sales_rep()
    login_form(web, "rep", PASSWORD)
    data = _serializer(csrf_app).loads(cookie(web))
    web.set_cookie(COOKIE, _serializer(csrf_app).dumps({**data, "_user_id": admin_id}))
    assert not opens_customers(web)
    web.set_cookie(COOKIE, _serializer(csrf_app).dumps({**data, "_user_id": rep.get_id()}))
    assert opens_customers(web)


def test_session_older_than_twelve_hours_is_refused_even_with_a_fresh_cookie(web, csrf_app):
    login_form(web)
    assert opens_customers(web)
    _age_sessions(created_at=utcnow() - timedelta(hours=13), last_seen_at=utcnow())
    data = _serializer(csrf_app).loads(cookie(web))
    web.set_cookie(COOKIE, _serializer(csrf_app).dumps(data))  # re-signed just now
    assert not opens_customers(web)


def test_cookie_signed_thirteen_hours_ago_is_refused(web, csrf_app):
    login_form(web)
    data = _serializer(csrf_app).loads(cookie(web))
    with mock.patch("itsdangerous.timed.time.time", return_value=time.time() - 13 * 3600):
        old = _serializer(csrf_app).dumps(data)
    web.set_cookie(COOKIE, old)
    assert not opens_customers(web)


def test_idle_session_ends_and_the_login_page_says_why(web):
    login_form(web)
    _age_sessions(last_seen_at=utcnow() - timedelta(minutes=121))
    response = web.get("/customer/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "登录已超时，请重新登录" in web.get("/login").get_data(as_text=True)
    assert "登录已超时" not in web.get("/login").get_data(as_text=True)  # said once


def test_timeouts_are_configurable(web, csrf_app):
    login_form(web)
    _age_sessions(last_seen_at=utcnow() - timedelta(minutes=10))
    assert opens_customers(web)
    csrf_app.config["LOGIN_SESSION_IDLE_MINUTES"] = 5
    try:
        _age_sessions(last_seen_at=utcnow() - timedelta(minutes=10))
        assert not opens_customers(web)
        login_form(web)
        csrf_app.config["LOGIN_SESSION_MAX_HOURS"] = 1
        _age_sessions(created_at=utcnow() - timedelta(minutes=61))
        assert not opens_customers(web)
    finally:
        csrf_app.config["LOGIN_SESSION_IDLE_MINUTES"] = 120
        csrf_app.config["LOGIN_SESSION_MAX_HOURS"] = 12


def test_last_seen_is_written_at_most_once_a_minute(web):
    login_form(web)
    recent = utcnow() - timedelta(seconds=30)
    _age_sessions(last_seen_at=recent)
    assert opens_customers(web)
    _db.session.expire_all()
    assert _db.session.scalar(select(LoginSession.last_seen_at)) == recent
    _age_sessions(last_seen_at=utcnow() - timedelta(seconds=90))
    assert opens_customers(web)
    _db.session.expire_all()
    assert utcnow() - _db.session.scalar(select(LoginSession.last_seen_at)) < timedelta(seconds=5)


def _rep_and_admin(csrf_app):
    rep = _sales_rep()
    victim = csrf_app.test_client()
    assert login_form(victim, "rep", PASSWORD).status_code == 302
    assert opens_customers(victim)
    return rep, victim


def test_disabling_the_account_ends_its_sessions(web, csrf_app):
    rep, victim = _rep_and_admin(csrf_app)
    login_form(web)
    response = post_form(web, "/employee/", f"/employee/row-action/disable/{rep.id}", {"url": "/employee/"})
    assert response.status_code == 302
    assert not opens_customers(victim)
    post_form(web, "/employee/", f"/employee/row-action/enable/{rep.id}", {"url": "/employee/"})
    assert not opens_customers(victim)  # enabling again does not bring the old session back


def test_password_change_by_the_administrator_ends_the_sessions(web, csrf_app):
    rep, victim = _rep_and_admin(csrf_app)
    login_form(web)
    page = f"/employee/password/{rep.id}"
    response = post_form(web, page, page, {"new_password": "Orchid#Lake77", "confirm_password": "Orchid#Lake77"})
    assert response.status_code == 302
    assert not opens_customers(victim)
    assert opens_customers(web)


def test_self_service_password_change_keeps_this_browser_and_ends_the_others(web, csrf_app):
    rep, other_browser = _rep_and_admin(csrf_app)
    login_form(web, "rep", PASSWORD)
    response = post_form(web, "/account/password", "/account/password",
                         {"old_password": PASSWORD, "new_password": "Orchid#Lake77",
                          "confirm_password": "Orchid#Lake77"})
    assert response.status_code == 302
    assert opens_customers(web)
    assert not opens_customers(other_browser)


def test_role_change_ends_the_sessions(web, csrf_app):
    rep, victim = _rep_and_admin(csrf_app)
    other_role = make_role("另一角色", SALES, scopes={"customer": "self"})
    _db.session.commit()
    login_form(web)
    page = f"/employee/edit/?id={rep.id}"
    response = post_form(web, page, page, {"real_name": "rep", "role": str(other_role.id),
                                           "department": "__None", "is_enabled": "y"})
    assert response.status_code == 302
    _db.session.expire_all()
    assert _db.session.get(Employee, rep.id).role_id == other_role.id
    assert not opens_customers(victim)


def test_contact_detail_edit_keeps_the_sessions(web, csrf_app):
    rep, victim = _rep_and_admin(csrf_app)
    login_form(web)
    page = f"/employee/edit/?id={rep.id}"
    response = post_form(web, page, page, {"real_name": "rep", "role": str(rep.role_id), "mobile": "13800000000",
                                           "department": "__None", "is_enabled": "y"})
    assert response.status_code == 302
    assert opens_customers(victim)


@pytest.mark.parametrize("value", ["x" * 10000, "\x00", "9" * 40])
def test_crafted_session_tokens_are_refused_without_error(web, csrf_app, value):
    web.set_cookie(COOKIE, _serializer(csrf_app).dumps({"_user_id": value, "sid": value}))
    assert not opens_customers(web)


def test_an_employee_who_has_logged_in_can_still_be_deleted(web, csrf_app):
    rep, victim = _rep_and_admin(csrf_app)
    rep_id = rep.id
    login_form(web)
    response = post_form(web, "/employee/", "/employee/delete/", {"id": str(rep_id), "url": "/employee/"})
    assert response.status_code == 302
    _db.session.expire_all()
    assert _db.session.get(Employee, rep_id) is None
    assert _db.session.scalar(select(LoginSession.id).where(LoginSession.employee_id == rep_id)) is None
    assert not opens_customers(victim)
