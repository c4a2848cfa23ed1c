"""Smaller points of issue 11 (items 9, 11): named delete confirmations, 删除 as text, menus on personal pages,
favicon, the export's ASCII file name."""

import re

from app.timeutil import local_today
from tests.helpers import login
from tests.order_factories import make_product


def test_delete_button_is_labelled_and_names_the_record(client, db):
    make_product(name="蛋白糖100倍", code="P00001")
    db.session.commit()
    login(client)
    page = client.get("/product/").get_data(as_text=True)
    assert 'data-confirm="确定删除产品信息“P00001 蛋白糖100倍”吗？删除后不能恢复。"' in page
    assert re.search(r'<button type="submit" class="crm-delete-button"[^>]*>删除</button>', page)
    assert "fa-trash" not in page


def test_password_and_reminder_pages_keep_the_left_menu(client, db):
    login(client)
    for url, heading in (("/account/password", "修改密码"), ("/account/reminders", "提醒")):
        response = client.get(url, follow_redirects=True)
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and 'id="crm-menu"' in page and heading in page, url


def test_password_page_still_refuses_a_wrong_old_password(client, db):
    login(client)
    page = client.get("/account/password").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/account/password", data={"csrf_token": token, "old_password": "wrong",
                                                       "new_password": "Xz#2026-new", "confirm_password": "Xz#2026-new"})
    page = response.get_data(as_text=True)
    assert 'id="password-error"' in page and 'id="crm-menu"' in page


def test_favicon_is_linked_and_served(client, db):
    assert 'rel="icon"' in client.get("/login").get_data(as_text=True)
    login(client)
    assert 'rel="icon"' in client.get("/product/").get_data(as_text=True)
    response = client.get("/static/favicon.svg")
    assert response.status_code == 200 and b"<svg" in response.data


def test_export_has_an_ascii_fallback_name(client, db):
    make_product(name="蛋白糖100倍")
    db.session.commit()
    login(client)
    response = client.get("/product/export.xlsx")
    disposition = response.headers["Content-Disposition"]
    assert f"filename=export-{local_today():%Y%m%d}.xlsx;" in disposition
    assert "filename*=UTF-8''" in disposition and "filename=.xlsx" not in disposition
