"""Jobs kept in the database while Redis does not answer, queued again once it does.

`defer` writes the job in a short transaction of its own (enqueue is called after the request's commit)
and tells the user that the work is delayed; `release_deferred_jobs` runs every minute from the recurring
schedule and queues what waits, oldest first. A row is claimed by an atomic UPDATE before it is queued
and deleted after, so two runners never queue it twice; a claim older than CLAIM_SECONDS (a runner that
died between the two) is taken over.
"""

import json
import logging
import os
import socket
from datetime import timedelta

from flask import current_app, flash, has_request_context
from rq import Retry
from sqlalchemy import delete, insert, or_, select, update

from app.extensions import db
from jobs.context import job_context
from models.base import utcnow
from models.scheduling import DeferredJob

log = logging.getLogger(__name__)

CLAIM_SECONDS = 300
DELAYED_NOTICE = "后台任务队列暂时无法连接，任务已保存，队列恢复后会自动执行"


def defer(func, args, kwargs, options: dict, error: Exception) -> DeferredJob:
    from jobs import dotted_name

    values = {"func": dotted_name(func), "arguments": json.dumps({"args": list(args), "kwargs": kwargs}),
              "options": json.dumps(options), "created_at": utcnow(), "attempts": 0,
              "last_error": f"{type(error).__name__}: {error}"[:300]}
    with db.engine.begin() as connection:
        row_id = connection.execute(insert(DeferredJob).values(values)).inserted_primary_key[0]
    log.warning("Redis did not answer: %s kept as deferred job %s", values["func"], row_id)
    if has_request_context():
        flash(DELAYED_NOTICE, "warning")
    return DeferredJob(id=row_id, **values)


def waiting_count() -> int:
    return db.session.scalar(select(db.func.count()).select_from(DeferredJob)) or 0


def release_deferred_jobs(limit: int = 500) -> int:
    """Queue the jobs that wait for Redis (or run them inline when Redis is no longer configured)."""
    from jobs import REDIS_DOWN, get_queue

    holder = f"{socket.gethostname()[:60]}:{os.getpid()}"
    released = 0
    with job_context():
        stale = utcnow() - timedelta(seconds=CLAIM_SECONDS)
        ids = list(db.session.scalars(select(DeferredJob.id).where(
            or_(DeferredJob.claimed_by.is_(None), DeferredJob.claimed_at < stale)).order_by(DeferredJob.id).limit(limit)))
        db.session.commit()
        for row_id in ids:
            claimed = db.session.execute(
                update(DeferredJob).where(DeferredJob.id == row_id,
                                          or_(DeferredJob.claimed_by.is_(None), DeferredJob.claimed_at < stale))
                .values(claimed_by=holder, claimed_at=utcnow(), attempts=DeferredJob.attempts + 1)
                .execution_options(synchronize_session=False)).rowcount
            db.session.commit()
            if not claimed:
                continue  # another runner has it
            job = db.session.get(DeferredJob, row_id)
            arguments, options = json.loads(job.arguments), json.loads(job.options)
            try:
                if current_app.config.get("REDIS_URL"):
                    retries = options.get("retries") or 0
                    get_queue().enqueue(job.func, *arguments["args"], job_id=options.get("job_id"),
                                        description=options.get("description"),
                                        retry=Retry(max=retries, interval=options.get("retry_interval") or 0)
                                        if retries else None, **arguments["kwargs"])
                else:
                    _run_inline(job.func, arguments)
            except REDIS_DOWN as exc:  # still down: give the row back and try again next minute
                db.session.execute(update(DeferredJob).where(DeferredJob.id == row_id)
                                   .values(claimed_by=None, claimed_at=None, last_error=str(exc)[:300]))
                db.session.commit()
                break
            db.session.execute(delete(DeferredJob).where(DeferredJob.id == row_id))
            db.session.commit()
            released += 1
    if released:
        log.info("queued %d deferred jobs", released)
    return released


def _run_inline(name: str, arguments: dict) -> None:
    from jobs import resolve

    resolve(name)(*arguments["args"], **arguments["kwargs"])
