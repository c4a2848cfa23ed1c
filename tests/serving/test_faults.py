"""Faults a production installation meets, with real processes: Redis stopped and back, PostgreSQL restarted,
a gunicorn worker killed. The application keeps serving, says what is delayed, loses nothing and recovers
by itself."""

import os
import re
import signal
import threading
import time

import pytest
import requests
from redis import Redis
from rq import Queue
from sqlalchemy import func, select

from app.extensions import db as _db
from jobs.deferred import DELAYED_NOTICE, release_deferred_jobs
from models.mail import MailMessage, MailStatus
from models.scheduling import DeferredJob
from tests.conftest import build_schema, make_test_app, reset_data
from tests.helpers import admin, login
from tests.jobs.conftest import run_burst_worker
from tests.live_server import crm_init, gunicorn, server_env
from tests.live_server import login as live_login
from tests.messaging.factories import make_mail_account
from tests.messaging.smtp_server import SmtpServer
from tests.serving.private_services import PrivatePostgres, PrivateRedis


@pytest.fixture()
def redis_server():
    with PrivateRedis() as server:
        yield server


@pytest.fixture()
def queued_on(app, db, redis_server):
    """The app queueing on the private Redis; workers build theirs with SECRET_KEY=job-tests."""
    old = app.config["SECRET_KEY"]
    app.config.update(REDIS_URL=redis_server.url, SECRET_KEY="job-tests")
    yield app
    app.config.update(REDIS_URL=None, SECRET_KEY=old)


def _send_mail(client, account_id, subject):
    return client.post("/mail-send/", data={"account_id": str(account_id), "to": "client@example.com", "cc": "",
                                            "subject": subject, "body": "<p>请查收</p>"},
                       content_type="multipart/form-data", follow_redirects=True)


def test_with_redis_stopped_the_web_serves_and_the_mail_goes_out_once_redis_is_back(queued_on, db, client,
                                                                                     redis_server):
    with SmtpServer() as smtp:
        account = make_mail_account(admin(), smtp.port)
        db.session.commit()
        login(client)
        redis_server.stop()

        page = _send_mail(client, account.id, "十二月对账单")
        assert page.status_code == 200
        assert DELAYED_NOTICE in page.get_data(as_text=True)
        assert client.get("/customer/").status_code == 200  # the rest of the web keeps serving
        db.session.expire_all()
        message = db.session.scalar(select(MailMessage).where(MailMessage.subject == "十二月对账单"))
        assert message.status is MailStatus.PENDING
        assert db.session.scalar(select(func.count()).select_from(DeferredJob)) == 1
        assert release_deferred_jobs() == 0  # still down: the job stays
        assert db.session.scalar(select(func.count()).select_from(DeferredJob)) == 1

        redis_server.start()  # an empty Redis, as after a restart without persistence
        assert release_deferred_jobs() == 1
        assert release_deferred_jobs() == 0  # queued once
        assert db.session.scalar(select(func.count()).select_from(DeferredJob)) == 0
        assert Queue("default", connection=Redis.from_url(redis_server.url)).count == 1
        worker = run_burst_worker(queued_on, redis_server.url)
        assert worker.returncode == 0, worker.stderr[-2000:]
        db.session.expire_all()
        assert db.session.get(MailMessage, message.id).status is MailStatus.SENT
        assert [m.message["Subject"] for m in smtp.received] == ["十二月对账单"]


def test_a_postgresql_restart_fails_requests_cleanly_and_the_app_recovers_by_itself():
    server = PrivatePostgres()
    if not server.available:
        pytest.skip("no PostgreSQL server binaries on this machine")
    server.init()
    server.start()
    try:
        app = make_test_app(server.url)
        build_schema(app)
        reset_data(app)
        client = app.test_client()
        with app.app_context():
            login(client)
            assert "客户资料管理" in client.get("/customer/").get_data(as_text=True)

            server.stop()
            down = client.get("/customer/")
            assert down.status_code == 503
            assert "数据库暂时无法访问" in down.get_data(as_text=True)
            saved = client.post("/customer/new/", data={"name": "停机时新增有限公司", "mobile": "13912345678"})
            assert saved.status_code == 503

            server.start()
            # The same login session and the same process: no restart of the application.
            back = client.get("/customer/")
            assert back.status_code == 200 and "客户资料管理" in back.get_data(as_text=True)
            assert client.post("/customer/new/", data={"name": "恢复后新增有限公司", "mobile": "13912345679"},
                               follow_redirects=True).status_code == 200
            from models.customers import Customer
            names = set(_db.session.scalars(select(Customer.name)))
            assert "恢复后新增有限公司" in names and "停机时新增有限公司" not in names
            _db.session.remove()
            _db.engine.dispose()
    finally:
        server.remove()


def test_killing_a_gunicorn_worker_leaves_the_other_requests_alone(tmp_path):
    instance = tmp_path / "instance"
    env = server_env(instance, WEB_WORKERS=2, WEB_THREADS=2)
    password = crm_init(env)
    log_path = tmp_path / "gunicorn.log"
    with gunicorn(env, log_path) as (process, base):
        staff = live_login(base, "admin", password, env)
        workers = [int(pid) for pid in re.findall(r"Booting worker with pid: (\d+)", log_path.read_text())]
        assert len(workers) == 2
        results: list[int | str] = []
        stop = threading.Event()

        def browse():
            while not stop.is_set():
                try:
                    results.append(staff.get(f"{base}/customer/", timeout=30).status_code)
                except requests.RequestException as exc:
                    results.append(type(exc).__name__)

        browser = threading.Thread(target=browse)
        browser.start()
        time.sleep(2)
        os.kill(workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 60
        while len(re.findall(r"Booting worker", log_path.read_text())) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        before_end = len(results)
        time.sleep(2)
        stop.set()
        browser.join(timeout=60)

    log = log_path.read_text()
    assert len(re.findall(r"Booting worker", log)) >= 3  # the master replaced the killed worker
    failures = [r for r in results if r != 200]
    assert len(results) > before_end > 5
    assert len(failures) <= 1, failures  # at most the one request the killed worker was serving
    assert all(r == 200 for r in results[before_end:])
