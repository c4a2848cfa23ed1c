"""Security headers on every page; a CSP that no inline script of ours needs to break (issue 9, item 8)."""

import re

import pytest

from app.extensions import db as _db
from models.accounts import Role
from tests.conftest import make_test_app
from tests.order_factories import make_customer, make_order
from tests.security.helpers import login_form

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def _csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def test_login_page_headers(web):
    response = web.get("/login")
    csp = _csp(response)
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert "'unsafe-inline'" not in csp["script-src"] and "'nonce-" in csp["script-src"]
    assert csp["object-src"] == "object-src 'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain http, cookies not marked secure
    assert response.status_code == 200  # no redirect to https in the embedded default


def test_authenticated_pages_are_not_stored_but_static_files_are_cacheable(web):
    login_form(web)
    for url in ("/", "/customer/", "/employee/", "/account/password"):
        response = web.get(url)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store", url
    for url in ("/static/crm.css", "/static/crm-ui.js", "/static/admin/admin/js/actions.js"):
        response = web.get(url)
        assert response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", ""), url


def _pages(db):
    customer = make_customer("安徽佑逸管业有限公司")
    order = make_order(customer=customer)
    role_id = db.session.scalar(db.select(Role.id).where(Role.name == "销售一部销售员"))
    db.session.commit()
    return ["/", "/customer/", "/customer/new/", f"/customer/details/?id={customer.id}", "/follow-up/",
            "/order/new", f"/order/{order.id}", f"/role/permissions/{role_id}", "/employee/", "/login-log/",
            "/product/", "/quote/"]


def test_every_inline_script_carries_this_response_nonce_and_no_page_has_inline_handlers(web, db):
    urls = _pages(db)
    login_form(web)
    for url in urls:
        response = web.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
        for attributes in SCRIPT_TAG.findall(html):
            if "src=" not in attributes:
                assert f'nonce="{nonce}"' in attributes, (url, attributes)
        assert not INLINE_HANDLER.search(html), (url, INLINE_HANDLER.search(html).group(0))
        # Flask-Admin's inert javascript:void(0) links are cancelled by crm-ui.js; nothing else may appear.
        assert not re.search(r"javascript:(?!void\(0\))", html), url


@pytest.fixture()
def https_app(app, db):
    return make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True, SESSION_COOKIE_SECURE=True)


def test_hsts_only_when_cookies_are_secure(https_app, web):
    secure = https_app.test_client()
    response = secure.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Secure" in response.headers.get("Set-Cookie", "Secure")
    assert "Strict-Transport-Security" not in web.get("/login", base_url="https://localhost").headers


def test_pages_refuse_to_be_framed(web):
    login_form(web)
    response = web.get("/customer/")
    assert _csp(response)["frame-ancestors"] == "frame-ancestors 'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    _db.session.rollback()
