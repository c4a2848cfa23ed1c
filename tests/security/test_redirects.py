"""Item 4: no parameter sends a user off the site — login's next, the follow-up and bulk forms' url,
row actions' url and Flask-Admin's own url — after browsers' normalisation of the target."""

import pytest
from sqlalchemy import select

from app.security.urls import safe_return_url
from app.services.customer_demo import make_customer
from models.base_data import CustomerCategory
from tests.helpers import ADMIN_PASSWORD, TEST_CAPTCHA, admin, csrf_from
from tests.security.conftest import EVIL, assert_links_local, post, secure_login


def _lands_at_home(response, fallback="/"):
    location = response.headers.get("Location", "")
    assert response.status_code in (302, 303), response.status_code
    stripped = location.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    assert stripped.startswith("/") and not stripped.startswith("//"), location
    assert "evil" not in location, location
    return location


@pytest.mark.parametrize("target", EVIL)
def test_login_next_stays_on_the_site(client, target):
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", query_string={"next": target},
                           data={"username": "admin", "password": ADMIN_PASSWORD, "captcha": TEST_CAPTCHA,
                                 "csrf_token": csrf_from(page)})
    _lands_at_home(response)


def test_login_next_keeps_a_real_local_page(client):
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", query_string={"next": "/customer/?page=2"},
                           data={"username": "admin", "password": ADMIN_PASSWORD, "captcha": TEST_CAPTCHA,
                                 "csrf_token": csrf_from(page)})
    assert response.headers["Location"] == "/customer/?page=2"


@pytest.mark.parametrize("target", EVIL[:8])
def test_follow_up_form_url_stays_on_the_site(client, db, target):
    customer = make_customer(admin(), name="回访客户")
    db.session.commit()
    secure_login(client)
    response = post(client, "/follow-up/new/", {"content": "回访", "kind": "revisit"},
                    query_string={"customer_id": customer.id, "url": target})
    assert _lands_at_home(response).startswith("/customer/details/")


@pytest.mark.parametrize("target", EVIL[:8])
def test_bulk_form_url_stays_on_the_site(client, db, target):
    customer = make_customer(admin(), name="批量客户")
    db.session.commit()
    secure_login(client)
    response = post(client, "/customer/bulk/category",
                    {"ids": str(customer.id), "target": str(db.session.scalar(select(CustomerCategory.id))),
                     "url": target})
    assert _lands_at_home(response).startswith("/customer/")


@pytest.mark.parametrize("target", EVIL[:8])
def test_row_action_and_flask_admin_url_stay_on_the_site(client, db, target):
    secure_login(client)
    response = post(client, f"/employee/row-action/disable/{admin().id}", query_string={"url": target})
    _lands_at_home(response)  # refused (own account), and sent back to the list
    response = post(client, "/warehouse/new/", {"name": "北京仓", "sort_order": "0"}, query_string={"url": target})
    assert _lands_at_home(response).startswith("/warehouse/")
    form = client.get("/warehouse/new/", query_string={"url": target}).get_data(as_text=True)
    assert_links_local(form)


def test_the_check_itself():
    from flask import Flask

    with Flask(__name__).test_request_context("/", base_url="http://crm.local"):
        for target in EVIL:
            assert safe_return_url(target, "/fallback") == "/fallback", target
        assert safe_return_url("/customer/?search=%E7%8E%8B", "/") == "/customer/?search=%E7%8E%8B"
        assert safe_return_url("http://crm.local/customer/?page=3", "/") == "/customer/?page=3"
        assert safe_return_url("x" * 3000, "/") == "/"
        assert safe_return_url(None, "/") == "/"
