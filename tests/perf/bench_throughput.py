"""Throughput through gunicorn at 1,000,000 customers: requests per second and p95 of the logged-in customer list
(page 1 and a 2-character search), side by side with a plain Flask-Admin ModelView of the same table under the same
server.

    BENCH_ONLY=throughput make bench        # or python -m tests.perf.bench_throughput [scale]

The data is the customers benchmark's SQLite database (bench_customers._build: `scale` customers, 3 x scale
follow-ups), built into BENCH_THROUGHPUT_DIR/bench.db when that file is missing (about 8 minutes at 1M) and reused
otherwise; the server works on that file (it records logins). gunicorn runs `app/gunicorn_config.py` with
WEB_WORKERS=2 (gthread, WEB_THREADS 4) on a free loopback port, serving `bench_app()`: the product's app plus the
plain view at /plain-customer/, registered here only. BENCH_CLIENTS (8) threads, each logged in through the login
form and its captcha as its own user session, send requests back to back over keep-alive connections for
BENCH_SECONDS (15) per case. Reported per case: requests/s, median, p95, errors, the workers' CPU time per request
(from /proc, which the machine's other load does not inflate) and the load average. BENCH_PROFILE=1 adds a
pyinstrument profile of in-process list page requests. Not a test.
"""

import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

from tests.live_server import BIN, PROJECT, free_port, login, server_env, wait_until_serving

PASSWORD = "Admin#2026"  # the customers benchmark's admin
TICKS = os.sysconf("SC_CLK_TCK")


def _with_plain_view(config: dict | None = None):
    from flask_admin.contrib.sqla import ModelView

    from app import create_app
    from app.extensions import db
    from models.customers import Customer

    class PlainCustomerView(ModelView):
        """What Flask-Admin gives out of the box: COUNT(*) pager and LIKE search over the columns."""

        column_list = ("code", "name", "contact_name", "mobile", "phone", "province", "city", "created_at")
        column_searchable_list = ("code", "name", "pinyin", "contact_name", "mobile", "phone", "office_phone",
                                  "province", "city", "address", "qq", "email", "remark")
        column_default_sort = ("id", True)
        page_size = 20

    app = create_app(config)
    app.extensions["admin"][0].add_view(PlainCustomerView(Customer, db, endpoint="plain_customer",
                                                          url="/plain-customer"))
    return app


def bench_app():
    """gunicorn entry point (`tests.perf.bench_throughput:bench_app()`): the product plus a plain ModelView."""
    return _with_plain_view()


def _data(scale: int) -> Path:
    workdir = Path(os.environ.get("BENCH_THROUGHPUT_DIR") or tempfile.mkdtemp(prefix="bench-throughput-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if not (workdir / "bench.db").exists():
        from tests.perf.bench_customers import _build

        _build(scale, str(workdir))
    return workdir / "bench.db"


def _two_chars(database: Path) -> str:
    """As the customers benchmark picks it: two characters from the middle of a company's name."""
    import sqlite3

    with sqlite3.connect(database) as conn:
        (max_id,) = conn.execute("SELECT max(id) FROM customers").fetchone()
        (name,) = conn.execute("SELECT name FROM customers WHERE id >= ? AND name LIKE '%公司' ORDER BY id LIMIT 1",
                               (max_id // 3,)).fetchone()
    return name[2:4]


def _cpu_seconds(pids) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / TICKS


def p95(samples):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else 0.0


def _drive(sessions, url: str, seconds: float):
    """Every client thread sends GET url back to back until the time is up; (latencies ms, errors, wall s)."""
    latencies, errors = [], []
    stop_at = time.monotonic() + seconds

    def client(session):
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                response = session.get(url, timeout=120)
                # no redirect: a login page instead of the list would be an error
                status = None if response.status_code == 200 and not response.history else \
                    f"HTTP {response.status_code}{' redirected' if response.history else ''}"
            except requests.RequestException as exc:
                status = type(exc).__name__
            elapsed = (time.perf_counter() - started) * 1000
            (errors.append(status) if status else latencies.append(elapsed))

    threads = [threading.Thread(target=client, args=(s,), daemon=True) for s in sessions]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 240)
    return latencies, errors, time.perf_counter() - started


def _profile(database: Path, path: str, requests_: int = 20):
    """pyinstrument over a few in-process requests of one page (test client, same database): where time goes."""
    from pyinstrument import Profiler

    from tests.perf.bench_customers import _config

    os.environ.setdefault("CRM_INSTANCE_DIR", str(database.parent / "throughput-instance"))
    client = _with_plain_view(_config(str(database))).test_client()
    client.post("/login", data={"username": "admin", "password": PASSWORD, "captcha": "TEST"})
    for _ in range(3):
        assert client.get(path).status_code == 200, path
    profiler = Profiler(interval=0.0005)
    cpu = time.process_time()
    profiler.start()
    for _ in range(requests_):
        client.get(path)
    profiler.stop()
    yield (f"profile of {requests_} x GET {path} in-process: "
           f"{1000 * (time.process_time() - cpu) / requests_:.1f} ms CPU per request (profiler included)")
    yield from profiler.output_text(unicode=False, color=False).splitlines()[:80]


def run(scale: int = 1_000_000):
    clients = int(os.environ.get("BENCH_CLIENTS", 8))
    seconds = float(os.environ.get("BENCH_SECONDS", 15))
    database = _data(scale)
    term = _two_chars(database)
    instance = database.parent / "throughput-instance"
    # No in-process schedule: its daily jobs over 1M customers are not what is measured here.
    env = server_env(instance, f"sqlite:///{database}", WEB_WORKERS=2, IN_PROCESS_SCHEDULER=0)
    port = free_port()
    env.update(HOST="127.0.0.1", PORT=str(port))
    log_path = instance.parent / "throughput-gunicorn.log"
    instance.mkdir(exist_ok=True)
    with open(log_path, "wb") as log:
        server = subprocess.Popen([str(BIN / "gunicorn"), "-c", "app/gunicorn_config.py",
                                   "tests.perf.bench_throughput:bench_app()"],
                                  cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, server, log_path, seconds=120)
        workers = [int(pid) for pid in re.findall(r"Booting worker with pid: (\d+)", log_path.read_text())]
        sessions = [login(base, "admin", PASSWORD, env) for _ in range(clients)]
        yield (f"{scale:,} customers (SQLite {database}), gunicorn {len(workers)} workers x "
               f"{os.environ.get('WEB_THREADS', 4)} threads, {clients} client threads (keep-alive), {seconds:.0f} s "
               f"per case; load average at start {os.getloadavg()[0]:.2f}")
        cases = [("list page 1", "/customer/", "/plain-customer/"),
                 (f"search 2 characters {term}", f"/customer/?search={term}", f"/plain-customer/?search={term}")]
        for label, ours, plain in cases:
            measured = {}
            for who, path in (("ours", ours), ("plain", plain)):
                for session in sessions[:2]:  # warm the page (the plain search takes seconds a request)
                    assert session.get(base + path, timeout=120).status_code == 200, path
                cpu_before = _cpu_seconds(workers)
                latencies, errors, wall = _drive(sessions, base + path, seconds)
                cpu = _cpu_seconds(workers) - cpu_before
                done = len(latencies)
                measured[who] = done / wall
                yield (f"{label:<24} {who:<5} {done / wall:7.1f} req/s  p50 {statistics.median(latencies or [0]):7.1f}"
                       f" ms  p95 {p95(latencies):7.1f} ms  worker CPU {1000 * cpu / max(done, 1):6.1f} ms/request  "
                       f"errors {len(errors)}{' (' + ', '.join(sorted(set(errors))) + ')' if errors else ''}  "
                       f"load {os.getloadavg()[0]:.2f}")
            yield f"{label:<24} ours / plain: {measured['ours'] / max(measured['plain'], 1e-9):.1f}x the requests/s"
        yield f"load average at the end {os.getloadavg()[0]:.2f}"
        if os.environ.get("BENCH_PROFILE"):
            yield from _profile(database, "/customer/")
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


if __name__ == "__main__":
    for line in run(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000):
        print(line, flush=True)
