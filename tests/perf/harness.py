"""Shared helpers for benchmarks: a throwaway SQLite app, a logged-in client, timing statistics."""

import statistics
import tempfile
import time
from pathlib import Path

from tests.conftest import build_schema, make_test_app, reset_data
from tests.helpers import login


def bench_app(name: str, **overrides):
    """A fresh app on its own SQLite file (WAL, as `make run` uses) with defaults and the admin."""
    path = Path(tempfile.mkdtemp(prefix=f"crm-bench-{name}-")) / "bench.db"
    app = make_test_app(f"sqlite:///{path}", **overrides)
    build_schema(app)
    reset_data(app)
    return app


def logged_in_client(app):
    client = app.test_client()
    response = login(client)
    assert response.status_code == 302, "benchmark login failed"
    return client


def measure(client, url: str, repeat: int = 15, warmup: int = 2) -> list[float]:
    """Milliseconds per request for GET url; every response must be a 200."""
    for _ in range(warmup):
        client.get(url)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def line(label: str, ours: list[float], plain: list[float] | None = None) -> str:
    text = f"{label:<28} median {statistics.median(ours):8.1f} ms   p95 {p95(ours):8.1f} ms"
    if plain:
        ratio = statistics.median(plain) / statistics.median(ours)
        text += f"   | plain ModelView median {statistics.median(plain):8.1f} ms  ratio {ratio:6.1f}x"
    return text
