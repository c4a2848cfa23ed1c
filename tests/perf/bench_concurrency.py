"""20 staff saving at once through gunicorn: p50/p95 per save, errors, throughput, gap-free numbers afterwards.

`BENCH_ONLY=concurrency make bench` (or `python -m tests.perf.bench_concurrency`). Loopback only, bounded in time.
Environment: BENCH_STAFF (20), BENCH_SECONDS (60), BENCH_THINK (seconds between two actions of one person, default
1.0, spread 0.5x-1.5x), BENCH_DATABASE_URL (a PostgreSQL URL whose database is dropped and created anew; default a
fresh SQLite file as `make run` uses), WEB_WORKERS / WEB_THREADS (gunicorn, default app/gunicorn_config.py).
Every action opens its page first, as a person does, then saves: 创建客户, 添加联系记录, 创建订单, 通过审核.
"""

import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import requests
from sqlalchemy import create_engine, make_url, select, text

from app.services.maintenance.databases import pg_create_database
from tests.live_server import crm_init, csrf_token, gunicorn, login, server_env

SAVES = {"customer": "创建客户", "follow_up": "添加联系记录", "order": "创建订单", "approve": "通过审核"}
WEIGHTS = {"customer": 2, "follow_up": 4, "order": 3, "approve": 2}
PASSWORD = "Bench#2026"


def prepare(database_url: str, staff: int) -> dict:
    """Staff accounts (销售一部经理: may add customers, follow-ups and orders, and approve), 3 customers each, products."""
    from app.extensions import db
    from app.services.customers.records import create_customer
    from models.accounts import Employee, Role
    from tests.conftest import make_test_app
    from tests.helpers import make_employee
    from tests.order_factories import make_product

    app = make_test_app(database_url)
    with app.app_context():
        role = db.session.scalar(select(Role).where(Role.name == "销售一部经理"))
        products = [make_product(name=f"压测产品{i}", price=f"{10 + i}.50").id for i in range(10)]
        people = {}
        for n in range(staff):
            person = make_employee(f"staff{n:02d}", role=role, real_name=f"员工{n:02d}", password=PASSWORD)
            people[person.username] = [create_customer({"name": f"老客户{n:02d}-{k}有限公司",
                                                        "mobile": f"158{n:02d}{k:06d}"}, person).id
                                       for k in range(3)]
        db.session.commit()
        assert db.session.scalar(select(Employee).where(Employee.username == "staff00")) is not None
        db.session.remove()
        db.engine.dispose()
    return {"people": people, "products": products}


class Person(threading.Thread):
    """One member of staff: open a page, save, think, again, until the time is up."""

    def __init__(self, number, base, username, env, customers, products, stop_at, think, results):
        super().__init__(daemon=True)
        self.number, self.base, self.username, self.env = number, base, username, env
        self.customers, self.products, self.stop_at, self.think = list(customers), products, stop_at, think
        self.results, self.pending, self.made = results, [], 0
        self.rng = random.Random(number)

    def run(self):
        session = login(self.base, self.username, PASSWORD, self.env)
        token = csrf_token(session.get(f"{self.base}/customer/new/", timeout=60).text)
        while time.monotonic() < self.stop_at:
            kind = self.rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
            if kind == "approve" and not self.pending:
                kind = "order"
            try:
                self.results.append(self.act(session, token, kind))
            except requests.RequestException as exc:
                self.results.append((kind, 0.0, f"connection: {type(exc).__name__}"))
            time.sleep(self.think * self.rng.uniform(0.5, 1.5))

    def act(self, session, token, kind):
        base, customer = self.base, self.rng.choice(self.customers)
        if kind == "customer":
            self.made += 1
            page, url = f"{base}/customer/new/", f"{base}/customer/new/"
            data = {"name": f"压测新客户{self.number:02d}-{self.made}有限公司", "mobile": f"139{self.number:02d}{self.made:06d}"}
        elif kind == "follow_up":
            page = url = f"{base}/follow-up/new/?customer_id={customer}"
            data = {"content": "电话沟通报价，客户表示下周下单",
                    "next_contact_at": (time_local() + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")}
        elif kind == "order":
            page, url = f"{base}/order/new?customer_id={customer}", f"{base}/order/new"
            chosen = self.rng.sample(self.products, 2)
            data = {"customer_id": customer, "product_id": chosen, "quantity": ["2", "1"], "unit_price": ["", ""],
                    "freight": "0", "discount": "0", "paid": "0", "receiver_name": "顾老板",
                    "receiver_address": "湘江北路49号"}
        else:
            order_id = self.pending.pop(0)
            page, url, data = f"{base}/order/{order_id}", f"{base}/order/{order_id}/transition/approve", {}
        session.get(page, timeout=60)
        started = time.perf_counter()
        response = session.post(url, data={"csrf_token": token, **data}, allow_redirects=False, timeout=60)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 302:
            return kind, elapsed, f"HTTP {response.status_code}"
        if kind == "order":
            self.pending.append(int(re.search(r"/order/(\d+)", response.headers["Location"]).group(1)))
        return kind, elapsed, None


def time_local():
    from app.timeutil import to_local
    from models.base import utcnow

    return to_local(utcnow())


def p95(samples):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else 0.0


def check_numbers(database_url: str) -> list[str]:
    """Customer (CT) and order (XS) numbers: distinct, and 1..N without a gap on every day."""
    from tests.load.invariants import NUMBERED, document_numbers

    checks = document_numbers(database_url, [entry for entry in NUMBERED if entry[1] in {"CT", "XS"}])
    engine = create_engine(database_url)
    with engine.connect() as conn:
        pending = conn.execute(text("SELECT count(*) FROM sales_orders WHERE status = 'pending'")).scalar()
    engine.dispose()
    return [check.line for check in checks] + [f"orders still 等待审核: {pending}"]


def run(staff: int = 20):
    seconds = float(os.environ.get("BENCH_SECONDS", 60))
    think = float(os.environ.get("BENCH_THINK", 1.0))
    work = Path(tempfile.mkdtemp(prefix="crm-bench-concurrency-"))
    database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{work / 'instance' / 'xingzhu.db'}"
    if database_url.startswith("postgresql"):
        url = make_url(database_url)
        pg_create_database(url, url.database)
    env = server_env(work / "instance", database_url)
    crm_init(env)
    data = prepare(database_url, staff)
    results = []
    log_path = work / "gunicorn.log"
    with gunicorn(env, log_path):
        base = re.search(r"Listening at: (\S+)", log_path.read_text()).group(1)
        stop_at = time.monotonic() + seconds
        people = [Person(n, base, name, env, customers, data["products"], stop_at, think, results)
                  for n, (name, customers) in enumerate(data["people"].items())]
        started = time.perf_counter()
        for person in people:
            person.start()
        for person in people:
            person.join(seconds + 120)
        wall = time.perf_counter() - started
    log = log_path.read_text(errors="replace")
    workers = len(set(re.findall(r"Booting worker with pid: (\d+)", log)))
    yield (f"{'sqlite' if database_url.startswith('sqlite') else 'postgresql'}, gunicorn {workers} workers, "
           f"{staff} staff, {seconds:.0f} s, think {think:.1f} s, load average {os.getloadavg()[0]:.1f}")
    for kind, label in SAVES.items():
        samples = [ms for k, ms, error in results if k == kind and error is None]
        errors = [error for k, _, error in results if k == kind and error is not None]
        if samples:
            yield (f"{label:<8} {len(samples):5d} saves  p50 {statistics.median(samples):7.1f} ms  "
                   f"p95 {p95(samples):7.1f} ms  max {max(samples):7.1f} ms  errors {len(errors)}"
                   + (f" ({', '.join(sorted(set(errors)))})" if errors else ""))
    total_errors = sum(1 for *_, error in results if error is not None)
    yield f"throughput {len(results) / wall:.1f} saves/s, errors {total_errors} of {len(results)}"
    locked = log.count("database is locked")
    yield f"server log: {log.count('Traceback')} tracebacks, {locked} 'database is locked'"
    yield from check_numbers(database_url)


if __name__ == "__main__":
    for out in run(int(sys.argv[1]) if len(sys.argv) > 1 else 20):
        print(out, flush=True)
