"""Jobs through a real Redis and a real `rq worker` process, and inline without Redis."""

from datetime import timedelta

from redis import Redis
from rq import Queue
from rq.job import Job
from sqlalchemy import func, select

from jobs import enqueue
from jobs.maintenance import purge_old_login_logs
from models.accounts import LoginLog
from models.base import utcnow
from tests.jobs.conftest import run_burst_worker
from tests.jobs.flaky import purge_after_one_failure


def _add_logs(db, ages_in_days):
    for age in ages_in_days:
        db.session.add(LoginLog(username="admin", ip="127.0.0.1", success=True,
                                created_at=utcnow() - timedelta(days=age)))
    db.session.commit()


def _log_count(db):
    db.session.expire_all()
    return db.session.scalar(select(func.count(LoginLog.id)))


def test_without_redis_jobs_run_inline(app, db):
    _add_logs(db, [1, 200, 400])
    assert enqueue(purge_old_login_logs, 180) is None
    assert _log_count(db) == 1


def test_job_queued_on_redis_runs_in_a_worker_process(queued_app, db, redis_url):
    _add_logs(db, [1, 200])
    job = enqueue(purge_old_login_logs, 180, job_id="purge-test")
    assert job.id == "purge-test"
    assert Queue("default", connection=Redis.from_url(redis_url)).count == 1
    assert _log_count(db) == 2  # nothing happens until a worker takes it
    result = run_burst_worker(queued_app, redis_url)
    assert result.returncode == 0, result.stderr
    assert _log_count(db) == 1
    finished = Job.fetch("purge-test", connection=Redis.from_url(redis_url))
    assert finished.is_finished and finished.return_value() == 1


def test_failed_job_is_retried_and_then_succeeds(queued_app, db, redis_url):
    _add_logs(db, [300])
    job = enqueue(purge_after_one_failure, 180, retries=2, retry_interval=0)
    result = run_burst_worker(queued_app, redis_url)
    assert result.returncode == 0, result.stderr
    connection = Redis.from_url(redis_url)
    assert int(connection.get("flaky:attempts")) == 2
    assert Job.fetch(job.id, connection=connection).is_finished
    assert _log_count(db) == 0


def test_cron_schedule_registers_the_purge(app):
    from rq import cron

    import jobs.cron  # noqa: F401  (registers on import)

    names = [entry["func"].__name__ for entry in cron._job_data_registry]
    assert "purge_old_login_logs" in names
