"""Customer jobs: big exports and imports with progress, 回访提醒, and the daily 客户池 recycle."""

import logging

from app.extensions import db
from app.replica import replica_reads
from jobs.context import job_context
from models.accounts import Employee

log = logging.getLogger(__name__)


def export_customers(token: str, user_id: int, args: dict) -> None:
    """客户资料管理's 导出Excel for that user and the list's query-string arguments (search, filters, 快捷视图,
    sort), under his data scope: the list's own query, built by the service, written as the two-sheet workbook."""
    from app.services.customers import exports, list_query, progress

    with job_context():
        try:
            user = db.session.get(Employee, user_id)
            with replica_reads():  # REPORTS_DATABASE_URL when set
                query = list_query.list_select(user, args)
                total = exports.capped_count(query, 10_000_000)
                progress.write(token, state="running", total=total)
                exports.write_export(query, path=str(progress.path_for(token, ".xlsx")),
                                     progress=lambda n: progress.write(token, done=n))
            progress.write(token, state="done", done=total)
        except Exception as exc:  # the user sees that it failed; the log has why
            log.exception("customer export %s failed", token)
            progress.write(token, state="failed", error=f"导出失败：{type(exc).__name__}")


def import_customers(token: str, user_id: int, mode: str = "check") -> None:
    """客户资料导入: "check" validates the uploaded workbook for the preview, "import" imports its valid rows."""
    from app.services.customers import imports

    with job_context():
        user = db.session.get(Employee, user_id)
        if mode == "import":
            imports.run_import(token, user)
        else:
            imports.run_check(token, user)


def remind_due_follow_ups() -> int:
    """回访提醒 for appointments that have fallen due (every few minutes)."""
    from app.services.customers.followups import remind_due

    with job_context():
        made = remind_due()
        db.session.commit()
        return made


def purge_stale_import_uploads() -> int:
    """客户资料导入 uploads whose preview was abandoned: removed after a day."""
    from app.services.customers.upload_limits import purge_stale_uploads

    with job_context():
        return purge_stale_uploads()


def recycle_customers() -> dict:
    """The daily customer job: 客户池 recycle (warn owners, then move neglected customers to the pool)
    and this year's month of lunar birthdays for 本月生日."""
    from app.services.customers.pool import recycle
    from app.services.customers.records import refresh_lunar_birth_months

    with job_context():
        result = recycle()
        refresh_lunar_birth_months()
        db.session.commit()
        return result


def _register_cli() -> None:
    """`flask crm recycle-customers` / `flask crm remind-follow-ups`: the same jobs, inline (embedded default)."""
    import click

    from app.cli import crm_cli

    if "recycle-customers" in crm_cli.commands:
        return

    @crm_cli.command("recycle-customers")
    def recycle_command():
        """Run the daily 客户池 recycle now (idempotent)."""
        result = recycle_customers()
        click.echo(f"已回收 {result['recycled']} 个客户，已提醒 {result['warned']} 个即将回收的客户")

    @crm_cli.command("remind-follow-ups")
    def remind_command():
        """Create 回访提醒 for appointments that are due (idempotent)."""
        click.echo(f"已创建 {remind_due_follow_ups()} 条回访提醒")


_register_cli()
