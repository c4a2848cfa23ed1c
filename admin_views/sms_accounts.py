"""短信管理 > 账户管理 and 查看余额 (manual 11.1, 11.4, fig. 11-1, 11-4)."""

from flask import redirect, request
from flask_admin import expose

from admin_views.base import CrmModelView, format_bool
from admin_views.mail_send import MessagingPage
from admin_views.transactions import committed
from app.security.permissions import Screen
from app.services.sms import accounts
from models.sms import SmsChannel

FIELDS = ("name", "channel", "gateway_url", "username", "signature", "single_chars", "part_chars", "max_chars",
          "numbers_per_request")


def _values(form) -> accounts.SmsAccountValues:
    return accounts.SmsAccountValues(**{name: form.get(name, "") for name in FIELDS}, secret=form.get("secret", ""),
                                     count_signature=form.get("count_signature") == "1",
                                     is_default=form.get("is_default") == "1")


class SmsAccountView(CrmModelView):
    screen = Screen("sms_account", "账户管理", "短信管理", ("view", "add", "edit", "delete"))
    record_noun = "短信账户"
    can_view_details = False
    column_list = ("name", "channel", "signature", "gateway_url", "rule", "is_default")
    column_labels = {"name": "账户名称", "channel": "短信通道", "signature": "短信签名", "gateway_url": "网关地址",
                     "rule": "计费规则", "is_default": "默认账户"}
    column_formatters = {
        "channel": lambda v, c, m, n: m.channel.label, "signature": lambda v, c, m, n: f"【{m.signature}】",
        "rule": lambda v, c, m, n: (f"{m.single_chars} 字一条，超出按每条 {m.part_chars} 字，最多 {m.max_chars} 字"
                                    + ("（含签名）" if m.count_signature else "")),
        "is_default": format_bool}
    column_default_sort = ("id", False)

    def _page(self, account, data, error=None):
        return self.render("admin/sms/account_form.html", account=account, data=data, error=error,
                           channels=list(SmsChannel), back=self.get_url(".index_view"))

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        self.require("add")
        if request.method == "POST":
            with committed("短信账户已添加", flash_error=False) as outcome:
                accounts.save_account(None, _values(request.form))
            if outcome.failed:
                return self._page(None, request.form.to_dict(), outcome.error)
            return redirect(self.get_url(".index_view"))
        return self._page(None, {"channel": "notice", "single_chars": "65", "part_chars": "65", "max_chars": "200",
                                 "numbers_per_request": "100"})

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        self.require("edit")
        account = self.get_one(request.args.get("id", ""))
        if request.method == "POST":
            with committed("短信账户已保存", flash_error=False) as outcome:
                accounts.save_account(account, _values(request.form))
            if outcome.failed:
                return self._page(account, request.form.to_dict(), outcome.error)
            return redirect(self.get_url(".index_view"))
        data = {name: str(getattr(account, name).value if name == "channel" else getattr(account, name))
                for name in FIELDS}
        data |= {"count_signature": "1" if account.count_signature else "", "is_default": "1" if account.is_default else ""}
        return self._page(account, data)

    def delete_record(self, row):
        from app.extensions import db
        from app.services.base_data import referencing_rows
        from app.services.errors import ValidationFailed

        if referencing_rows(row):
            raise ValidationFailed(f"短信账户“{row.name}”已有发送记录，不能删除")
        db.session.delete(row)


class SmsBalanceView(MessagingPage):
    screen = Screen("sms_balance", "查看余额", "短信管理", ("view",))

    @expose("/")
    def index(self):
        rows = [(account, *accounts.balance(account)) for account in accounts.all_accounts()]
        return self.render("admin/sms/balance.html", rows=rows)
