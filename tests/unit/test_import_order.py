"""Modules import in any order in a fresh interpreter: create_app -> admin_views -> jobs -> jobs.context ->
create_app was a circle, closed again by any view module that imported a job module at import time."""

import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]

ORDERS = [
    ("jobs.customers", "admin_views"),
    ("admin_views", "jobs.customers"),
    ("admin_views.customers", "jobs.cron", "app"),
    ("jobs.context", "jobs.deferred", "admin_views.customer_export", "app"),
    ("jobs.cron", "admin_views"),
]


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("modules", ORDERS, ids=" then ".join)
def test_modules_import_in_this_order(modules):
    result = _run("; ".join(f"import {name}" for name in modules))
    assert result.returncode == 0, result.stderr[-2000:]


def test_views_do_not_import_job_modules_and_the_app_still_registers_their_commands():
    result = _run("import sys, admin_views\n"
                  "loaded = sorted(m for m in sys.modules if m.startswith('jobs.'))\n"
                  "assert not loaded, loaded\n"
                  "from app import create_app\n"
                  "from app.cli import crm_cli\n"
                  "create_app()\n"
                  "assert {'recycle-customers', 'remind-follow-ups', 'sms-reminders', 'remind-oa'} <= set(crm_cli.commands)\n")
    assert result.returncode == 0, result.stderr[-2000:]
