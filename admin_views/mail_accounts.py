"""邮件管理 > 邮件配置 (manual 10.1, fig. 10-1, 10-2): SMTP accounts, 测试, the table of common SMTP servers."""

from flask import flash, redirect, request
from flask_admin import expose
from flask_login import current_user

from admin_views.base import CrmModelView, format_bool, parse_id
from admin_views.row_actions import PostRowAction
from admin_views.transactions import committed
from app.security.permissions import Screen
from app.services.errors import NotFound
from app.services.mail import accounts
from models.mail import SmtpSecurity


def _values(form) -> accounts.AccountValues:
    return accounts.AccountValues(
        name=form.get("name", ""), email=form.get("email", ""), password=form.get("password", ""),
        smtp_host=form.get("smtp_host", ""), smtp_port=form.get("smtp_port", ""), security=form.get("security", ""),
        is_default=form.get("is_default") == "1", is_public=form.get("is_public") == "1")


class MailAccountView(CrmModelView):
    screen = Screen("mail_account", "邮件配置", "邮件管理", ("view", "add", "edit", "delete"), scoped=True)
    scope_module = "mail_account"
    owner_attr = "owner_id"
    record_noun = "邮件账户"
    can_view_details = False
    list_template = "admin/mail/account_list.html"
    column_list = ("name", "email", "smtp_host", "is_default", "is_public", "owner")
    column_labels = {"name": "账户名称", "email": "邮件地址", "smtp_host": "SMTP服务器", "is_default": "是否默认账户",
                     "is_public": "是否公共账户", "owner": "所属员工"}
    column_formatters = {"is_default": format_bool, "is_public": format_bool,
                         "owner": lambda v, c, m, n: m.owner.real_name if m.owner else ""}
    column_searchable_list = ("name", "email")
    column_default_sort = ("id", False)
    post_row_actions = (PostRowAction("test", "测试", "view", css="btn-outline-success"),)

    def render(self, template, **kwargs):
        kwargs.setdefault("servers", accounts.COMMON_SERVERS)  # the help table under the list and the form
        return super().render(template, **kwargs)

    def _page(self, account, data, error=None):
        return self.render("admin/mail/account_form.html", account=account, data=data, error=error,
                           securities=list(SmtpSecurity), servers=accounts.COMMON_SERVERS,
                           back=self.get_url(".index_view"))

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        self.require("add")
        if request.method == "POST":
            with committed("邮件账户已添加", flash_error=False) as outcome:
                accounts.save_account(None, _values(request.form), current_user)
            if outcome.failed:
                return self._page(None, request.form.to_dict(), outcome.error)
            return redirect(self.get_url(".index_view"))
        return self._page(None, {"smtp_port": "25", "security": "none"})

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        self.require("edit")
        account = self.get_one(request.args.get("id", ""))
        if request.method == "POST":
            with committed("邮件账户已保存", flash_error=False) as outcome:
                accounts.save_account(account, _values(request.form), account.owner)
            if outcome.failed:
                return self._page(account, request.form.to_dict(), outcome.error)
            return redirect(self.get_url(".index_view"))
        data = {"name": account.name, "email": account.email, "smtp_host": account.smtp_host,
                "smtp_port": str(account.smtp_port), "security": account.security.value,
                "is_default": "1" if account.is_default else "", "is_public": "1" if account.is_public else ""}
        return self._page(account, data)

    def do_test(self, account):
        ok, answer = accounts.test_account(account)
        flash(f"测试“{account.name}”：{answer}", "success" if ok else "error")
        return None

    def delete_record(self, row):
        accounts.delete_account(row)

    @expose("/test-one/", methods=("POST",))
    def test_form(self):
        """测试 from the edit form: the stored account, by id (the same scope rules as editing)."""
        account_id = parse_id(request.form.get("id"))
        try:
            account = accounts.get_own(current_user, account_id)
        except NotFound:
            return self.render("admin/mail/account_form.html", account=None, data={}, error="邮件账户不存在",
                               securities=list(SmtpSecurity), servers=accounts.COMMON_SERVERS,
                               back=self.get_url(".index_view")), 404
        self.do_test(account)
        return redirect(self.get_url(".edit_view", id=account.id))
