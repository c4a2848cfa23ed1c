"""办公OA > 提醒中心 (manual 8.3): every reminder of the signed-in employee, read/unread, links to the record."""

from flask import abort, redirect
from flask_admin import expose
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual
from flask_login import current_user

from admin_views.base import CrmModelView, format_datetime, parse_id
from admin_views.row_actions import PostRowAction
from app.account import safe_link
from app.extensions import db
from app.security.permissions import Screen
from app.services import reminders as reminder_service
from models.reminders import Reminder


class ReadStateFilter(BaseSQLAFilter):
    def __init__(self, column, name):
        super().__init__(column, name, options=(("unread", "未读"), ("read", "已读")))

    def apply(self, query, value, alias=None):
        if value == "read":
            return query.filter(self.column.is_not(None))
        return query.filter(self.column.is_(None))

    def operation(self):
        return "是"


def _kind_options():
    return sorted(reminder_service.KINDS.items(), key=lambda item: item[1])


class ReminderView(CrmModelView):
    screen = Screen("reminder", "提醒中心", "办公OA", ("view", "delete"))
    list_template = "admin/oa/reminder_list.html"
    can_view_details = False
    record_noun = "提醒"
    column_list = ("created_at", "kind", "title", "body", "read_at")
    column_labels = {"created_at": "提醒时间", "kind": "提醒类别", "title": "提醒", "body": "内容", "read_at": "状态"}
    column_formatters = {
        "created_at": format_datetime,
        "kind": lambda v, c, m, n: reminder_service.kind_label(m.kind),
        "read_at": lambda v, c, m, n: "已读" if m.read_at else "未读",
    }
    column_searchable_list = ("title", "body")
    column_sortable_list = ("created_at", "kind")
    column_default_sort = ("id", True)
    column_filters = (FilterEqual(Reminder.kind, "提醒类别", options=_kind_options),
                      ReadStateFilter(Reminder.read_at, "状态"))
    post_row_actions = (PostRowAction("open", "查看", "view", css="btn-outline-primary"),)

    def get_query(self):
        return super().get_query().filter(Reminder.employee_id == current_user.id)

    def get_count_query(self):
        return super().get_count_query().filter(Reminder.employee_id == current_user.id)

    def get_one(self, id):
        obj = super().get_one(id)
        if obj.employee_id != current_user.id:
            abort(404)
        return obj

    @expose("/row-action/<action_name>/<record_id>", methods=["POST"])
    def row_action(self, action_name, record_id):
        """查看: mark read and go to the record (only the employee's own reminders)."""
        if action_name != "open" or parse_id(record_id) is None:
            abort(404)
        reminder = self.get_one(record_id)
        reminder_service.mark_read(current_user.id, reminder.id)
        db.session.commit()
        return redirect(safe_link(reminder.link))

    def render(self, template, **kwargs):
        if template == self.list_template:
            kwargs["unread_total"] = reminder_service.unread_count(current_user.id)
        return super().render(template, **kwargs)
