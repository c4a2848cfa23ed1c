"""Recurring schedule for `rq cron jobs/cron.py` (times are the server's UTC clock)."""

from rq import cron

from jobs.maintenance import purge_old_login_logs

# 03:30 Asia/Shanghai = 19:30 UTC
cron.register(purge_old_login_logs, "default", kwargs={"keep_days": 180}, cron="30 19 * * *")
