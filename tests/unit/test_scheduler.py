"""The in-process schedule without Redis: a database lease, one runner among several processes, real firing."""

import threading
import time
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, text

from app.scheduler import LEASE_NAME, InProcessScheduler, release_lease, take_lease
from app.services.customer_demo import make_customer
from app.services.customers.followups import add_follow_up
from app.sqlite_transactions import write_transactions
from jobs.cron import SCHEDULE, Entry
from models.base import utcnow
from models.reminders import Reminder
from models.scheduling import SchedulerLease
from tests.helpers import make_employee


def _wait_for(condition, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _fire_now(scheduler: InProcessScheduler, job_id: str) -> None:
    scheduler.scheduler.get_job(job_id).modify(next_run_time=datetime.now().astimezone())


def test_the_lease_has_one_holder_and_is_taken_over_when_it_expires(db):
    now = utcnow()
    assert take_lease("web-1", now) is True
    assert take_lease("web-2", now) is False
    assert take_lease("web-1", now + timedelta(seconds=60)) is True  # the holder renews
    assert take_lease("web-2", now + timedelta(seconds=120)) is False  # renewed until now + 150 s
    assert take_lease("web-2", now + timedelta(seconds=151)) is True  # web-1 died: its lease ran out
    assert take_lease("web-1", now + timedelta(seconds=152)) is False
    release_lease("web-2")
    assert take_lease("web-1", now + timedelta(seconds=153)) is True


def _blocked_on_a_lock(db) -> bool:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                 "AND wait_event_type = 'Lock'")).scalar_one() > 0


def test_a_holder_that_takes_a_fresh_lease_twice_at_once_is_told_yes_both_times(app, db):
    """The heartbeat and a due job of one scheduler take the free lease at the same moment. On PostgreSQL the
    second INSERT waits for the first and fails on the key; the job used to be skipped as "not the holder"."""
    db.session.execute(delete(SchedulerLease))
    db.session.commit()
    results = []

    def take():
        with app.app_context():
            try:
                results.append(take_lease("web-1"))
            finally:
                db.session.remove()

    with write_transactions(), db.engine.connect() as first:  # the first of the two, not yet committed
        first.execute(insert(SchedulerLease).values(name=LEASE_NAME, holder="web-1",
                                                    expires_at=utcnow() + timedelta(seconds=90)))
        second = threading.Thread(target=take)
        second.start()
        if db.engine.dialect.name == "postgresql":
            assert _wait_for(lambda: _blocked_on_a_lock(db), 10)  # its INSERT waits for the first one
        else:
            time.sleep(0.5)  # SQLite: it waits for the write lock
        first.commit()
    second.join(30)
    assert results == [True]
    assert take_lease("web-2") is False  # someone else is still told no


def test_a_due_follow_up_reminder_is_created_by_the_scheduler_without_redis(app, db):
    assert not app.config.get("REDIS_URL")
    zhang = make_employee("zhangsan", real_name="张三")
    customer = make_customer(zhang, name="预约回访有限公司")
    now = utcnow()
    add_follow_up(customer, {"content": "约好今天下午再谈", "contacted_at": now - timedelta(days=1),
                             "next_contact_at": now - timedelta(seconds=30)}, zhang)
    db.session.execute(delete(SchedulerLease))  # a lease left by an earlier test's scheduler must not hold this one
    db.session.commit()
    scheduler = InProcessScheduler(app)
    scheduler.start()
    assert {job.id for job in scheduler.scheduler.get_jobs()} == {"lease"} | {entry.name for entry in SCHEDULE}
    try:
        _fire_now(scheduler, "jobs.customers.remind_due_follow_ups")

        def reminded():
            db.session.rollback()
            return db.session.scalar(select(Reminder).where(Reminder.employee_id == zhang.id)) is not None

        assert _wait_for(reminded)
    finally:
        scheduler.shutdown()
    reminder = db.session.scalar(select(Reminder).where(Reminder.employee_id == zhang.id))
    assert reminder.title == "回访提醒：预约回访有限公司"
    assert reminder.link == f"/customer/details/?id={customer.id}"


runs = []


def count_run(label: str) -> None:
    runs.append(label)


def test_of_several_processes_only_the_lease_holder_runs_a_job(app, db):
    runs.clear()
    entry = Entry(count_run, "0 0 1 1 *", kwargs={"label": "yearly"})
    schedulers = [InProcessScheduler(app, [entry]) for _ in range(3)]
    for scheduler in schedulers:
        scheduler.start()
    try:
        assert _wait_for(lambda: sum(s.heartbeat() for s in schedulers) == 1)
        for scheduler in schedulers:
            _fire_now(scheduler, entry.name)
        time.sleep(3)
        assert runs == ["yearly"]
        holder = next(s for s in schedulers if s.heartbeat())
        holder.shutdown()  # a stopping process gives the lease back; another one takes the schedule over
        others = [s for s in schedulers if s is not holder]
        assert _wait_for(lambda: any(s.heartbeat() for s in others))
        for scheduler in others:
            _fire_now(scheduler, entry.name)
        assert _wait_for(lambda: len(runs) == 2)
        time.sleep(2)
        assert runs == ["yearly", "yearly"]
    finally:
        for scheduler in schedulers:
            if scheduler.scheduler.running:
                scheduler.shutdown()
