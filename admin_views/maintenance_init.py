"""系统设置 > 系统初始化 (manual 9.8, fig. 9-4): choose items, see what goes, confirm, see the counts."""

from flask import flash, redirect, request
from flask_admin import expose
from flask_login import current_user

from admin_views.customer_settings import CustomerPage
from admin_views.transactions import committed
from app.extensions import db
from app.security.permissions import Screen, can
from app.services.maintenance import backup, initialise


class InitialiseView(CustomerPage):
    screen = Screen("system_init", "系统初始化", "系统设置", ("view", "initialise"))

    def _chosen(self) -> list[str]:
        known = set(initialise.groups())
        return [g for g in request.form.getlist("groups")[:50] if g in known]

    def _page(self, **kwargs):
        return self.render("admin/maintenance/initialise.html", groups=initialise.groups(),
                           recent=backup.latest_good_backup(), can_backup=can("backup.add"),
                           can_run=self.allowed("initialise"), **kwargs)

    @expose("/")
    def index(self):
        return self._page(chosen=[], preview=None)

    @expose("/preview", methods=("POST",))
    def preview(self):
        self.require("initialise")
        chosen = self._chosen()
        if not chosen:
            flash("请选择要初始化的项目", "error")
            return redirect(self.get_url(".index"))
        return self._page(chosen=chosen, preview=initialise.preview(chosen))

    @expose("/run", methods=("POST",))
    def run(self):
        self.require("initialise")
        chosen = self._chosen()
        with committed(flash_error=False) as outcome:
            result = initialise.initialise(chosen, current_user._get_current_object(),
                                           request.form.get("password", ""), request.form.get("confirm", "")[:20])
            outcome.message = f"已初始化：{'、'.join(chosen)}"
        if outcome.failed:
            flash(outcome.error, "error")
            preview = initialise.preview(chosen) if chosen else None
            return self._page(chosen=chosen, preview=preview)
        tables = db.metadata.tables
        rows = [(initialise.table_label(tables[name]), name, before, after) for name, (before, after) in result.items()]
        return self._page(chosen=[], preview=None, result=rows, orphans=initialise.orphans())
