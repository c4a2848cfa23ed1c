"""备份数据库 at scale: the 1M-customer SQLite database (3M follow-ups), with requests running meanwhile.

    python -m tests.perf.bench_backup 1000000 [workdir]   # or BENCH_ONLY=backup make bench

Reuses the customer benchmark's data (tests/perf/bench_customers.py builds it once into workdir;
BENCH_BACKUP_DIR or the second argument names a workdir to reuse). The backup runs in its own process,
as the RQ worker runs it; meanwhile one thread opens the customer list and another adds customers
through the app, and every request's latency is recorded; the same requests are measured before the
backup for comparison, and so is a plain copy of the database file (this disk's speed at that moment). Prints the time of the
snapshot + archive, of the verification (restore into a scratch file, quick_check, row counts), and
the request latencies. Not a test: numbers depend on the machine.
"""

import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.perf.harness import logged_in_client, p95

NUMBERS = itertools.count()
PROJECT = str(Path(__file__).resolve().parents[2])
WORKER = "import sys; from jobs.maintenance_backup import run_backup; print(run_backup(sys.argv[1]))"


def _file_copy(path: str) -> float:
    """Seconds to copy the database file: how fast this disk is at this moment, for comparison."""
    target = path + ".copy"
    started = time.perf_counter()
    shutil.copyfile(path, target)
    os.sync()
    seconds = time.perf_counter() - started
    os.unlink(target)
    return seconds


def _requests(app, stop: threading.Event, samples: dict, writer: bool) -> None:
    client = logged_in_client(app)
    while not stop.is_set():
        started = time.perf_counter()
        if writer:
            made = next(NUMBERS)
            response = client.post("/customer/new/", data={"name": f"备份期间新客户{made}号",
                                                            "mobile": f"136{time.time_ns() % 10**4:04d}{made:04d}"})
            ok = response.status_code == 302
        else:
            ok = client.get("/customer/").status_code == 200
        samples["write" if writer else "read"].append((time.perf_counter() - started) * 1000)
        if not ok:
            samples["errors"].append(1)


def _measure_while(app, work):
    stop = threading.Event()
    samples = {"read": [], "write": [], "errors": []}
    threads = [threading.Thread(target=_requests, args=(app, stop, samples, writer)) for writer in (False, True)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    stop.set()
    for thread in threads:
        thread.join()
    return result, seconds, samples


def _latency(label: str, values: list[float]) -> str:
    if not values:
        return f"{label:<34} no samples"
    return (f"{label:<34} {len(values):5d} requests  median {statistics.median(values):7.1f} ms  "
            f"p95 {p95(values):7.1f} ms  max {max(values):7.1f} ms")


def run(scale: int, workdir: str | None = None) -> list[str]:
    from flask_migrate import upgrade

    from tests.perf.bench_customers import _build

    workdir = workdir or os.environ.get("BENCH_BACKUP_DIR") or tempfile.mkdtemp(prefix="bench-backup-")
    reuse = os.path.exists(os.path.join(workdir, "bench.db"))
    app, build_seconds = _build(scale, workdir, reuse)
    app.config.update(STORAGE_DIR=os.path.join(workdir, "storage"), UPLOAD_DIR=os.path.join(workdir, "uploads"))
    os.makedirs(app.config["UPLOAD_DIR"], exist_ok=True)
    from app.services.maintenance import backup, catalogue

    with app.app_context():
        upgrade()  # a reused database may predate the audit trail
    size = os.path.getsize(os.path.join(workdir, "bench.db"))
    lines = [f"data: {scale:,} customers, {3 * scale:,} follow-ups, database file {size / 2**30:.2f} GiB "
             f"({'reused' if reuse else f'built in {build_seconds:.0f} s'})"]

    _, _, baseline = _measure_while(app, lambda: time.sleep(10))
    lines.append(_latency("list page, no backup running", baseline["read"]))
    lines.append(_latency("添加客户, no backup running", baseline["write"]))

    def make():
        """Run the backup job in its own process, as `rq worker` does; watch its state from here."""
        with app.app_context():
            name = backup.start_backup("manual", "bench").name
        env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": "",
               "STORAGE_DIR": app.config["STORAGE_DIR"], "UPLOAD_DIR": app.config["UPLOAD_DIR"],
               "SECRET_KEY": "bench", "PYTHONPATH": PROJECT}
        started = time.perf_counter()
        worker = subprocess.Popen([sys.executable, "-c", WORKER, name], cwd=PROJECT, env=env)
        marks = {}
        while worker.poll() is None:
            with app.app_context():
                record = catalogue.load(name)
            if record.done > 0:
                marks.setdefault("first progress", time.perf_counter() - started)
            time.sleep(0.2)
        total = time.perf_counter() - started
        with app.app_context():
            record = catalogue.load(name)
        return marks, total, record

    copy_seconds = _file_copy(os.path.join(workdir, "bench.db"))
    lines.append(f"plain copy of the database file right now (shutil.copyfile): {copy_seconds:.1f} s")
    (marks, total, record), _, during = _measure_while(app, make)
    seconds = record.extra
    lines.append(f"backup {record.filename}: {record.state_label}, archive {record.size / 2**30:.2f} GiB; "
                 f"worker process {total:.1f} s in all (start-up until first progress {marks.get('first progress', 0):.1f} s)")
    lines.append(f"  snapshot (online backup API) + row counts {seconds['snapshot_seconds']:6.1f} s")
    lines.append(f"  snapshot + archive + store   {seconds['backup_seconds']:6.1f} s   (target < 60 s)")
    lines.append(f"  verification                 {seconds['verify_seconds']:6.1f} s")
    lines.append(_latency("list page during the backup", during["read"]))
    lines.append(_latency("添加客户 during the backup", during["write"]))
    slowest = max(during["read"] + during["write"] or [0])
    lines.append(f"slowest request during the backup {slowest:.0f} ms (target < 1000 ms), without a backup "
                 f"{max(baseline['read'] + baseline['write']):.0f} ms; "
                 f"failed requests: {len(during['errors']) + len(baseline['errors'])}; load average {os.getloadavg()[0]:.1f}")
    return lines


if __name__ == "__main__":
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    for text in run(scale, sys.argv[2] if len(sys.argv) > 2 else None):
        print(text, flush=True)
