"""Row buttons of the lists: a POST with CSRF for changes, a link for pages that post later."""

from flask import request
from flask_admin.model.template import BaseListRowAction
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape


class PostRowAction(BaseListRowAction):
    """A row button that POSTs (with CSRF) to the view's row_action endpoint.

    Workflow transitions and toggles use this, never GET links.
    """

    def __init__(self, name: str, title: str, permission: str, confirm: str | None = None,
                 visible=None, css: str = "btn-outline-primary"):
        super().__init__(title)
        self.name = name
        self.permission = permission
        self.confirm = confirm
        self.visible = visible
        self.css = css

    def render(self, context, row_id, row):
        view = context.resolve("admin_view")
        if not view.allowed(self.permission) or (self.visible and not self.visible(row)):
            return ""
        url = view.get_url(".row_action", action_name=self.name, record_id=row_id, url=request.full_path)
        confirm = f' data-confirm="{escape(self.confirm)}"' if self.confirm else ""
        return Markup(
            f'<form method="post" action="{escape(url)}" class="d-inline crm-row-action">'
            f'<input type="hidden" name="csrf_token" value="{generate_csrf()}">'
            f'<button type="submit" class="btn btn-sm {self.css} py-0 px-1 ml-1" '
            f'data-action="{escape(self.name)}"{confirm}>{escape(self.title)}</button></form>'
        )


class PageRowAction(BaseListRowAction):
    """A row link to a page (GET, nothing changes until that page posts), shown when the permission and, with
    `visible`, the row allow it. The endpoint may be the view's own (".edit") or another view's ("order.edit")."""

    def __init__(self, endpoint: str, title: str, permission: str, id_arg: str = "id", visible=None):
        super().__init__(title)
        self.endpoint = endpoint
        self.permission = permission
        self.id_arg = id_arg
        self.visible = visible

    def render(self, context, row_id, row):
        view = context.resolve("admin_view")
        if not view.allowed(self.permission) or (self.visible and not self.visible(row)):
            return ""
        url = view.get_url(self.endpoint, **{self.id_arg: row_id})
        return Markup(f'<a class="btn btn-sm btn-outline-secondary py-0 px-1 ml-1" data-action="{escape(self.title)}" '
                      f'href="{escape(url)}">{escape(self.title)}</a>')
