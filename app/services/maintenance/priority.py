"""Backups run at a low CPU and disk priority, so the web requests keep their share of the machine.

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

NICE = 10  # BACKUP_NICE; 19 starves the backup on a busy machine (a tenth of the CPU share of nice 10)
IO_PRIORITY = ("2", "7")  # ionice -c 2 -n 7: the lowest best-effort level; the idle class (3) may never get the disk


def lower_priority_of_this_thread(nice: int = NICE) -> None:
    """A lower CPU priority (nice) and the lowest best-effort IO priority for the calling thread (where the
    system allows it)."""
    thread = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, thread, max(os.getpriority(os.PRIO_PROCESS, thread), nice))
    except (AttributeError, OSError):
        log.info("could not lower the CPU priority of the backup")
    ionice = shutil.which("ionice")
    if ionice:
        result = subprocess.run([ionice, "-c", IO_PRIORITY[0], "-n", IO_PRIORITY[1], "-p", str(thread)],
                                capture_output=True, check=False)
        if result.returncode != 0:
            log.info("could not lower the IO priority of the backup: %s", result.stderr.strip()[:200])


def run_low_priority(func, *args):
    """func(*args) in a thread of its own at the lowest priority, inside this app's context; returns its
    result or raises its exception."""
    app = current_app._get_current_object()
    nice = int(app.config.get("BACKUP_NICE", NICE))
    context = contextvars.copy_context()
    outcome = {}

    def work():
        lower_priority_of_this_thread(nice)
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
