"""短信管理 > 群发短信 (manual 11.2, fig. 11-2): account with its balance, numbers typed or picked, counters,
templates, 预定发送时间."""

from flask import jsonify, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user

from admin_views.base import form_id
from admin_views.mail_send import MessagingPage
from admin_views.rich_text import StaticUrl
from admin_views.transactions import committed
from app.security.permissions import Screen
from app.services.mail import pickers
from app.services.sms import accounts, sending, templates
from app.services.sms.numbers import MAX_PER_SEND, parse_numbers


class SendSmsView(MessagingPage):
    screen = Screen("sms_send", "群发短信", "短信管理", ("view",))
    extra_js = [StaticUrl("js/messaging.js")]

    def _page(self, data, error=None, status=200):
        rows = [(account, *accounts.balance(account)) for account in accounts.all_accounts()]
        numbers = parse_numbers(data.get("numbers", ""))
        return self.render("admin/sms/send.html", data=data, error=error, accounts=rows, numbers=numbers,
                           max_numbers=MAX_PER_SEND, templates=templates.usable_templates(),
                           hours=sending.marketing_hours()), status

    @expose("/", methods=("GET", "POST"))
    def index(self):
        if request.method == "POST":
            with committed(flash_error=False) as outcome:
                summary = sending.create_send(current_user, form_id("account_id"), request.form.get("numbers", ""),
                                              request.form.get("content", ""), request.form.get("scheduled_at", ""))
                outcome.message = summary.message()
                batch_id = summary.batch.id
            if outcome.failed:
                return self._page(request.form.to_dict(), outcome.error, 400)
            sending.dispatch(batch_id)
            return redirect(url_for("sms_history.index_view", batch=batch_id))
        return self._page({"numbers": request.args.get("mobile", "")[:20]})

    @expose("/pick")
    def pick(self):
        return jsonify(pickers.pick(current_user, request.args.get("kind", ""), request.args.get("q", ""), "mobile"))
