"""Every registered admin screen, endpoint and action is refused without its permission.

The matrix is built from the registered views, so screens added later are covered automatically.
"""

import pytest
from flask import url_for

from admin_views.base import CrmModelView, SecuredMixin
from app.extensions import db as _db
from tests.helpers import login, make_employee, make_role

# Any one permission lets an account log in; this one belongs to no admin view's own checks below.
LOGIN_ONLY = "login_log.view"


def _secured_views(app):
    admin = app.extensions["admin"][0]
    return [view for view in admin._views if isinstance(view, SecuredMixin)]


def _user_with(client, codes, name="matrix"):
    role = make_role(f"角色-{name}", codes)
    make_employee(name, role=role)
    _db.session.commit()
    login(client, name, "secret#123")


def _index_url(app, view):
    with app.test_request_context():
        return url_for(f"{view.endpoint}.{view._default_view}")


def test_anonymous_users_are_sent_to_login_from_every_screen(app, client):
    for view in _secured_views(app):
        response = client.get(_index_url(app, view))
        assert response.status_code == 302, view.endpoint
        assert "/login" in response.headers["Location"], view.endpoint


def test_without_view_permission_every_screen_is_403_and_hidden_from_the_menu(app, client):
    _user_with(client, [LOGIN_ONLY])
    home = client.get("/").get_data(as_text=True)
    for view in _secured_views(app):
        url = _index_url(app, view)
        if view.screen.code == "login_log":
            continue
        assert client.get(url).status_code == 403, view.endpoint
        assert f'href="{url}"' not in home, view.endpoint


def test_view_permission_alone_shows_the_list_but_refuses_every_other_endpoint(app, client):
    views = [v for v in _secured_views(app) if isinstance(v, CrmModelView)]
    codes = [f"{v.screen.code}.view" for v in views]
    _user_with(client, codes)
    home = client.get("/").get_data(as_text=True)
    for view in views:
        url = _index_url(app, view)
        assert client.get(url).status_code == 200, view.endpoint
        if view.is_visible():  # some pages are reached from another screen, not the menu
            assert f'href="{url}"' in home, view.endpoint
        with app.test_request_context():
            create = url_for(f"{view.endpoint}.create_view")
            edit = url_for(f"{view.endpoint}.edit_view", id=1)
            delete = url_for(f"{view.endpoint}.delete_view")
        assert client.get(create).status_code == 403, view.endpoint
        assert client.post(create, data={}).status_code == 403, view.endpoint
        assert client.post(edit, data={}).status_code == 403, view.endpoint
        assert client.post(delete, data={"id": "1"}).status_code == 403, view.endpoint
        if "export" in view.screen.actions:
            with app.test_request_context():
                export = url_for(f"{view.endpoint}.export_xlsx")
            assert client.get(export).status_code == 403, view.endpoint
        for action in view.post_row_actions:
            if action.permission == "view":  # held here; such actions check ownership instead
                continue
            with app.test_request_context():
                target = url_for(f"{view.endpoint}.row_action", action_name=action.name, record_id="1")
            assert client.post(target).status_code == 403, (view.endpoint, action.name)


def test_bulk_actions_are_refused_without_their_permission(app, client):
    views = [v for v in _secured_views(app) if isinstance(v, CrmModelView)]
    _user_with(client, [f"{v.screen.code}.view" for v in views])
    for view in views:
        for name, _label in view._actions:
            with app.test_request_context():
                target = url_for(f"{view.endpoint}.action_view")
            response = client.post(target, data={"action": name, "rowid": ["1"]})
            assert response.status_code == 403, (view.endpoint, name)


@pytest.mark.parametrize("action", ["add", "edit", "delete"])
def test_granting_a_permission_opens_exactly_that_endpoint(app, client, action):
    _user_with(client, ["warehouse.view", f"warehouse.{action}"], name=f"wh{action}")
    status = {
        "add": client.get("/warehouse/new/").status_code,
        "edit": client.get("/warehouse/edit/?id=1").status_code,
        "delete": client.post("/warehouse/delete/", data={"id": "999"}).status_code,
    }
    assert status.pop(action) in (200, 302, 404)  # 404: allowed, but record 999 does not exist
    assert set(status.values()) == {403}


def test_crafted_non_numeric_ids_are_404_on_every_screen(app, client):
    login(client)
    for view in [v for v in _secured_views(app) if isinstance(v, CrmModelView)]:
        with app.test_request_context():
            edit = url_for(f"{view.endpoint}.edit_view", id="abc")
            delete = url_for(f"{view.endpoint}.delete_view")
            action = url_for(f"{view.endpoint}.action_view")
        if view.can_edit:
            assert client.get(edit).status_code == 404, view.endpoint
        if view.can_delete:
            assert client.post(delete, data={"id": "1 OR 1=1"}).status_code == 404, view.endpoint
            assert client.post(action, data={"action": "delete", "rowid": ["abc"]}).status_code == 404, view.endpoint
