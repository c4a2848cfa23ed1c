"""客户资料导入 (manual 4.5): template download, upload, per-row preview, import with progress."""

from flask import abort, flash, redirect, request, send_file
from flask_admin import expose
from flask_login import current_user

from admin_views.customer_settings import CustomerPage
from app.security.permissions import Screen
from app.services.customers import imports, progress, upload_limits

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CustomerImportView(CustomerPage):
    screen = Screen("customer_import", "客户资料导入", "客户管理", ("view", "add"))

    @expose("/")
    def index(self):
        return self.render("admin/customers/import.html", tips=imports.TIPS, headers=imports.headers(),
                           to_pool=bool(current_user.role and current_user.role.is_superadmin))

    @expose("/template.xlsx")
    def template(self):
        from io import BytesIO

        return send_file(BytesIO(imports.template_bytes()), as_attachment=True, download_name="客户资料导入模板.xlsx",
                         mimetype=XLSX)

    @expose("/upload", methods=("POST",))
    def upload(self):
        self.require("add")
        upload = request.files.get("file")
        name = (upload.filename or "") if upload else ""
        if not name:
            flash("请选择要导入的 Excel 文件", "error")
            return redirect(self.get_url(".index"))
        if not name.lower().endswith((".xlsx", ".xls")):
            flash("只能导入 Excel 文件（.xlsx），请使用下载的模板", "error")
            return redirect(self.get_url(".index"))
        upload_limits.purge_stale_uploads()  # previews left unimported for a day (also run by the schedule)
        token = progress.create("import", current_user.id, filename=name[:100])
        target = progress.path_for(token, ".upload")
        size = 0
        with open(target, "wb") as out:
            while chunk := upload.stream.read(65536):
                size += len(chunk)
                if size > imports.MAX_BYTES:
                    break
                out.write(chunk)
        if size > imports.MAX_BYTES:
            target.unlink(missing_ok=True)
            progress.write(token, state="failed", error="文件超过 30M，请分批导入")
            return redirect(self.get_url(".status", token=token))
        self._enqueue(token, "check")
        return redirect(self.get_url(".status", token=token))

    def _enqueue(self, token, mode):
        from jobs import enqueue

        enqueue("jobs.customers.import_customers", token, current_user.id, mode, job_id=f"customer-import-{mode}-{token}",
                description="客户资料导入")

    def _status(self, token):
        status = progress.owned(token, current_user.id) if token.isalnum() else None
        if status is None or status.get("kind") != "import":
            abort(404)
        return status

    @expose("/status/<token>")
    def status(self, token):
        status = self._status(token)
        return self.render("admin/customers/import_status.html", status=status, token=token, title="客户资料导入",
                           download_url=None)

    @expose("/start/<token>", methods=("POST",))
    def start(self, token):
        self.require("add")
        status = self._status(token)
        if status.get("state") != "checked" or not status.get("valid"):
            flash("没有可以导入的数据", "error")
            return redirect(self.get_url(".status", token=token))
        progress.write(token, state="queued", done=0)
        self._enqueue(token, "import")
        return redirect(self.get_url(".status", token=token))
