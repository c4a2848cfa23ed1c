"""短信管理 > 短信模板 (manual 11.5, fig. 11-5, 11-6) and 提醒设置 (11.6, fig. 11-7)."""

from flask import redirect, request
from flask_admin import expose

from admin_views.base import CrmModelView, parse_id
from admin_views.mail_send import MessagingPage
from admin_views.transactions import committed
from app.security.permissions import Screen
from app.services.sms import accounts, settings, templates


class SmsTemplateView(CrmModelView):
    screen = Screen("sms_template", "短信模板", "短信管理", ("view", "add", "edit", "delete"))
    record_noun = "短信模板"
    can_view_details = False
    column_list = ("title", "content", "kind", "placeholders")
    column_labels = {"title": "模板标题", "content": "模板内容", "kind": "类型", "placeholders": "可用占位符"}
    column_formatters = {
        "kind": lambda v, c, m, n: "系统模板" if m.is_system else "自定义模板",
        "placeholders": lambda v, c, m, n: "、".join(f"{{${k}$}}{label}" for k, label in templates.placeholders_of(m).items()),
    }
    column_searchable_list = ("title", "content")
    column_default_sort = [("sort_order", False), ("id", False)]

    def _page(self, template, data, error=None):
        return self.render("admin/sms/template_form.html", sms_template=template, data=data, error=error,
                           placeholders=templates.placeholders_of(template) if template else {},
                           back=self.get_url(".index_view"))

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        self.require("add")
        if request.method == "POST":
            with committed("短信模板已添加", flash_error=False) as outcome:
                templates.save_template(None, request.form.get("title", ""), request.form.get("content", ""))
            if outcome.failed:
                return self._page(None, request.form.to_dict(), outcome.error)
            return redirect(self.get_url(".index_view"))
        return self._page(None, {})

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        self.require("edit")
        template = self.get_one(request.args.get("id", ""))
        if request.method == "POST":
            with committed("短信模板已保存", flash_error=False) as outcome:
                templates.save_template(template, request.form.get("title", ""), request.form.get("content", ""))
            if outcome.failed:
                return self._page(template, request.form.to_dict(), outcome.error)
            return redirect(self.get_url(".index_view"))
        return self._page(template, {"title": template.title, "content": template.content})

    def delete_record(self, row):
        templates.delete_template(row)


class SmsReminderSettingsView(MessagingPage):
    screen = Screen("sms_reminder_settings", "提醒设置", "短信管理", ("view", "edit"))

    def _page(self, error=None, status=200):
        rows = [(event, settings.get(event.key)) for event in settings.EVENTS]
        return self.render("admin/sms/settings.html", rows=rows, error=error, recipients_of=settings.recipients_of,
                           accounts=accounts.all_accounts(), can_edit=self.allowed("edit")), status

    @expose("/", methods=("GET", "POST"))
    def index(self):
        if request.method == "POST":
            self.require("edit")
            form = {event.key: {"enabled": request.form.get(f"{event.key}-enabled") == "1",
                                "days_ahead": request.form.get(f"{event.key}-days", "0"),
                                "recipients": set(request.form.getlist(f"{event.key}-recipients")),
                                "account_id": parse_id(request.form.get(f"{event.key}-account"))}
                    for event in settings.EVENTS}
            with committed("提醒设置已保存", flash_error=False) as outcome:
                settings.save_all(form)
            if outcome.failed:
                return self._page(outcome.error, 400)
            return redirect(self.get_url(".index"))
        return self._page()
