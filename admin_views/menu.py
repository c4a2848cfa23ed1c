"""The side menu, rendered once per permission set and active screen instead of on every page.

Walking Flask-Admin's 80 menu items asks each view's is_accessible / is_visible (a permission check each) and renders
the loop in Jinja on every request. What a user sees depends only on the codes their role holds (read from the
database on each request by `permissions_of`) and on the page being shown, so the rendered HTML is cached under
exactly that key: a role or permission change gives a different key on the very next request, on every web node,
with nothing to invalidate. The menu items themselves are registered at start-up and do not change while the app runs.
"""

from functools import lru_cache

from flask import current_app, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from app.security.permissions import permissions_of


def _entries(admin) -> list:
    """(category name or None, [(name, url, view), ...]) as the old template walked the menu."""
    home = url_for("admin.index")
    entries = []
    for item in admin.menu():
        if item.is_category():
            children = item.get_children()
            if children:
                entries.append((item.name, [(c.name, c.get_url(), c) for c in children]))
        elif item.is_accessible() and item.is_visible() and item.get_url() != home:
            entries.append((None, [(item.name, item.get_url(), item)]))
    return entries


def _link(name, url, active: bool) -> str:
    return f'<a class="crm-menu-item {"active" if active else ""}" href="{escape(url)}">{escape(name)}</a>'


def _render(entries, admin_view) -> Markup:
    parts = []
    for category, children in entries:
        links = "".join(_link(name, url, item.is_active(admin_view)) for name, url, item in children)
        if category is None:
            parts.append(links)
        else:
            parts.append(f'<div class="crm-menu-group"><div class="crm-menu-title">{escape(category)}</div>'
                         f'{links}</div>')
    return Markup("".join(parts))


@lru_cache(maxsize=1024)
def _cached(app_key: int, codes: frozenset, authenticated: bool, view_key: int) -> Markup:
    admin_view = _views[view_key]
    return _render(_entries(admin_view.admin), admin_view)


_views: dict[int, object] = {}


def side_menu(admin_view) -> Markup:
    """The menu items of the side bar (without 我的桌面) for the current user and page."""
    _views[id(admin_view)] = admin_view  # views live as long as the app: their ids stay valid
    codes = frozenset(permissions_of(current_user._get_current_object()))
    return _cached(id(current_app._get_current_object()), codes, bool(current_user.is_authenticated),
                   id(admin_view))
