"""E-mail and SMS jobs: send one outbox mail, send one SMS batch, resume interrupted work, delivery reports,
and the daily automatic SMS reminders (scheduled in jobs/cron.py)."""

import logging

from app.extensions import db
from jobs.context import job_context

log = logging.getLogger(__name__)


def send_mail(message_id: int, max_attempts: int = 1, raise_on_retry: bool = True) -> str:
    """Claim the outbox row (committed at once, so no other worker takes it), send it, record the outcome.

    A temporary refusal raises TemporaryMailError, so RQ retries the job after its backoff interval.
    """
    from app.services.mail import outbox

    with job_context():
        claimed = outbox.claim(message_id)
        db.session.commit()
        if not claimed:
            return "skipped"
        outcome = outbox.send_claimed(message_id, max_attempts)
        db.session.commit()
    if outcome == "retry" and raise_on_retry:
        raise outbox.TemporaryMailError(f"mail {message_id}: temporary SMTP failure, retrying")
    return outcome


def release_stale_mail() -> int:
    from app.services.mail import outbox

    with job_context():
        released = outbox.release_stale()
        db.session.commit()
        return released
