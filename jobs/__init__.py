"""Background jobs: thin functions that take ids, open an app context, call a service, commit.

enqueue() sends them to RQ when REDIS_URL is set and runs them inline otherwise, so the
embedded `make run` needs no Redis.
"""

from collections.abc import Callable

from flask import current_app
from redis import Redis
from rq import Queue, Retry


def get_queue(name: str | None = None) -> Queue:
    return Queue(name or current_app.config["RQ_QUEUE"],
                 connection=Redis.from_url(current_app.config["REDIS_URL"]))


def enqueue(func: Callable, *args, job_id: str | None = None, retries: int = 0,
            retry_interval: int = 10, description: str | None = None, **kwargs):
    """Queue func(*args, **kwargs) on RQ, or run it right away without REDIS_URL.

    Returns the rq Job, or None when it ran inline (its result is then already committed).
    """
    if not current_app.config.get("REDIS_URL"):
        func(*args, **kwargs)
        return None
    return get_queue().enqueue(
        func, *args, job_id=job_id, description=description,
        retry=Retry(max=retries, interval=retry_interval) if retries else None, **kwargs,
    )
