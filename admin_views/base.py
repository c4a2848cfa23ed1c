"""Secured base views: every screen names its permission codes and optional data scope here.

A view says which screen it is (`screen = Screen(...)`); the base classes check `<code>.view`
on every request, show create/edit/delete/export only with their codes, and filter every
query, detail page and export by the role's 数据范围 when the screen is record-owning.
"""

import logging
import os
from urllib.parse import quote

from flask import (
    abort,
    after_this_request,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    request,
    send_file,
    url_for,
)
from flask_admin import BaseView, expose
from flask_admin.actions import action
from flask_admin.contrib.sqla import ModelView
from flask_login import current_user
from flask_wtf import FlaskForm
from jinja2 import pass_context
from markupsafe import Markup, escape
from sqlalchemy import Integer
from sqlalchemy.exc import IntegrityError

from admin_views.details import DetailsMixin
from admin_views.input import (
    SafeListArgsMixin,
    bad_numbers,
    clean_text,
    form_id,  # noqa: F401  (re-exported for the views)
    parse_id,
    report_bad_numbers,
)
from admin_views.paging import ListTotalsMixin
from admin_views.row_actions import PageRowAction, PostRowAction
from admin_views.transactions import committed
from app.extensions import db
from app.replica import reads_from_replica
from app.security.permissions import Screen, can, registry
from app.security.scope import apply_scope, can_see_owner
from app.security.urls import route_flask_admin_redirects, safe_return_url
from app.services.errors import DomainError
from app.services.excel import write_workbook
from app.timeutil import format_local, local_today

log = logging.getLogger(__name__)
route_flask_admin_redirects()  # Flask-Admin's own `url` parameter goes through the same check


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def send_temporary_xlsx(path: str, filename: str):
    """Send a generated workbook as a download and remove the file once the response is done."""

    @after_this_request
    def _cleanup(response):
        try:
            os.unlink(path)
        except OSError:
            current_app.logger.warning("could not remove %s", path)
        return response

    response = send_file(path, as_attachment=True, download_name=f"{filename}.xlsx", mimetype=XLSX_MIMETYPE)
    # The Chinese name in filename*, and an ASCII fallback that is a name, not ".xlsx" (werkzeug drops the
    # non-ASCII characters for it).
    fallback = f"export-{local_today():%Y%m%d}.xlsx"
    response.headers["Content-Disposition"] = (f"attachment; filename={fallback}; "
                                               f"filename*=UTF-8''{quote(filename + '.xlsx')}")
    return response


def lazy_options(load):
    """Filter choices read from the database on each request (never at import time)."""

    def options():
        return load() if has_request_context() else []

    return options


def row_url(endpoint: str, row_id, id_arg: str = "id", **params) -> str:
    """url_for(endpoint, id_arg=row_id, **params) for the rows of a list page.

    The URL without the id is built once per request and the id appended per row: url_for with a
    return URL costs about as much as the rest of a row's rendering.
    """
    key = (endpoint, id_arg, tuple(sorted(params.items())))
    prefixes = g.setdefault("row_url_prefixes", {})
    if key not in prefixes:
        base = url_for(endpoint, **params)
        prefixes[key] = f"{base}{'&' if '?' in base else '?'}{id_arg}="
    return f"{prefixes[key]}{row_id}"


def format_datetime(view, context, model, name):
    return format_local(getattr(model, name))


def format_bool(view, context, model, name):
    return "是" if getattr(model, name) else "否"


class CrmForm(FlaskForm):
    """Flask-WTF form (CSRF token checked by CSRFProtect) that, like Flask-Admin's BaseForm,
    remembers the edited object so the Unique validator does not flag the record itself."""

    def __init__(self, formdata=None, obj=None, prefix="", **kwargs):
        self._obj = obj
        super().__init__(formdata=formdata, obj=obj, prefix=prefix, **kwargs)
        for field in self:
            # One-line text fields lose line breaks too (type first: .data of a select would load its choices).
            if field.type in ("StringField", "EmailField", "TelField", "SearchField") and isinstance(field.data, str):
                field.data = clean_text(field.data)
            # WTForms 3.3 shows an empty blank choice by its value ("__None"); give it words instead.
            if getattr(field, "allow_blank", False) and not getattr(field, "blank_text", "x"):
                field.blank_text = "--请选择--"

    def validate(self, extra_validators=None):
        bad = bad_numbers(self)
        valid = super().validate(extra_validators)
        return report_bad_numbers(bad) and valid


class SecuredMixin:
    """Permission checks shared by model views and custom pages."""

    screen: Screen

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        screen = cls.__dict__.get("screen")
        if screen is not None:
            cls.screen = registry.register(screen)

    def allowed(self, action: str) -> bool:
        return can(f"{self.screen.code}.{action}")

    def require(self, action: str) -> None:
        if not self.allowed(action):
            abort(403)

    def is_accessible(self) -> bool:
        return self.allowed("view")  # nobody logged in holds no code

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path))
        abort(403)


class SecuredView(SecuredMixin, BaseView):
    """A custom page (report, settings form, workflow action) behind a permission."""


class CrmModelView(ListTotalsMixin, DetailsMixin, SafeListArgsMixin, SecuredMixin, ModelView):
    """Model-driven list/detail/form with Chinese UI, permissions, data scope and xlsx export."""

    form_base_class = CrmForm
    list_template = "admin/crm/list.html"
    details_template = "admin/crm/details.html"
    page_size = 20
    can_set_page_size = True
    page_size_options = (20, 50, 100)
    can_view_details = True
    simple_list_pager = True  # no COUNT(*) per request on big tables
    column_display_actions = True
    action_disallowed_list: list[str] = []
    column_type_formatters = dict(ModelView.column_type_formatters)
    # Record-owning screens set these two; the rest of the class does the filtering.
    scope_module: str | None = None
    owner_attr: str = "owner_id"
    export_filename = "导出"

    # Buttons follow permissions, evaluated per request.
    @property
    def can_create(self):
        return self.allowed("add")

    @property
    def can_edit(self):
        return self.allowed("edit")

    @property
    def can_delete(self):
        return self.allowed("delete")

    @property
    def can_export_xlsx(self):
        return "export" in self.screen.actions and self.allowed("export")

    can_export = False  # the xlsx export below streams and neutralises; tablib's does neither

    def __init__(self, model, *args, **kwargs):
        super().__init__(model, db, *args, **kwargs)

    # Endpoints that need more than <code>.view; checked before Flask-Admin runs them.
    endpoint_permissions = {"create_view": "add", "edit_view": "edit", "delete_view": "delete",
                            "export_xlsx": "export"}

    def _handle_view(self, name, **kwargs):
        response = super()._handle_view(name, **kwargs)
        if response is not None:
            return response
        required = self.endpoint_permissions.get(name)
        if required and not self.allowed(required):
            abort(403)
        posted_action = request.form.get("action", "") if request.method == "POST" else None
        if name == "action_view" and posted_action is not None and not self.is_action_allowed(posted_action):
            abort(403)
        return None

    @pass_context
    def row_cells(self, context, row) -> Markup:
        """The data cells of one list row in one call (formatters, choices and type formatters as usual).

        Flask-Admin renders each cell through several template calls; for the lists staff keep open
        all day that was half of the page's time (admin/crm/list.html calls this instead).
        """
        cells = []
        for column, _label in self._list_columns:
            value = self._get_list_value(context, row, column, self.column_formatters, self.column_type_formatters)
            cells.append(f'<td class="col-{column}">{escape("" if value is None else value)}</td>')
        return Markup("".join(cells))

    def _get_filter_groups(self):
        self._refresh_filters_cache()  # choices such as departments change while the app runs
        return super()._get_filter_groups()

    # Data scope -------------------------------------------------------
    def _scoped(self, query):
        if self.scope_module:
            query = apply_scope(query, getattr(self.model, self.owner_attr), current_user,
                                self.scope_module)
        return query

    def get_query(self):
        return self._scoped(super().get_query())

    def get_count_query(self):
        return self._scoped(super().get_count_query())

    def get_one(self, id):
        if not self._valid_pk(id):
            abort(404)  # a crafted id such as "abc" must not reach PostgreSQL as an integer
        obj = super().get_one(id)
        if obj is None:
            abort(404)
        if self.scope_module and not can_see_owner(
            current_user, self.scope_module, getattr(obj, self.owner_attr)
        ):
            abort(404)
        return obj

    def _valid_pk(self, id) -> bool:
        columns = list(self.model.__table__.primary_key.columns)
        if len(columns) == 1 and isinstance(columns[0].type, Integer):
            return parse_id(id, columns[0]) is not None
        return True  # composite or text keys: the database compares them as given

    # Errors ----------------------------------------------------------------
    def handle_view_exception(self, exc):
        if isinstance(exc, DomainError):
            flash(exc.message, "error")
            return True
        if isinstance(exc, IntegrityError):
            log.warning("integrity error: %s", exc)
            flash("保存失败：数据与已有记录冲突（如编号或名称重复），请检查后重试", "error")
            return True
        return super().handle_view_exception(exc)

    def is_action_allowed(self, name):
        if name == "delete":
            return self.can_delete
        required = getattr(self, "action_permissions", {}).get(name)
        if required and not self.allowed(required):
            return False
        return super().is_action_allowed(name)

    record_noun = "记录"

    def delete_confirmation(self, row) -> str:
        """确定删除客户“深圳晶显”吗？ - the row's noun (record_noun, else the table's label) and its name."""
        noun = self.record_noun
        if noun == "记录":
            noun = self.model.__table__.info.get("label", noun)
        name = str(row) if type(row).__str__ is not object.__str__ else ""
        named = f"“{name[:40]}”" if name else ""
        return f"确定删除{noun}{named}吗？删除后不能恢复。"

    def delete_record(self, row):
        """Remove one row; views whose rows a service deletes (keeping totals right) override this."""
        self.on_model_delete(row)
        db.session.delete(row)

    def delete_model(self, model):
        try:
            self.delete_record(model)
            db.session.commit()
        except (DomainError, IntegrityError) as exc:
            db.session.rollback()
            self.handle_view_exception(exc)
            return False
        self.after_model_delete(model)
        return True

    @action("delete", "删除", "确定要删除选中的记录吗？删除后不能恢复。")
    def action_delete(self, ids):
        """Bulk delete: one transaction, refused as a whole when any row may not go."""
        if not self.can_delete:
            abort(403)
        with committed() as outcome:
            rows = [self.get_one(i) for i in ids]
            for row in rows:
                self.delete_record(row)
            outcome.message = f"已删除 {len(rows)} 条{self.record_noun}"

    # POST row actions ----------------------------------------------------------
    post_row_actions: tuple[PostRowAction, ...] = ()

    page_row_actions: tuple[PageRowAction, ...] = ()

    def get_list_row_actions(self):
        return super().get_list_row_actions() + list(self.page_row_actions) + list(self.post_row_actions)

    @expose("/row-action/<action_name>/<record_id>", methods=["POST"])
    def row_action(self, action_name, record_id):
        action = next((a for a in self.post_row_actions if a.name == action_name), None)
        if action is None:
            abort(404)
        self.require(action.permission)
        obj = self.get_one(record_id)
        with committed() as outcome:
            outcome.message = getattr(self, f"do_{action_name}")(obj)
        return redirect(self._return_url())

    def _return_url(self):
        return safe_return_url(request.args.get("url"), self.get_url(".index_view"))

    # Export ------------------------------------------------------------------
    def export_rows(self, query):
        names = [name for name, _ in self._export_columns]
        for row in query.yield_per(1000):
            yield [self.get_export_value(row, name) for name in names]

    def get_export_value(self, model, name):
        """Typed values (numbers, dates) for plain columns; formatted text where a formatter exists."""
        if name in (self.column_formatters_export or {}) or name in (self.column_formatters or {}):
            return super().get_export_value(model, name)
        return self._get_field_value(model, name)

    @expose("/export.xlsx")
    @reads_from_replica  # the list's own query (search, filters, scope), on REPORTS_DATABASE_URL when set
    def export_xlsx(self):
        if not self.can_export_xlsx:
            abort(403)
        args = self._get_list_extra_args()
        sort = self._get_column_by_idx(args.sort)
        _, query = self.get_list(0, sort[0] if sort else None, args.sort_desc, args.search,
                                 args.filters, execute=False, page_size=0)
        headers = [label for _, label in self._export_columns]
        path = write_workbook([(self.name[:31], headers, self.export_rows(query))])
        return send_temporary_xlsx(path, self.export_filename)
