"""Job tests use a real Redis: a dedicated database flushed around each test."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from redis import Redis

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def redis_url():
    url = os.environ.get("REDIS_TEST_URL")
    if not url:
        pytest.skip("REDIS_TEST_URL is not set (make test sets it when Redis runs)")
    connection = Redis.from_url(url)
    connection.flushdb()
    yield url
    connection.flushdb()


@pytest.fixture()
def queued_app(app, db, redis_url):
    """The test app, switched to queue jobs on the real Redis instead of running them inline."""
    app.config["REDIS_URL"] = redis_url
    yield app
    app.config["REDIS_URL"] = None


def run_burst_worker(app, redis_url: str) -> subprocess.CompletedProcess:
    """Run `rq worker --burst` as a separate process, the way production runs jobs."""
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT),
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": redis_url,
        "SECRET_KEY": "job-tests",
    }
    rq = Path(sys.executable).with_name("rq")
    return subprocess.run([str(rq), "worker", "--burst", "--url", redis_url, "default"], cwd=PROJECT, env=env,
                          capture_output=True, text=True, timeout=120)
