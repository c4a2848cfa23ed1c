"""Attack tests run with CSRF protection on, as in production, on every database backend."""

import re
from html import unescape

import pytest

from tests.conftest import make_test_app
from tests.helpers import ADMIN_PASSWORD, TEST_CAPTCHA, csrf_from

# Return URLs that lead off the site once a browser has normalised them.
EVIL = ["/%09/evil.example", "/\t/evil.example", "//evil.example", "/\\evil.example", "\\\\evil.example",
        "https://evil.example/", "http://localhost@evil.example/", "javascript:alert(1)", "java%0ascript:alert(1)",
        "/%2F/evil.example", "/%252F%252Fevil.example", " //evil.example", "/\r\n/evil.example",
        "http:/\\evil.example", "data:text/html,x"]


@pytest.fixture()
def client(app, db):
    """The shared app with CSRF checks switched on for this test (Flask-WTF reads the flag per request)."""
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield app.test_client()
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def token(client, page: str = "/account/password") -> str:
    """A CSRF token of the client's login session, read from a form page as a browser would."""
    return csrf_from(client.get(page).get_data(as_text=True))


def secure_login(client, username="admin", password=ADMIN_PASSWORD):
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"username": username, "password": password, "captcha": TEST_CAPTCHA,
                                           "csrf_token": csrf_from(page)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def post(client, url: str, data=None, **kwargs):
    """POST a form with the login session's CSRF token, like the browser submitting the page."""
    data = dict(data or {})
    data.setdefault("csrf_token", token(client))
    return client.post(url, data=data, **kwargs)


def assert_links_local(html: str) -> None:
    """Every href and form action on the page is a path on this site (or Flask-Admin's inert void link)."""
    for value in re.findall(r'(?:href|action)="([^"]*)"', html):
        value = unescape(value)
        if value in ("", "javascript:void(0)") or value.startswith("#"):  # "": the form posts to itself
            continue
        assert value.startswith("/") and not value.startswith("//") and "\\" not in value, value


@pytest.fixture(scope="session")
def csrf_app(app):
    return make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True)


@pytest.fixture()
def web(csrf_app, db):
    return csrf_app.test_client()


@pytest.fixture(scope="session")
def captcha_app(app):
    """No test code: only the answer of the drawn image passes."""
    return make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True, CAPTCHA_TEST_CODE=None)


@pytest.fixture()
def browser(captcha_app, db):
    return captcha_app.test_client()
