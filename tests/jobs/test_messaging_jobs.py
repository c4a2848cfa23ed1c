"""E-mail and SMS jobs on a real Redis with real `rq worker` processes: a worker killed in the middle of a
reminder batch and a restarted one text every number exactly once; a mail refused for now is retried by RQ."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import func, select, update

from app.services.customer_demo import make_customer
from app.services.mail import outbox
from app.services.sms import settings
from app.timeutil import local_today
from jobs import enqueue
from jobs.messaging import daily_sms_reminders, resume_sms
from models.base import utcnow
from models.mail import MailMessage, MailStatus
from models.sms import SmsMessage, SmsReminderClaim, SmsStatus
from tests.helpers import admin
from tests.jobs.conftest import PROJECT, run_burst_worker
from tests.messaging.factories import make_mail_account, make_sms_account
from tests.messaging.sms_gateway import GatewayServer
from tests.messaging.smtp_server import SmtpServer


@pytest.fixture()
def worker_app(queued_app):
    """Workers build their app with SECRET_KEY=job-tests: encrypt the stored secrets with the same key."""
    old = queued_app.config["SECRET_KEY"]
    queued_app.config["SECRET_KEY"] = "job-tests"
    yield queued_app
    queued_app.config["SECRET_KEY"] = old


def _start_worker(app, redis_url) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "REDIS_URL": redis_url, "SECRET_KEY": "job-tests"}
    rq = os.path.join(os.path.dirname(sys.executable), "rq")
    return subprocess.Popen([rq, "worker", "--burst", "--url", redis_url, "default"], cwd=PROJECT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _work(app, redis_url):
    result = run_burst_worker(app, redis_url)
    assert result.returncode == 0, result.stderr[-2000:]
    assert Queue("default", connection=Redis.from_url(redis_url)).failed_job_registry.count == 0, result.stderr[-3000:]


def test_a_worker_killed_mid_batch_and_a_restart_text_each_number_once(worker_app, db, redis_url):
    with GatewayServer() as gateway:
        make_sms_account(gateway.url, per_request=5)
        numbers = [f"1580450{i:04d}" for i in range(60)]
        for i, number in enumerate(numbers):
            make_customer(admin(), name=f"到期客户{i}", contact_name=f"联系人{i}", mobile=number,
                          contract_end=local_today())
        form = {e.key: {"recipients": set()} for e in settings.EVENTS}
        form["contract_end"] = {"enabled": True, "days_ahead": "0", "recipients": {"customer"}}
        settings.save_all(form)
        db.session.commit()
        gateway.state.delay = 0.25  # 12 requests of 5 numbers: about 3 s in all
        enqueue(daily_sms_reminders, job_id="daily-sms-1")
        worker = _start_worker(worker_app, redis_url)
        deadline = time.monotonic() + 240  # the worker builds the app first: slow on a loaded machine
        while len(gateway.state.sends) < 3 and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.05)
        time.sleep(0.1)  # in the middle of a request
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        db.session.expire_all()
        done = db.session.scalar(select(func.count(SmsMessage.id)).where(SmsMessage.status == SmsStatus.SUBMITTED))
        assert 0 < done < 60, (f"the worker was not killed in the middle of the batch: {done} submitted, "
                               f"{len(gateway.state.sends)} requests, {worker.stderr.read()[-2000:]!r}")
        assert len(gateway.state.numbers) < 60
        # The schedule runs the reminder job again, and five minutes later the resume job picks up the request
        # the dead worker left 发送中.
        gateway.state.delay = 0
        enqueue(daily_sms_reminders, job_id="daily-sms-2")
        _work(worker_app, redis_url)
        db.session.execute(update(SmsMessage).where(SmsMessage.status == SmsStatus.SENDING)
                           .values(claimed_at=utcnow() - timedelta(minutes=10)))
        db.session.commit()
        enqueue(resume_sms, job_id="resume-sms")
        _work(worker_app, redis_url)
        db.session.expire_all()
        assert sorted(gateway.state.numbers) == numbers  # every number exactly once
        assert db.session.scalar(select(func.count(SmsMessage.id))) == 60
        assert db.session.scalar(select(func.count(SmsReminderClaim.id))) == 60
        assert set(db.session.scalars(select(SmsMessage.status))) == {SmsStatus.SUBMITTED}


def test_a_mail_refused_for_now_is_retried_by_the_worker(worker_app, db, redis_url):
    worker_app.config["MAIL_RETRY_DELAYS"] = (0, 0)
    try:
        with SmtpServer() as smtp:
            account = make_mail_account(admin(), smtp.port)
            smtp.handler.answers.append("421 4.7.0 Try again later")
            message = outbox.compose(admin(), account.id, "client@example.com", "", "对账单", "<p>请查收</p>", [])
            db.session.commit()
            outbox.dispatch(message.id)
            result = run_burst_worker(worker_app, redis_url)
            assert result.returncode == 0, result.stderr[-2000:]
            db.session.expire_all()
            sent = db.session.get(MailMessage, message.id)
            assert sent.status is MailStatus.SENT and sent.attempts == 2
            assert [m.message["Subject"] for m in smtp.received] == ["对账单"]
    finally:
        worker_app.config.pop("MAIL_RETRY_DELAYS", None)


def test_two_workers_never_send_the_same_mail(worker_app, db, redis_url):
    with SmtpServer() as smtp:
        account = make_mail_account(admin(), smtp.port)
        message = outbox.compose(admin(), account.id, "client@example.com", "", "只发一次", "<p>x</p>", [])
        db.session.commit()
        for _ in range(4):  # the same mail queued four times, e.g. 重新发送 clicked repeatedly
            outbox.dispatch(message.id)
        workers = [_start_worker(worker_app, redis_url) for _ in range(2)]
        for worker in workers:
            assert worker.wait(timeout=120) == 0, worker.stderr.read()[-2000:]
        assert len(smtp.received) == 1


def test_the_project_worker_class_runs_jobs_with_the_app_built_before_the_fork(worker_app, db, redis_url):
    from app.services.sms import sending
    from tests.messaging.factories import mobiles

    with GatewayServer() as gateway:
        account = make_sms_account(gateway.url, per_request=100)
        for _ in range(2):
            summary = sending.create_send(admin(), account.id, ",".join(mobiles(150)), "您好")
            db.session.commit()
            sending.dispatch(summary.batch.id)
        env = {**os.environ, "PYTHONPATH": str(PROJECT), "DATABASE_URL": worker_app.config["SQLALCHEMY_DATABASE_URI"],
               "REDIS_URL": redis_url, "SECRET_KEY": "job-tests"}
        rq = os.path.join(os.path.dirname(sys.executable), "rq")
        result = subprocess.run([rq, "worker", "--burst", "-w", "jobs.worker.CrmWorker", "--url", redis_url, "default"],
                                cwd=PROJECT, env=env, capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, result.stderr[-2000:]
        assert Queue("default", connection=Redis.from_url(redis_url)).failed_job_registry.count == 0
        db.session.expire_all()
        assert set(db.session.scalars(select(SmsMessage.status))) == {SmsStatus.SUBMITTED}
        assert len(gateway.state.numbers) == 300
