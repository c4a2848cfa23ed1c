"""The recurring schedule, one list for both runners.

With Redis, `rq cron jobs/cron.py` reads it (through rq's own `cron.register`); without Redis the in-process
scheduler (app/scheduler.py) reads SCHEDULE. Add a job with one `register(func, "cron expression", kwargs=...)`
line. Cron expressions are read in the server clock's time zone, as `rq cron` does: UTC on our servers.
Every job must be idempotent (running it twice, or again after a crash, creates nothing twice):
tests/unit/test_recurring_jobs.py runs every entry twice.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from rq import cron as rq_cron

from jobs.customers import purge_stale_import_uploads, recycle_customers, remind_due_follow_ups
from jobs.deferred import release_deferred_jobs
from jobs.maintenance import purge_old_login_logs
from jobs.maintenance_backup import scheduled_backup
from jobs.messaging import daily_sms_reminders, poll_sms_reports, release_stale_mail, resume_sms
from jobs.oa import remind_anniversaries, remind_schedules


@dataclass(frozen=True)
class Entry:
    func: Callable
    cron: str
    kwargs: dict = field(default_factory=dict)
    queue: str = "default"

    @property
    def name(self) -> str:
        return f"{self.func.__module__}.{self.func.__name__}"


SCHEDULE: list[Entry] = []


def register(func: Callable, cron: str, kwargs: dict | None = None, queue: str = "default",
             job_timeout: int | None = None) -> Entry:
    entry = Entry(func, cron, dict(kwargs or {}), queue)
    if any(existing.name == entry.name for existing in SCHEDULE):
        raise ValueError(f"{entry.name} is already in the schedule")
    SCHEDULE.append(entry)
    options = {"job_timeout": job_timeout} if job_timeout else {}
    rq_cron.register(func, queue, kwargs=entry.kwargs or None, cron=cron, **options)
    return entry


# 系统登录日志 retention at 03:30 Asia/Shanghai = 19:30 UTC.
register(purge_old_login_logs, "30 19 * * *", kwargs={"keep_days": 180})
# 客户池 recycle (and 本月生日's lunar months) at 02:00 Asia/Shanghai = 18:00 UTC.
register(recycle_customers, "0 18 * * *")
# 回访提醒 for appointments that have fallen due.
register(remind_due_follow_ups, "*/5 * * * *")
# Abandoned import previews: their uploads are removed hourly.
register(purge_stale_import_uploads, "15 * * * *")
# 生日/合同到期提醒 at 07:00 Asia/Shanghai = 23:00 UTC (and again at noon, which creates nothing twice).
register(remind_anniversaries, "0 23,4 * * *")
# 日程提醒 every 5 minutes.
register(remind_schedules, "*/5 * * * *")
# Automatic backup (verified, with retention) at 02:30 Asia/Shanghai = 18:30 UTC.
register(scheduled_backup, "30 18 * * *", job_timeout=6 * 3600)
# 短信提醒 (合同到期, 客户生日) at 09:00 Asia/Shanghai = 01:00 UTC; scheduled and interrupted sends every minute;
# delivery reports every 2 minutes; mails left 发送中 by a dead worker every 10 minutes.
register(daily_sms_reminders, "0 1 * * *")
register(resume_sms, "* * * * *")
register(poll_sms_reports, "*/2 * * * *")
register(release_stale_mail, "*/10 * * * *")
# Jobs kept while Redis did not answer are queued within a minute of its return.
register(release_deferred_jobs, "* * * * *")
