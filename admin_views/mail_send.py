"""邮件管理 > 发送邮件 (manual 10.2, fig. 10-3, 10-4): 发件人, 收件人 with 自客户/自联系人, 抄送, 主题, rich-text 正文, 附件."""

from flask import jsonify, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user

from admin_views.base import SecuredView, form_id
from admin_views.rich_text import RICH_TEXT_CSS, RICH_TEXT_JS, RICH_TEXT_WIDGET, StaticUrl
from admin_views.transactions import committed
from app.security.permissions import Screen
from app.services.mail import accounts, outbox, pickers


class MessagingPage(SecuredView):
    """A custom page registered through VIEWS like the model views (the model slot is unused)."""

    def __init__(self, model=None, **kwargs):
        super().__init__(**kwargs)


class SendMailView(MessagingPage):
    screen = Screen("mail_send", "发送邮件", "邮件管理", ("view",))
    extra_css = RICH_TEXT_CSS
    extra_js = RICH_TEXT_JS + [StaticUrl("js/messaging.js")]

    def _page(self, data, error=None, status=200):
        return self.render("admin/mail/send.html", data=data, error=error, widget=RICH_TEXT_WIDGET,
                           accounts=accounts.usable_accounts(current_user)), status

    @expose("/", methods=("GET", "POST"))
    def index(self):
        if request.method == "POST":
            with committed(flash_error=False) as outcome:
                message = outbox.compose(current_user, form_id("account_id"), request.form.get("to", ""),
                                         request.form.get("cc", ""), request.form.get("subject", ""),
                                         request.form.get("body", ""), request.files.getlist("attachments"))
                message_id = message.id
            if outcome.failed:
                return self._page(request.form.to_dict(), outcome.error, 400)
            outbox.dispatch(message_id)
            return redirect(url_for("mail_outbox.sent", id=message_id))
        data = {"to": request.args.get("to", "")[:2000]}
        return self._page(data)

    @expose("/pick")
    def pick(self):
        rows = pickers.pick(current_user, request.args.get("kind", ""), request.args.get("q", ""), "email")
        return jsonify(rows)
