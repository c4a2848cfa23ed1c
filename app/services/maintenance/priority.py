"""Backups run at the lowest CPU and disk priority, so the web requests keep their share of the machine.

The priority is lowered for one thread made for the work (Linux sets nice values and IO classes per
thread, and threads started from it inherit them), never for the caller: an unprivileged process cannot
raise its priority again, and the caller may be an RQ worker or a web server thread that serves more.
"""

import contextvars
import logging
import os
import shutil
import subprocess
import threading

from flask import current_app

log = logging.getLogger(__name__)

NICE = 19
IDLE_IO_CLASS = "3"  # ionice -c 3: disk time only when no one else wants it


def lower_priority_of_this_thread() -> None:
    """nice 19 and the idle IO class for the calling thread (where the system allows it)."""
    thread = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, thread, NICE)
    except (AttributeError, OSError):
        log.info("could not lower the CPU priority of the backup")
    ionice = shutil.which("ionice")
    if ionice:
        result = subprocess.run([ionice, "-c", IDLE_IO_CLASS, "-p", str(thread)], capture_output=True, check=False)
        if result.returncode != 0:
            log.info("could not lower the IO priority of the backup: %s", result.stderr.strip()[:200])


def run_low_priority(func, *args):
    """func(*args) in a thread of its own at the lowest priority, inside this app's context; returns its
    result or raises its exception."""
    app = current_app._get_current_object()
    context = contextvars.copy_context()
    outcome = {}

    def work():
        lower_priority_of_this_thread()
        try:
            with app.app_context():
                outcome["result"] = func(*args)
        except BaseException as exc:  # noqa: BLE001  (raised in the calling thread below)
            outcome["error"] = exc

    thread = threading.Thread(target=lambda: context.run(work), name="low-priority-backup")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
