"""Recurring schedule for `rq cron jobs/cron.py` (times are the server's UTC clock)."""

from rq import cron

from jobs.maintenance import purge_old_login_logs

# 03:30 Asia/Shanghai = 19:30 UTC
cron.register(purge_old_login_logs, "default", kwargs={"keep_days": 180}, cron="30 19 * * *")

from jobs.customers import recycle_customers, remind_due_follow_ups  # noqa: E402

# 客户池 recycle at 02:00 Asia/Shanghai = 18:00 UTC; 回访提醒 every 5 minutes.
cron.register(recycle_customers, "default", cron="0 18 * * *")
cron.register(remind_due_follow_ups, "default", cron="*/5 * * * *")

from jobs.maintenance_backup import scheduled_backup  # noqa: E402

# Automatic backup (verified, with retention) at 02:30 Asia/Shanghai = 18:30 UTC.
cron.register(scheduled_backup, "default", cron="30 18 * * *", job_timeout=6 * 3600)
