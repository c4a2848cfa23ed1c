"""导出Excel of customer lists: small exports stream at once, big ones run as a job with a progress page."""

from flask import abort, current_app, redirect, request, send_file
from flask_admin import expose
from flask_login import current_user

from admin_views.base import XLSX_MIMETYPE, send_temporary_xlsx
from app.replica import replica_reads
from app.services.customers import exports, list_query, progress


class ExportMixin:
    def export_query(self):
        """Exactly what 客户资料管理 shows for the current search, filters, quick view and data scope: the
        query the export job builds too (app/services/customers/list_query.py)."""
        return list_query.list_select(current_user, request.args)

    @expose("/export.xlsx")
    def export_xlsx(self):
        if not self.can_export_xlsx:
            abort(403)
        limit = current_app.config.get("EXPORT_INLINE_LIMIT", 5000)
        with replica_reads():  # on REPORTS_DATABASE_URL when set (the job below reads there too)
            query = self.export_query()
            path = exports.write_export(query) if exports.capped_count(query, limit + 1) <= limit else None
        if path is not None:
            return send_temporary_xlsx(path, self.export_filename)
        from jobs import enqueue

        token = progress.create("export", current_user.id, filename=f"{self.export_filename}.xlsx")
        enqueue("jobs.customers.export_customers", token, current_user.id, request.args.to_dict(flat=False),
                job_id=f"customer-export-{token}", description="导出客户资料")
        return redirect(self.get_url(".export_status", token=token))

    @expose("/export/<token>")
    def export_status(self, token):
        status = progress.owned(token, current_user.id) if token.isalnum() else None
        if status is None:
            abort(404)
        return self.render("admin/customers/job_status.html", status=status, token=token, title="导出Excel",
                           download_url=self.get_url(".export_download", token=token))

    @expose("/export/<token>/download")
    def export_download(self, token):
        status = progress.owned(token, current_user.id) if token.isalnum() else None
        if status is None or status.get("state") != "done":
            abort(404)
        return send_file(progress.path_for(token, ".xlsx"), as_attachment=True,
                         download_name=status.get("filename", "导出.xlsx"), mimetype=XLSX_MIMETYPE)
