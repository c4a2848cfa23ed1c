"""系统设置 > 数据备份还原 (manual 9.7, fig. 9-3): 备份数据库, the backup list with 下载, and 还原."""

from flask import Response, abort, current_app, flash, redirect, request, send_file, stream_with_context
from flask_admin import expose
from flask_login import current_user

from admin_views.customer_settings import CustomerPage
from admin_views.transactions import committed
from app.security.permissions import Screen
from app.services.maintenance import backup, catalogue
from app.services.maintenance.audit import record_event
from app.services.maintenance.databases import MaintenanceError
from app.services.maintenance.restore import restore_backup
from app.services.storage import get_storage

BACKUP_JOB_TIMEOUT = 6 * 3600


def enqueue_backup(name: str) -> None:
    """Run the backup job on RQ (with a timeout long enough for a big database), or inline without Redis."""
    from jobs import get_queue
    from jobs.maintenance_backup import run_backup

    if current_app.config.get("REDIS_URL"):
        get_queue().enqueue(run_backup, name, job_id=f"backup-{name}", job_timeout=BACKUP_JOB_TIMEOUT,
                            description="备份数据库")
    else:
        run_backup(name)


class BackupView(CustomerPage):
    screen = Screen("backup", "数据备份还原", "系统设置", ("view", "add", "download", "restore"))

    def _record(self, name: str) -> catalogue.BackupRecord:
        try:
            return catalogue.get(name)
        except MaintenanceError:
            abort(404)

    @expose("/")
    def index(self):
        records = catalogue.all_backups()
        busy = any(r.state in (catalogue.RUNNING, catalogue.VERIFYING) for r in records)
        return self.render("admin/maintenance/backups.html", records=records, busy=busy,
                           can_add=self.allowed("add"), can_download=self.allowed("download"),
                           can_restore=self.allowed("restore"))

    @expose("/backup", methods=("POST",))
    def make(self):
        self.require("add")
        with committed() as outcome:
            record = backup.start_backup("manual", current_user.real_name)
        if outcome.failed:
            return redirect(self.get_url(".index"))
        enqueue_backup(record.name)
        done = catalogue.get(record.name)
        if done.state == catalogue.VALID:
            flash(f"备份成功：{done.filename}（已校验）", "success")
        elif done.state in (catalogue.INVALID, catalogue.FAILED):
            flash(f"备份 {done.filename} {done.state_label}：{done.message or ''}", "error")
        else:
            flash(f"已开始备份 {done.filename}，完成并校验后会显示在列表中", "success")
        return redirect(self.get_url(".index"))

    @expose("/download/<backup_name>")
    def download(self, backup_name):
        self.require("download")
        record = self._record(backup_name)
        if not record.is_good:
            abort(404)
        store = get_storage()
        path = store.local_path(record.key)
        if path is not None:
            return send_file(path, as_attachment=True, download_name=record.filename,
                             mimetype="application/octet-stream")

        def chunks():
            with store.open(record.key) as stream:
                while chunk := stream.read(1024 * 1024):
                    yield chunk

        return Response(stream_with_context(chunks()), mimetype="application/octet-stream",
                        headers={"Content-Disposition": f'attachment; filename="{record.filename}"'})

    @expose("/restore/<backup_name>", methods=("GET", "POST"))
    def restore(self, backup_name):
        self.require("restore")
        record = self._record(backup_name)
        if request.method == "POST":
            with committed(f"已还原备份 {record.filename}") as outcome:
                restore_backup(record.name, current_user._get_current_object(),
                               request.form.get("password", ""), request.form.get("confirm_name", "")[:50])
            if not outcome.failed:
                with committed():  # into the restored database: the trail shows who restored it
                    record_event("restore", f"还原备份 {record.filename}")
                return redirect(self.get_url(".index"))
        return self.render("admin/maintenance/restore.html", record=record)
