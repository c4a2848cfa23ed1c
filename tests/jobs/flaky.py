"""A job that fails on its first run, to prove RQ retries reach the real job function."""

import os

from redis import Redis

from jobs.maintenance import purge_old_login_logs


def purge_after_one_failure(keep_days: int) -> int:
    attempts = Redis.from_url(os.environ["REDIS_URL"]).incr("flaky:attempts")
    if attempts == 1:
        raise ConnectionError("simulated outage on the first attempt")
    return purge_old_login_logs(keep_days)
