"""The processes of a scale-out installation on this machine: gunicorn nodes, rq workers, the rq cron scheduler.

Each runs in a session of its own, so a Ctrl+C in the terminal reaches the harness only and the harness stops
them in order (web first, then workers, then the scheduler). `Fleet` is a context manager: whatever it started
is stopped on leaving it, also after a failure or a KeyboardInterrupt.
"""

import os
import re
import signal
import subprocess
import time
from pathlib import Path

from tests.live_server import BIN, PROJECT, free_port, wait_until_serving


class Fleet:
    def __init__(self, folder: Path):
        self.folder = folder
        self.started: list[tuple[str, subprocess.Popen, Path]] = []
        self.bases: dict[str, str] = {}

    def _start(self, label: str, command: list[str], env: dict) -> subprocess.Popen:
        log_path = self.folder / f"{label}.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        self.started.append((label, process, log_path))
        return process

    def web(self, label: str, env: dict) -> str:
        """One gunicorn node as `make run` starts it, on a free loopback port; returns its base URL (call
        wait_until_ready() before using it)."""
        port = free_port()
        self._start(label, [str(BIN / "gunicorn"), "-c", "app/gunicorn_config.py", "wsgi:app"],
                    {**env, "HOST": "127.0.0.1", "PORT": str(port)})
        base = f"http://127.0.0.1:{port}"
        self.bases[label] = base
        return base

    def worker(self, label: str, env: dict, redis_url: str) -> None:
        """`make worker`: an rq worker with the application built once before it forks its work horses."""
        self._start(label, [str(BIN / "rq"), "worker", "--with-scheduler", "-w", "jobs.worker.CrmWorker",
                            "--path", ".", "--url", redis_url], env)

    def cron(self, label: str, env: dict, redis_url: str) -> None:
        """`make cron`: the recurring schedule of jobs/cron.py."""
        self._start(label, [str(BIN / "rq"), "cron", "jobs/cron.py", "--path", ".", "--url", redis_url], env)

    def wait_until_ready(self, seconds: float = 180) -> None:
        """Every web node answers its login page and every worker listens on its queue."""
        deadline = time.monotonic() + seconds
        for label, process, log_path in self.started:
            if label in self.bases:
                wait_until_serving(self.bases[label], process, log_path, seconds=max(1.0, deadline - time.monotonic()))
            if not label.startswith("worker"):
                continue
            while "Listening on" not in log_path.read_text(errors="replace"):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{label} did not start: {log_path.read_text(errors='replace')[-2000:]}")
                time.sleep(0.2)

    def alive(self) -> list[str]:
        return [label for label, process, _ in self.started if process.poll() is None]

    def log(self, label: str) -> str:
        return next(path.read_text(errors="replace") for name, _, path in self.started if name == label)

    def logs(self, prefix: str) -> dict[str, str]:
        return {name: path.read_text(errors="replace") for name, _, path in self.started if name.startswith(prefix)}

    def stop(self) -> None:
        for _label, process, _ in self.started:  # in the order started: the web nodes stop taking work first
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # gunicorn and rq stop their own children
        for _label, process, _ in self.started:
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            try:
                os.killpg(process.pid, signal.SIGKILL)  # a work horse or worker left behind by its parent
            except ProcessLookupError:
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def server_errors(access_log: str) -> list[str]:
    """Access-log lines (app/gunicorn_config.py's format: `host "request" status ...`) with a 5xx status."""
    return [line for line in access_log.splitlines() if re.search(r'" 5\d\d ', line)]
