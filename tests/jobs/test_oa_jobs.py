"""办公OA jobs on a real Redis and a real `rq worker`: 生日/合同到期 and 日程提醒, run twice, remind once."""

from datetime import timedelta

from redis import Redis
from rq import Queue
from sqlalchemy import func, select

from app.services.customer_demo import make_customer
from app.services.oa.calendar import now_local, save_event
from app.timeutil import local_today
from jobs import enqueue
from jobs.oa import remind_anniversaries, remind_schedules
from models.reminders import Reminder
from tests.helpers import make_employee
from tests.jobs.conftest import run_burst_worker


def work(app, redis_url):
    result = run_burst_worker(app, redis_url)
    assert result.returncode == 0, result.stderr[-2000:]
    assert Queue("default", connection=Redis.from_url(redis_url)).failed_job_registry.count == 0, result.stderr[-3000:]


def test_oa_reminder_jobs_through_rq_create_each_reminder_once(queued_app, db, redis_url):
    zhang = make_employee("zhangsan", real_name="张三")
    customer = make_customer(zhang, name="合同快到期的客户")
    customer.contract_end = local_today() + timedelta(days=2)
    soon = now_local() + timedelta(minutes=10)
    save_event(zhang, {"title": "电话回访", "start_date": f"{soon:%Y-%m-%d}", "start_time": f"{soon:%H:%M}",
                       "end_date": f"{soon + timedelta(hours=1):%Y-%m-%d}",
                       "end_time": f"{soon + timedelta(hours=1):%H:%M}", "remind_minutes": "15"})
    later = now_local() + timedelta(hours=5)
    save_event(zhang, {"title": "还早的会议", "start_date": f"{later:%Y-%m-%d}", "start_time": f"{later:%H:%M}",
                       "end_date": f"{later:%Y-%m-%d}", "end_time": f"{later:%H:%M}", "remind_minutes": "15"})
    db.session.commit()
    for _ in range(2):
        enqueue(remind_anniversaries)
        enqueue(remind_schedules)
        work(queued_app, redis_url)
    db.session.expire_all()
    kinds = dict(db.session.execute(select(Reminder.kind, func.count(Reminder.id)).group_by(Reminder.kind)).all())
    assert kinds == {"contract_end": 1, "schedule": 1}
    titles = set(db.session.scalars(select(Reminder.title)))
    assert titles == {"合同到期提醒：合同快到期的客户", "日程提醒：电话回访"}
