"""E-mail/SMS at scale: a 500-number 群发短信 through the local gateway, 发送历史 against a plain ModelView, and the
daily reminder run over `scale` customers.

    python -m tests.perf.bench_messaging 1000000 [workdir]   # or run(scale) from tests/perf/run.py

The reminder data is the customer bench's demo builder (no follow-ups: the run never reads them) plus
birthdays on 70% of the customers (a third of them lunar) and contract ends on 40% within a year either
side; a reused workdir skips the build. BENCH_REDIS_URL set: the 500-number send is also timed through a
real `rq worker --burst` process, from enqueue to the last number accepted (worker start-up included).
Not a test: the numbers depend on the machine.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from tests.perf.harness import bench_app, line, logged_in_client, measure, p95

SENDS = 5
WORKER_SENDS = 3
HISTORY_ROWS = 100_000


def _stats(label: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return f"{label:<44} median {statistics.median(ms):8.1f} ms   p95 {p95(ms):8.1f} ms"


def _send_bench() -> list[str]:
    from flask_admin.contrib.sqla import ModelView

    from app.extensions import db
    from app.services.bulk_insert import insert_rows
    from app.services.sms import sending
    from jobs.messaging import send_sms_batch
    from models.base import utcnow
    from models.sms import SmsMessage, SmsStatus
    from tests.helpers import admin
    from tests.messaging.factories import make_sms_account, mobiles
    from tests.messaging.sms_gateway import GatewayServer

    app = bench_app("messaging")

    class PlainHistoryView(ModelView):
        column_list = ("mobile", "content", "created_at", "status")
        column_searchable_list = ("mobile", "content")
        column_default_sort = ("id", True)

    app.extensions["admin"][0].add_view(PlainHistoryView(SmsMessage, db, endpoint="plain_sms", url="/plain-sms"))
    lines = []
    with GatewayServer() as gateway, app.app_context():
        accounts = {size: make_sms_account(gateway.url, name=f"bench{size}", per_request=size) for size in (100, 500)}
        numbers = ",".join(mobiles(500))
        for size, account in accounts.items():
            create, deliver = [], []
            for _ in range(SENDS):
                started = time.perf_counter()
                summary = sending.create_send(admin(), account.id, numbers, "您好，您的订单已发货，请注意查收。")
                db.session.commit()
                created = time.perf_counter()
                send_sms_batch(summary.batch.id)
                deliver.append(time.perf_counter() - created)
                create.append(created - started)
                left = db.session.scalar(db.select(db.func.count(SmsMessage.id)).where(
                    SmsMessage.batch_id == summary.batch.id, SmsMessage.status != SmsStatus.SUBMITTED))
                assert left == 0, left
            lines.append(_stats("群发短信 500 numbers: check + save", create))
            lines.append(_stats(f"  send, {size} numbers per request", deliver))
        redis_url = os.environ.get("BENCH_REDIS_URL")
        if redis_url:
            lines.extend(_worker_send(app, accounts[100], numbers, redis_url))
            lines.extend(_worker_send(app, accounts[100], numbers, redis_url, "jobs.worker.CrmWorker"))
        # 发送历史 with HISTORY_ROWS numbers, against a plain Flask-Admin ModelView of the same table
        now = utcnow()
        batch_id = db.session.scalar(db.select(SmsMessage.batch_id).limit(1))
        rows = [{"batch_id": batch_id, "sender_id": admin().id, "mobile": f"138{i:08d}", "content": f"第{i}条通知短信",
                 "parts": 1, "status": SmsStatus.DELIVERED.value, "request_id": None, "error": None, "attempts": 1,
                 "created_at": now - timedelta(seconds=i), "claimed_at": None, "sent_at": now, "reported_at": now}
                for i in range(HISTORY_ROWS)]
        insert_rows(db.session.connection(), SmsMessage.__table__, rows)
        db.session.commit()
        client = logged_in_client(app)
        for label, ours, plain in [
            ("发送历史 page 1", "/sms-history/", "/plain-sms/"),
            ("发送历史 page 2,000", "/sms-history/?page=1999", "/plain-sms/?page=1999"),
            ("发送历史 接收人 filter", "/sms-history/?flt0_0=13800001234", "/plain-sms/?search=13800001234"),
        ]:
            lines.append(line(label, measure(client, ours), measure(client, plain, repeat=5)))
    return lines


def _worker_send(app, account, numbers, redis_url, worker_class: str | None = None) -> list[str]:
    """One real `rq worker` process: its first job builds the app (start-up, timed apart), then each 500-number
    batch is timed from enqueue until the last number is accepted by the gateway."""
    from redis import Redis

    from app.extensions import db
    from app.services.sms import sending
    from jobs import enqueue
    from jobs.messaging import resume_sms
    from models.sms import SmsMessage, SmsStatus
    from tests.helpers import admin

    project = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(project), "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "REDIS_URL": redis_url, "SECRET_KEY": app.config["SECRET_KEY"]}
    rq = Path(sys.executable).with_name("rq")
    Redis.from_url(redis_url).flushdb()
    app.config["REDIS_URL"] = redis_url
    extra = ["--worker-class", worker_class] if worker_class else []
    worker = subprocess.Popen([str(rq), "worker", "--url", redis_url, *extra, "default"], cwd=project, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples = []
    try:
        started = time.perf_counter()
        job = enqueue(resume_sms)
        while job.get_status(refresh=True) not in ("finished", "failed"):
            time.sleep(0.02)
        warm = time.perf_counter() - started
        for _ in range(WORKER_SENDS):
            summary = sending.create_send(admin(), account.id, numbers, "您好，您的订单已发货，请注意查收。")
            db.session.commit()
            started = time.perf_counter()
            sending.dispatch(summary.batch.id)
            while True:
                db.session.expire_all()
                left = db.session.scalar(db.select(db.func.count(SmsMessage.id)).where(
                    SmsMessage.batch_id == summary.batch.id, SmsMessage.status != SmsStatus.SUBMITTED))
                if left == 0:
                    break
                time.sleep(0.01)
            samples.append(time.perf_counter() - started)
    finally:
        app.config["REDIS_URL"] = None
        worker.terminate()
        worker.wait(timeout=30)
    kind = "CrmWorker (app built before the fork)" if worker_class else "rq's default worker (app built per job)"
    return [_stats(f"  {kind}, enqueue to done", samples), f"    (its first job, building the app: {warm:.1f} s)"]


def _reminder_data(scale: int, workdir: str):
    os.environ.setdefault("CRM_INSTANCE_DIR", workdir)
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.services.customer_demo import CustomerDemoBuilder
    from app.services.customers.records import refresh_lunar_birth_months
    from app.services.demo import DemoBuilder
    from app.services.seed import ensure_admin, seed_defaults

    path = f"{workdir}/reminders.db"
    reuse = os.path.exists(path)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "REDIS_URL": None,
                      "WTF_CSRF_ENABLED": False})
    if reuse:
        return app, "reused"
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        seed_defaults()
        ensure_admin("Admin#2026")
        db.session.commit()
        DemoBuilder().employees(12)
        CustomerDemoBuilder().customers(scale, 0, batch=5000)
        db.session.execute(db.text(
            "UPDATE customers SET birthday = date('1960-01-01', '+' || (abs(random()) % 16000) || ' days'),"
            " is_lunar_birthday = (id % 3 = 0) WHERE id % 10 < 7"))
        db.session.execute(db.text(
            "UPDATE customers SET birth_month = CAST(strftime('%m', birthday) AS INTEGER) WHERE birthday IS NOT NULL"))
        db.session.execute(db.text(
            "UPDATE customers SET contract_end = date('now', '+' || ((abs(random()) % 730) - 365) || ' days')"
            " WHERE id % 5 < 2"))
        db.session.execute(db.text("UPDATE employees SET mobile = '1370000' || printf('%04d', id)"))
        db.session.commit()
        refresh_lunar_birth_months()
        db.session.commit()
    return app, f"built in {time.perf_counter() - started:.0f} s"


def _reminder_bench(scale: int, workdir: str) -> list[str]:
    from app.extensions import db
    from app.services.sms import reminders, settings
    from app.timeutil import local_today
    from models.customers import Customer
    from models.sms import SmsMessage, SmsReminderClaim
    from tests.messaging.factories import make_sms_account

    app, built = _reminder_data(scale, workdir)
    lines = []
    with app.app_context():
        customers = db.session.scalar(db.select(db.func.count(Customer.id)))
        lines.append(f"reminders: {customers:,} customers ({built}, SQLite, {workdir})")
        db.session.execute(db.delete(SmsReminderClaim))
        db.session.execute(db.delete(SmsMessage))
        db.session.commit()
        if not db.session.scalar(db.select(db.func.count()).select_from(db.table("sms_accounts"))):
            make_sms_account("http://127.0.0.1:9")  # nothing is sent here: only finding and queuing is timed
        form = {e.key: {"recipients": set()} for e in settings.EVENTS}
        form["contract_end"] = {"enabled": True, "days_ahead": "5", "recipients": {"customer", "owner"}}
        form["birthday"] = {"enabled": True, "days_ahead": "0", "recipients": {"customer", "owner"}}
        settings.save_all(form)
        db.session.commit()
        today = local_today()
        for key in ("contract_end", "birthday"):
            samples = []
            for _ in range(3):
                started = time.perf_counter()
                found = reminders.find_recipients(key, today)
                samples.append(time.perf_counter() - started)
            lines.append(_stats(f"find {key} recipients ({len(found):,} texts)", samples))
        started = time.perf_counter()
        counts, _batches = reminders.run_daily(today)
        db.session.commit()
        first = time.perf_counter() - started
        started = time.perf_counter()
        again, _ = reminders.run_daily(today)
        db.session.commit()
        second = time.perf_counter() - started
        lines.append(f"daily run: find + claim + queue {sum(counts.values()):,} texts {first:.1f} s; "
                     f"the same day again queues {sum(again.values())} in {second:.1f} s")
    return lines


def run(scale: int, workdir: str | None = None) -> list[str]:
    workdir = workdir or os.environ.get("BENCH_MESSAGING_DIR") or tempfile.mkdtemp(prefix="bench-messaging-")
    os.makedirs(workdir, exist_ok=True)
    return _send_bench() + _reminder_bench(scale, workdir)


if __name__ == "__main__":
    for text in run(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000, sys.argv[2] if len(sys.argv) > 2 else None):
        print(text, flush=True)
