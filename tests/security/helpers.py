"""Requests as a browser makes them: pages first, then forms with the CSRF token they carry."""

import re

from tests.helpers import ADMIN_PASSWORD, TEST_CAPTCHA, csrf_from

COOKIE = "session"


def login_form(client, username="admin", password=ADMIN_PASSWORD, captcha=TEST_CAPTCHA, next_url=None):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"csrf_token": token, "username": username, "password": password,
                                  "captcha": captcha})


def login_error(response) -> str:
    match = re.search(r'id="login-error">([^<]+)<', response.get_data(as_text=True))
    return match.group(1) if match else ""


def post_form(client, page_url, action_url, data):
    """Open a page, then post a form with the page's CSRF token."""
    token = csrf_from(client.get(page_url).get_data(as_text=True))
    return client.post(action_url, data={"csrf_token": token, **data})


def logout(client):
    return post_form(client, "/", "/logout", {})


def cookie(client) -> str | None:
    found = client.get_cookie(COOKIE)
    return found.value if found else None


def opens_customers(client) -> bool:
    response = client.get("/customer/")
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200
