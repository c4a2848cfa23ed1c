"""短信管理 > 发送历史 (manual 11.3, fig. 11-3): one row per number with its status from the delivery reports."""

from flask import request
from flask_admin import expose
from flask_admin.contrib.sqla.filters import DateTimeBetweenFilter, FilterEqual, FilterLike, IntEqualFilter
from markupsafe import Markup, escape
from sqlalchemy import select

from admin_views.base import CrmModelView, lazy_options, parse_id
from admin_views.row_actions import PostRowAction
from app.extensions import db
from app.security.permissions import Screen
from app.services.sms import sending
from app.timeutil import format_local
from models.accounts import Employee
from models.sms import SmsMessage, SmsStatus


def _employees():
    return [(str(i), n) for i, n in db.session.execute(select(Employee.id, Employee.real_name).order_by(Employee.real_name))]


class EmployeeFilter(IntEqualFilter):
    """发送人: an employee id; a crafted value (letters, 30 digits) is ignored instead of reaching the database."""

    def validate(self, value):
        return parse_id(value) is not None and super().validate(value)


def _status(view, context, model, name):
    css = {"delivered": "success", "failed": "danger", "submitted": "info"}.get(model.status.value, "secondary")
    error = f'<br><small class="text-muted">{escape(model.error)}</small>' if model.error else ""
    return Markup(f'<span class="badge badge-{css} sms-status">{model.status.label}</span>{error}')


class SmsHistoryView(CrmModelView):
    screen = Screen("sms_history", "发送历史", "短信管理", ("view", "delete", "export", "resend"), scoped=True)
    scope_module = "sms_history"
    owner_attr = "sender_id"
    record_noun = "短信记录"
    export_filename = "短信发送历史"
    can_create = False
    can_view_details = False
    column_list = ("mobile", "content", "parts", "created_at", "sent_at", "account", "sender", "status")
    column_labels = {"mobile": "接收人", "content": "短信内容", "parts": "计费条数", "created_at": "提交时间",
                     "sent_at": "发送时间", "account": "发送账号", "sender": "发送人", "status": "发送状态",
                     "error": "失败原因", "reported_at": "状态报告时间"}
    column_formatters = {
        "created_at": lambda v, c, m, n: format_local(m.created_at, "%Y-%m-%d %H:%M"),
        "sent_at": lambda v, c, m, n: format_local(m.sent_at, "%Y-%m-%d %H:%M") if m.sent_at else (
            f"预定 {format_local(m.batch.scheduled_at, '%Y-%m-%d %H:%M')}" if m.batch.scheduled_at else ""),
        "account": lambda v, c, m, n: m.batch.account.name,
        "sender": lambda v, c, m, n: m.sender.real_name if m.sender else "系统",
        "status": _status,
    }
    column_export_list = ("mobile", "content", "parts", "created_at", "sent_at", "account", "sender", "status", "error")
    column_formatters_export = column_formatters | {"status": lambda v, c, m, n: m.status.label}
    column_sortable_list = ("created_at",)
    column_default_sort = ("id", True)
    column_filters = (
        FilterLike(SmsMessage.mobile, "接收人"),
        FilterLike(SmsMessage.content, "短信内容"),
        EmployeeFilter(SmsMessage.sender_id, "发送人", options=lazy_options(_employees)),
        DateTimeBetweenFilter(SmsMessage.created_at, "发送时间"),
        FilterEqual(SmsMessage.status, "发送状态", options=[(s.value, s.label) for s in SmsStatus]),
    )
    post_row_actions = (PostRowAction("resend", "重新发送", "resend", visible=lambda m: m.status is SmsStatus.FAILED),)

    @property
    def can_edit(self):
        return False

    def _batch(self, query):
        batch_id = parse_id(request.args.get("batch"))
        return query.filter(SmsMessage.batch_id == batch_id) if batch_id else query

    def get_query(self):
        return self._batch(super().get_query())

    def get_count_query(self):
        return self._batch(super().get_count_query())

    def do_resend(self, message):
        sending.resend(message)
        self._resend_batch = message.batch_id
        return "已重新提交发送"

    @expose("/row-action/<action_name>/<record_id>", methods=["POST"])
    def row_action(self, action_name, record_id):
        self._resend_batch = None
        response = super().row_action(action_name, record_id)
        if self._resend_batch:
            sending.dispatch(self._resend_batch)
        return response
