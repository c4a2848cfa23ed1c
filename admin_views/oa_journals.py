"""办公OA > 工作日志 (8.1) and 工作计划 (8.5): own entries, superiors' 点评, the employee row's 工作日志 link."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import DateBetweenFilter, FilterEqual, IntEqualFilter
from flask_admin.model.template import BaseListRowAction
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from sqlalchemy import or_, select
from wtforms import DateField, SelectField, StringField, TextAreaField

from admin_views.base import CrmModelView, format_datetime, lazy_options, parse_id
from admin_views.row_actions import PageRowAction, PostRowAction
from admin_views.transactions import committed
from app.extensions import db
from app.security.permissions import Screen, can
from app.security.scope import visible_owner_ids
from app.services.errors import DomainError
from app.services.oa import journals
from models.accounts import Employee
from models.oa import LogKind, PlanKind, WorkLog, WorkPlan

CONFIRM_JS: list = []  # confirmations: data-confirm, run by app/static/crm-ui.js on every page


def _employee_options():
    owners = visible_owner_ids(current_user, "worklog")
    query = select(Employee.id, Employee.real_name).order_by(Employee.real_name)
    if owners is not None:
        query = query.where(Employee.id.in_(sorted(owners)))
    return [(str(i), name) for i, name in db.session.execute(query)]


class LinkRowAction(BaseListRowAction):
    """A row link to another screen (the employee row's 工作日志), shown with that screen's permission."""

    def __init__(self, title: str, permission: str, url_for_row):
        super().__init__(title)
        self.permission = permission
        self.url_for_row = url_for_row

    def render(self, context, row_id, row):
        if not can(self.permission):
            return ""
        return Markup(f'<a class="btn btn-sm btn-outline-secondary py-0 px-1 ml-1" '
                      f'href="{escape(self.url_for_row(row_id))}">{escape(self.title)}</a>')


class ConfirmPostRowAction(PostRowAction):
    """PostRowAction whose confirmation is a data-confirm attribute (app/static/crm-ui.js), not an inline handler."""

    def render(self, context, row_id, row):
        view = context.resolve("admin_view")
        if not view.allowed(self.permission) or (self.visible and not self.visible(row)):
            return ""
        url = view.get_url(".row_action", action_name=self.name, record_id=row_id, url=request.full_path)
        return Markup(
            f'<form method="post" action="{escape(url)}" class="d-inline crm-row-action" '
            f'data-confirm="{escape(self.confirm or "")}"><input type="hidden" name="csrf_token" '
            f'value="{generate_csrf()}"><button type="submit" class="btn btn-sm {self.css} py-0 px-1 ml-1" '
            f'data-action="{escape(self.name)}">{escape(self.title)}</button></form>')


def worklogs_of_url(employee_id) -> str:
    """The 工作日志 list filtered to one author (the 作者 filter is the list's first)."""
    return url_for("worklog.index_view", flt0_0=employee_id)


EMPLOYEE_WORKLOG_LINK = LinkRowAction("工作日志", "worklog.view", worklogs_of_url)


def _own(row) -> bool:
    return row.author_id == current_user.id


class JournalView(CrmModelView):
    """Shared by 工作日志 and 工作计划: the list in scope, own add/edit/delete, the detail page with 点评."""

    journal: journals.Journal
    owner_attr = "author_id"
    details_template = "admin/oa/journal_details.html"
    extra_js = CONFIRM_JS
    column_searchable_list = ("title",)
    column_default_sort = ("id", True)
    form_columns = ("kind", "day", "title", "content")

    day_label = "日期"
    post_row_actions = (ConfirmPostRowAction("delete_own", "删除", "delete", confirm="确定删除吗？删除后不能恢复。",
                                             visible=_own, css="btn-outline-danger"),)

    def get_list_row_actions(self):
        return [PageRowAction(".details_view", "查看", "view"), OwnEditAction("编辑"), *self.post_row_actions]

    def scaffold_form(self):
        kinds = self.journal.kinds

        class Form(self.form_base_class):
            kind = SelectField("类别", choices=[(k.value, k.label) for k in kinds])
            day = DateField(self.day_label, format="%Y-%m-%d")
            title = StringField("标题", render_kw={"maxlength": 100})
            content = TextAreaField("内容", render_kw={"rows": 12})

        return Form

    def _values(self, form) -> dict:
        return {"kind": form.kind.data, "day": form.day.data or request.form.get("day"),
                "title": form.title.data, "content": form.content.data,
                "report_to_id": getattr(form, "report_to_id", None) and form.report_to_id.data}

    def validate_form(self, form):
        return request.method == "POST"  # every rule (and its Chinese message) is in the service

    def create_model(self, form):
        with committed() as outcome:
            entry = journals.save_entry(self.journal, current_user, self._values(form))
        return False if outcome.failed else entry

    def update_model(self, form, model):
        with committed() as outcome:
            journals.save_entry(self.journal, current_user, self._values(form), model)
        return not outcome.failed

    def edit_form(self, obj=None):
        if obj is not None and obj.author_id != current_user.id:
            abort(403)
        form = super().edit_form(obj)
        if obj is not None and request.method == "GET":
            form.day.data = obj.log_date if self.journal is journals.WORKLOG else obj.period_start
        return form

    def delete_record(self, row):
        journals.delete_entry(self.journal, current_user, row)

    def do_delete_own(self, obj):
        journals.delete_entry(self.journal, current_user, obj)
        return f"{self.journal.noun}已删除"

    @expose("/details/")
    def details_view(self):
        entry = self.get_one(request.args.get("id"))
        journals.opened_by(self.journal, current_user, entry)
        db.session.commit()
        return self.render(self.details_template, entry=entry, journal=self.journal,
                           may_comment=journals.can_comment(current_user, self.journal, entry),
                           own=entry.author_id == current_user.id)

    @expose("/comment/<entry_id>", methods=["POST"])
    def add_comment(self, entry_id):
        entry = self.get_one(entry_id)
        with committed("点评已提交"):
            journals.add_comment(self.journal, current_user, entry, request.form.get("content"))
        return redirect(url_for(".details_view", id=entry.id))

    def _comment(self, comment_id):
        if parse_id(comment_id) is None:
            abort(404)
        comment = db.session.get(self.journal.comment_model, parse_id(comment_id))
        if comment is None:
            abort(404)
        entry = self.get_one(str(comment.plan_id if self.journal is journals.WORK_PLAN else comment.log_id))
        return comment, entry

    @expose("/comment/<comment_id>/edit", methods=["POST"])
    def edit_comment(self, comment_id):
        comment, entry = self._comment(comment_id)
        with committed("点评已修改"):
            journals.edit_comment(self.journal, current_user, comment, request.form.get("content"))
        return redirect(url_for(".details_view", id=entry.id))

    @expose("/comment/<comment_id>/delete", methods=["POST"])
    def delete_comment(self, comment_id):
        comment, entry = self._comment(comment_id)
        with committed("点评已删除"):
            journals.delete_comment(self.journal, current_user, comment)
        return redirect(url_for(".details_view", id=entry.id))

    def handle_view_exception(self, exc):
        if isinstance(exc, DomainError):
            flash(exc.message, "error")
            return True
        return super().handle_view_exception(exc)


class OwnEditAction(BaseListRowAction):
    def render(self, context, row_id, row):
        view = context.resolve("admin_view")
        if not view.allowed("edit") or row.author_id != current_user.id:
            return ""
        url = view.get_url(".edit_view", id=row_id, url=request.full_path)
        return Markup(f'<a class="btn btn-sm btn-outline-primary py-0 px-1 ml-1" href="{escape(url)}">编辑</a>')


class WorkLogView(JournalView):
    screen = Screen("worklog", "工作日志", "办公OA", ("view", "add", "edit", "delete", "comment"), scoped=True)
    journal = journals.WORKLOG
    scope_module = "worklog"
    record_noun = "工作日志"
    column_list = ("kind", "log_date", "title", "author", "comments", "created_at")
    column_labels = {"kind": "日志类别", "log_date": "日志日期", "title": "标题", "author": "作者",
                     "comments": "点评", "created_at": "提交时间"}
    column_formatters = {"kind": lambda v, c, m, n: m.kind_label, "created_at": format_datetime,
                         "author": lambda v, c, m, n: m.author.real_name,
                         "comments": lambda v, c, m, n: f"{len(m.comments)} 条" if m.comments else "未点评"}
    column_sortable_list = ("log_date", "created_at")
    column_filters = (
        IntEqualFilter(WorkLog.author_id, "作者", options=lazy_options(_employee_options)),
        FilterEqual(WorkLog.kind, "日志类别", options=[(k.value, k.label) for k in LogKind]),
        DateBetweenFilter(WorkLog.log_date, "日志日期"),
    )


def _plan_employee_options():
    owners = visible_owner_ids(current_user, "work_plan")
    query = select(Employee.id, Employee.real_name).order_by(Employee.real_name)
    if owners is not None:
        query = query.where(or_(Employee.id.in_(sorted(owners)), Employee.id.in_(
            select(WorkPlan.author_id).where(WorkPlan.report_to_id == current_user.id))))
    return [(str(i), name) for i, name in db.session.execute(query)]


class WorkPlanView(JournalView):
    screen = Screen("work_plan", "工作计划", "办公OA", ("view", "add", "edit", "delete", "comment"), scoped=True)
    journal = journals.WORK_PLAN
    scope_module = "work_plan"
    record_noun = "工作计划"
    day_label = "计划开始日期"
    form_columns = ("kind", "day", "title", "content", "report_to_id")
    column_list = ("kind", "period_start", "title", "author", "report_to", "comments", "created_at")
    column_labels = {"kind": "计划类别", "period_start": "计划开始日期", "title": "标题", "author": "作者",
                     "report_to": "汇报给", "comments": "点评", "created_at": "提交时间"}
    column_formatters = {"kind": lambda v, c, m, n: m.kind_label, "created_at": format_datetime,
                         "author": lambda v, c, m, n: m.author.real_name,
                         "report_to": lambda v, c, m, n: m.report_to.real_name if m.report_to else "",
                         "comments": lambda v, c, m, n: f"{len(m.comments)} 条" if m.comments else "未点评"}
    column_sortable_list = ("period_start", "created_at")
    column_filters = (
        IntEqualFilter(WorkPlan.author_id, "作者", options=lazy_options(_plan_employee_options)),
        FilterEqual(WorkPlan.kind, "计划类别", options=[(k.value, k.label) for k in PlanKind]),
        DateBetweenFilter(WorkPlan.period_start, "计划开始日期"),
    )

    def scaffold_form(self):
        base = super().scaffold_form()

        class Form(base):
            report_to_id = SelectField("汇报给", choices=[])

        return Form

    def _with_targets(self, form):
        form.report_to_id.choices = [("", "--不汇报--")] + [
            (str(e.id), e.real_name) for e in journals.report_targets(current_user)]
        return form

    def create_form(self, obj=None):
        return self._with_targets(super().create_form(obj))

    def edit_form(self, obj=None):
        form = self._with_targets(super().edit_form(obj))
        if obj is not None and request.method == "GET":
            form.report_to_id.data = str(obj.report_to_id or "")
        return form

    def _scoped(self, query):
        owners = visible_owner_ids(current_user, "work_plan")
        if owners is None:
            return query
        return query.filter(or_(WorkPlan.author_id.in_(sorted(owners)), WorkPlan.report_to_id == current_user.id))

    def get_one(self, id):
        if parse_id(id) is None:
            abort(404)
        obj = db.session.get(WorkPlan, parse_id(id))
        if obj is None or not journals.can_read(current_user, self.journal, obj):
            abort(404)
        return obj
