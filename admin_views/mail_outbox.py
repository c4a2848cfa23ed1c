"""邮件管理 > 发件箱 (manual 10.3): every mail with its status, the server's answer, 重新发送, attachments."""

from flask import abort, request, send_file
from flask_admin import expose
from flask_admin.contrib.sqla.filters import DateTimeBetweenFilter, FilterEqual
from markupsafe import Markup

from admin_views.base import CrmModelView, format_datetime, parse_id
from admin_views.row_actions import PostRowAction
from app.extensions import db
from app.security.permissions import Screen
from app.services.mail import attachments, outbox
from models.mail import MailAttachment, MailMessage, MailStatus


def _status(view, context, model, name):
    css = {"sent": "success", "failed": "danger", "sending": "info"}.get(model.status.value, "secondary")
    return Markup(f'<span class="badge badge-{css} mail-status">{model.status.label}</span>')


class MailOutboxView(CrmModelView):
    screen = Screen("mail_outbox", "发件箱", "邮件管理", ("view", "delete", "resend"), scoped=True)
    scope_module = "mail_outbox"
    owner_attr = "sender_id"
    record_noun = "邮件"
    can_create = False
    details_template = "admin/mail/outbox_detail.html"
    column_list = ("created_at", "subject", "recipients", "from_address", "status", "attempts", "error", "sent_at",
                   "sender")
    column_labels = {"created_at": "提交时间", "subject": "邮件主题", "recipients": "收件人", "from_address": "发件人",
                     "status": "状态", "attempts": "尝试次数", "error": "错误信息", "sent_at": "发送时间",
                     "sender": "发送人", "cc": "抄送"}
    column_formatters = {"created_at": format_datetime, "sent_at": format_datetime, "status": _status,
                         "sender": lambda v, c, m, n: m.sender.real_name if m.sender else ""}
    column_searchable_list = ("subject", "recipients")
    column_sortable_list = ("created_at", "sent_at")
    column_default_sort = ("id", True)
    column_filters = (FilterEqual(MailMessage.status, "状态", options=[(s.value, s.label) for s in MailStatus]),
                      DateTimeBetweenFilter(MailMessage.created_at, "提交时间"))
    post_row_actions = (PostRowAction("resend", "重新发送", "resend", visible=lambda m: m.status is MailStatus.FAILED),)

    @property
    def can_edit(self):
        return False

    def do_resend(self, message):
        outbox.resend(message)
        self._resend_id = message.id
        return "已重新提交发送"

    @expose("/row-action/<action_name>/<record_id>", methods=["POST"])
    def row_action(self, action_name, record_id):
        self._resend_id = None
        response = super().row_action(action_name, record_id)
        if self._resend_id:
            outbox.dispatch(self._resend_id)
        return response

    def delete_record(self, row):
        attachments.remove(list(row.attachments))
        db.session.delete(row)

    @expose("/sent/")
    def sent(self):
        """The page after 发送 (fig. 10-4): what happened to the mail just written."""
        message = self.get_one(request.args.get("id", ""))
        db.session.refresh(message)
        return self.render("admin/mail/sent.html", message=message)

    @expose("/attachment/<file_id>")
    def attachment(self, file_id):
        row = db.session.get(MailAttachment, parse_id(file_id)) if parse_id(file_id) else None
        if row is None:
            abort(404)
        self.get_one(str(row.message_id))  # scope check: 404 outside it
        return send_file(attachments.path_of(row), as_attachment=True, download_name=row.original_name)

