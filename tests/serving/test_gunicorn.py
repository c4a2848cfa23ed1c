"""`make run` serves through gunicorn: a real server on a free port, logged in to over HTTP."""

import os
import re
import signal
import sqlite3
import time

from tests.live_server import crm_init, csrf_token, gunicorn, login, server_env


def test_gunicorn_serves_the_logged_in_application(tmp_path):
    instance = tmp_path / "instance"
    env = server_env(instance)
    password = crm_init(env)
    log_path = tmp_path / "gunicorn.log"
    with gunicorn(env, log_path) as (process, base):
        staff = login(base, "admin", password, env)
        page = staff.get(f"{base}/customer/", timeout=30)
        assert page.status_code == 200
        assert "客户资料管理" in page.text and "系统管理员" in page.text
        assert page.headers["Server"] == "gunicorn"  # not Werkzeug, no version

        form = staff.get(f"{base}/customer/new/", timeout=30).text
        saved = staff.post(f"{base}/customer/new/", timeout=30, allow_redirects=True,
                           data={"csrf_token": csrf_token(form), "name": "经由gunicorn有限公司", "mobile": "13912345678"})
        assert saved.status_code == 200
        assert "经由gunicorn有限公司" in staff.get(f"{base}/customer/?search=经由gunicorn", timeout=30).text

        # Without Redis one of the workers holds the lease of the recurring schedule.
        assert _wait_for(lambda: _lease_holder_pid(instance) in _worker_pids(log_path))

        # Graceful reload: new workers come up and the logged-in session keeps working.
        assert int((instance / "gunicorn.pid").read_text()) == process.pid
        process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        while "Hang up" not in log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert staff.get(f"{base}/customer/", timeout=30).status_code == 200
        old_holder = _lease_holder_pid(instance)
        # The old workers give the lease back as they stop, and a new worker takes the schedule over.
        assert _wait_for(lambda: _lease_holder_pid(instance) not in (None, old_holder), 45)

    log = log_path.read_text()
    assert len(re.findall(r"Booting worker", log)) >= 2 * (os.cpu_count() or 1)  # before and after the reload
    assert re.search(r'"GET /customer/ HTTP/1\.1" 200 \d+ \d+ms', log)
    assert "Traceback" not in log


def _wait_for(condition, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _lease_holder_pid(instance):
    with sqlite3.connect(instance / "xingzhu.db") as conn:
        row = conn.execute("SELECT holder FROM scheduler_leases").fetchone()
    return int(row[0].split(":")[1]) if row else None


def _worker_pids(log_path):
    return {int(pid) for pid in re.findall(r"Booting worker with pid: (\d+)", log_path.read_text())}
