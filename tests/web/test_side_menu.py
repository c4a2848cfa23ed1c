"""The side menu is rendered once per permission set and page; a role change must show on the very next request."""

import re

from flask import url_for

from app.extensions import db as _db
from models.accounts import RolePermission
from tests.helpers import login, make_employee, make_role


def _menu(html: str) -> str:
    return re.search(r'<nav class="crm-sidebar" id="crm-menu">(.*?)</nav>', html, re.S).group(1)


def _urls(app):
    with app.test_request_context():
        return url_for("customer.index_view"), url_for("product.index_view")


def test_a_role_change_shows_in_the_menu_on_the_next_request(app, client):
    customers, products = _urls(app)
    role = make_role("角色-菜单", ["customer.view"])
    make_employee("menu_user", role=role)
    _db.session.commit()
    login(client, "menu_user", "secret#123")
    menu = _menu(client.get("/").get_data(as_text=True))
    assert f'href="{customers}"' in menu and f'href="{products}"' not in menu

    role.permissions = [RolePermission(code="product.view")]
    _db.session.commit()
    menu = _menu(client.get("/").get_data(as_text=True))
    assert f'href="{products}"' in menu and f'href="{customers}"' not in menu
    assert client.get(customers).status_code == 403


def test_the_menu_marks_the_page_shown_as_active(app, client):
    customers, products = _urls(app)
    role = make_role("角色-菜单2", ["customer.view", "product.view"])
    make_employee("menu_user2", role=role)
    _db.session.commit()
    login(client, "menu_user2", "secret#123")
    for page, other in ((customers, products), (products, customers), (customers, products)):
        menu = _menu(client.get(page).get_data(as_text=True))
        assert f'class="crm-menu-item active" href="{page}"' in menu
        assert f'class="crm-menu-item " href="{other}"' in menu
