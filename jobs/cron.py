"""Recurring schedule for `rq cron jobs/cron.py` (times are the server's UTC clock)."""

from rq import cron

from jobs.maintenance import purge_old_login_logs

# 03:30 Asia/Shanghai = 19:30 UTC
cron.register(purge_old_login_logs, "default", kwargs={"keep_days": 180}, cron="30 19 * * *")

from jobs.customers import recycle_customers, remind_due_follow_ups  # noqa: E402

# 客户池 recycle at 02:00 Asia/Shanghai = 18:00 UTC; 回访提醒 every 5 minutes.
cron.register(recycle_customers, "default", cron="0 18 * * *")
cron.register(remind_due_follow_ups, "default", cron="*/5 * * * *")

from jobs.messaging import daily_sms_reminders, poll_sms_reports, release_stale_mail, resume_sms  # noqa: E402

# 短信提醒 (合同到期, 客户生日) at 09:00 Asia/Shanghai = 01:00 UTC; scheduled and interrupted sends every
# minute; delivery reports every 2 minutes; mails left 发送中 by a dead worker every 10 minutes.
cron.register(daily_sms_reminders, "default", cron="0 1 * * *")
cron.register(resume_sms, "default", cron="* * * * *")
cron.register(poll_sms_reports, "default", cron="*/2 * * * *")
cron.register(release_stale_mail, "default", cron="*/10 * * * *")
