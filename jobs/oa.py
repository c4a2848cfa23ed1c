"""办公OA jobs: the daily 生日/合同到期 reminders and the 日程提醒 every few minutes (idempotent)."""

from app.extensions import db
from jobs.context import job_context


def remind_anniversaries() -> dict:
    """生日提醒 and 合同到期提醒 from 3 days ahead until the day (daily; safe to rerun)."""
    from app.services.oa.anniversary_reminders import remind_anniversaries as run

    with job_context():
        made = run()
        db.session.commit()
        return made


def remind_schedules() -> int:
    """日程提醒 for events whose reminder time has come (every few minutes; safe to rerun)."""
    from app.services.oa.calendar_reminders import remind_due_events

    with job_context():
        made = remind_due_events()
        db.session.commit()
        return made


def _register_cli() -> None:
    """`flask crm remind-oa`: both jobs, inline (the embedded default without Redis)."""
    import click

    from app.cli import crm_cli

    if "remind-oa" in crm_cli.commands:
        return

    @crm_cli.command("remind-oa")
    def remind_command():
        """Create today's 生日/合同到期提醒 and the due 日程提醒 now (idempotent)."""
        made = remind_anniversaries()
        click.echo(f"已创建 {made['birthday']} 条生日提醒、{made['contract_end']} 条合同到期提醒、"
                   f"{remind_schedules()} 条日程提醒")


_register_cli()
