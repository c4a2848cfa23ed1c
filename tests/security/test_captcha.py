"""The captcha answer stays on the server and is good once, for 5 minutes (issue 9, item 2)."""

from datetime import timedelta

from sqlalchemy import func, select, update

from app.extensions import db as _db
from models.auth_sessions import CaptchaChallenge
from models.base import utcnow
from tests.helpers import ADMIN_PASSWORD, TEST_CAPTCHA, csrf_from, issued_captcha
from tests.security.helpers import COOKIE, cookie, login_error, opens_customers

BAD_CAPTCHA = "验证码错误，请重新输入"


def _post_login(client, captcha, password=ADMIN_PASSWORD):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"csrf_token": token, "username": "admin", "password": password,
                                       "captcha": captcha})


def test_the_answer_is_not_in_the_cookie(browser, captcha_app):
    browser.get("/login")
    code = issued_captcha(browser)
    data = captcha_app.session_interface.get_signing_serializer(captcha_app).loads(cookie(browser))
    assert code not in repr(data) and code.lower() not in repr(data)
    response = _post_login(browser, code)
    assert response.status_code == 302 and opens_customers(browser)


def test_replaying_the_pre_login_cookie_does_not_revive_a_used_code(browser):
    browser.get("/login")
    code = issued_captcha(browser)
    saved = cookie(browser)
    assert login_error(_post_login(browser, code, password="wrong-password")) == "登录失败！用户名或密码错误！"
    browser.set_cookie(COOKIE, saved)
    response = _post_login(browser, code)
    assert login_error(response) == BAD_CAPTCHA
    assert not opens_customers(browser)


def test_a_wrong_answer_uses_the_image_up(browser):
    browser.get("/login")
    code = issued_captcha(browser)
    wrong = "2222" if code != "2222" else "3333"
    assert login_error(_post_login(browser, wrong)) == BAD_CAPTCHA
    assert login_error(_post_login(browser, code)) == BAD_CAPTCHA


def test_only_the_latest_image_counts(browser):
    browser.get("/login")
    first = issued_captcha(browser)
    second = issued_captcha(browser)
    if first != second:
        assert login_error(_post_login(browser, first)) == BAD_CAPTCHA
        second = issued_captcha(browser)
    assert _post_login(browser, second).status_code == 302


def test_a_code_older_than_five_minutes_is_refused(browser):
    browser.get("/login")
    code = issued_captcha(browser)
    _db.session.execute(update(CaptchaChallenge).values(created_at=utcnow() - timedelta(minutes=5, seconds=5)))
    _db.session.commit()
    assert login_error(_post_login(browser, code)) == BAD_CAPTCHA


def test_the_test_code_is_refused_when_not_configured(browser):
    browser.get("/login")
    issued_captcha(browser)
    assert login_error(_post_login(browser, TEST_CAPTCHA)) == BAD_CAPTCHA


def test_stale_challenges_are_cleared_as_new_ones_are_drawn(browser, captcha_app):
    for _ in range(3):
        issued_captcha(captcha_app.test_client())
    _db.session.execute(update(CaptchaChallenge).values(created_at=utcnow() - timedelta(minutes=6)))
    _db.session.commit()
    issued_captcha(browser)
    assert _db.session.scalar(select(func.count()).select_from(CaptchaChallenge)) == 1


def test_crafted_captcha_input_gets_a_message(browser):
    browser.get("/login")
    issued_captcha(browser)
    for value in ("\x00\x00", "x" * 10000, "验证"):
        response = _post_login(browser, value)
        assert response.status_code == 200 and login_error(response)
