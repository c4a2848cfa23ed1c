"""Background jobs: thin functions that take ids, open an app context, call a service, commit.

enqueue() sends them to RQ when REDIS_URL is set and runs them inline otherwise, so the
embedded `make run` needs no Redis. When Redis is set but does not answer, the job is kept in the
database (jobs.deferred) and queued once Redis is back: the request still succeeds.

Views and services name a job by its dotted path (enqueue("jobs.customers.export_customers", ...)) rather
than importing it: the job modules import the app's services, and create_app() imports the views, so
importing jobs from a view module would close the circle app -> admin_views -> jobs -> jobs.context ->
create_app. The jobs' `flask crm` commands are registered by create_app() through register_cli().
"""

import importlib
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


CLI_MODULES = ("jobs.customers", "jobs.messaging", "jobs.oa")  # each adds its `flask crm` commands on import


def register_cli() -> None:
    for name in CLI_MODULES:
        importlib.import_module(name)


def dotted_name(func: Callable | str) -> str:
    return func if isinstance(func, str) else f"{func.__module__}.{func.__qualname__}"


def resolve(name: str) -> Callable:
    """The job function a dotted name such as "jobs.customers.export_customers" names (jobs only)."""
    module, _, attribute = name.rpartition(".")
    if module != "jobs" and not module.startswith("jobs."):
        raise ValueError(f"not a job: {name}")
    return getattr(importlib.import_module(module), attribute)


def enqueue(func: Callable | str, *args, job_id: str | None = None, retries: int = 0,
            retry_interval: int | list[int] = 10, description: str | None = None, **kwargs):
    """Queue func(*args, **kwargs) on RQ, or run it right away without REDIS_URL.

    func is the job function or its dotted name. Call it after the commit of what the job reads. Returns
    the rq Job, None when it ran inline (its result is then already committed), or the DeferredJob kept
    while Redis does not answer.
    """
    if not current_app.config.get("REDIS_URL"):
        (resolve(func) if isinstance(func, str) else func)(*args, **kwargs)
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
