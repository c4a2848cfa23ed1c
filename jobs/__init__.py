"""Background jobs: thin functions that take ids, open an app context, call a service, commit.

enqueue() sends them to RQ when REDIS_URL is set and runs them inline otherwise, so the
embedded `make run` needs no Redis. When Redis is set but does not answer, the job is kept in the
database (jobs.deferred) and queued once Redis is back: the request still succeeds.
"""

from collections.abc import Callable

from flask import current_app
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import Queue, Retry

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)


def get_queue(name: str | None = None) -> Queue:
    return Queue(name or current_app.config["RQ_QUEUE"],
                 connection=Redis.from_url(current_app.config["REDIS_URL"],
                                           socket_connect_timeout=current_app.config.get("REDIS_CONNECT_TIMEOUT", 2)))


def enqueue(func: Callable, *args, job_id: str | None = None, retries: int = 0,
            retry_interval: int | list[int] = 10, description: str | None = None, **kwargs):
    """Queue func(*args, **kwargs) on RQ, or run it right away without REDIS_URL.

    Call it after the commit of what the job reads. Returns the rq Job, None when it ran inline (its
    result is then already committed), or the DeferredJob kept while Redis does not answer.
    """
    if not current_app.config.get("REDIS_URL"):
        func(*args, **kwargs)
        return None
    try:
        return get_queue().enqueue(
            func, *args, job_id=job_id, description=description,
            retry=Retry(max=retries, interval=retry_interval) if retries else None, **kwargs,
        )
    except REDIS_DOWN as exc:
        from jobs.deferred import defer

        return defer(func, args, kwargs, {"job_id": job_id, "retries": retries, "retry_interval": retry_interval,
                                          "description": description}, exc)
