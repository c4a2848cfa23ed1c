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


class TemporarySmsError(Exception):
    """The gateway failed for now; RQ retries the job, which resends the same requests (same OutId)."""


def _deliver(batch_id: int) -> bool:
    """Send every number of the batch; False when the gateway failed for now (retry later)."""
    from app.services.sms import sending

    sending.release_scheduled(batch_id=batch_id)
    db.session.commit()
    ok = True
    for request_id in sending.retryable_requests(batch_id):
        if sending.reclaim(request_id):
            db.session.commit()
            ok = sending.submit(request_id) != "retry" and ok
            db.session.commit()
    while ok:
        request_ids = sending.claim_chunk(batch_id)
        db.session.commit()  # the claim is visible before the gateway hears of it
        if not request_ids:
            break
        for request_id in request_ids:
            ok = sending.submit(request_id) != "retry" and ok
            db.session.commit()
    return ok


def send_sms_batch(batch_id: int, raise_on_retry: bool = True) -> bool:
    from flask import current_app

    with job_context():
        ok = _deliver(batch_id)
        inline = not current_app.config.get("REDIS_URL")
    if not ok and raise_on_retry and not inline:
        raise TemporarySmsError(f"sms batch {batch_id}: gateway failed for now")
    return ok


def resume_sms() -> int:
    """Every few minutes: due scheduled sends, requests left by a dead worker or a temporary gateway failure
    (sent again with the same OutId), and numbers still 待发送. Returns how many batches it worked on."""
    from app.services.sms import sending

    with job_context():
        batches = set(sending.release_scheduled())
        db.session.commit()
        for request_id in sending.retryable_requests():
            if sending.reclaim(request_id):
                db.session.commit()
                sending.submit(request_id)
                db.session.commit()
                batches.add(int(request_id.split("-", 1)[0]))
        pending = set(sending.batches_with_pending())
        for batch_id in sorted(pending):
            _deliver(batch_id)
        return len(batches | pending)


def poll_sms_reports() -> int:
    """Delivery reports of every account (发送成功 / 发送失败 per number)."""
    from app.services.sms import accounts, sending
    from app.services.sms.gateway import GatewayError

    changed = 0
    with job_context():
        for account in accounts.all_accounts():
            try:
                changed += sending.apply_reports(account)
                db.session.commit()
            except GatewayError as exc:
                db.session.rollback()
                log.warning("delivery reports of %s: %s", account.name, exc.message)
        return changed


def daily_sms_reminders(day: str | None = None) -> dict:
    """提醒设置: today's 合同到期 and 客户生日 texts, queued once per (template, record, number, day), then sent."""
    from datetime import date

    from app.services.sms import reminders, sending

    with job_context():
        counts, batches = reminders.run_daily(date.fromisoformat(day) if day else None)
        db.session.commit()
        for batch in batches:
            sending.dispatch(batch.id)
        return counts


def _register_cli() -> None:
    """`flask crm sms-reminders` and `flask crm send-due-sms`: the same jobs by hand (embedded default)."""
    import click

    from app.cli import crm_cli

    if "sms-reminders" in crm_cli.commands:
        return

    @crm_cli.command("sms-reminders")
    @click.option("--day", default=None, help="YYYY-MM-DD (default: today)")
    def reminders_command(day):
        """Queue and send today's automatic SMS reminders (idempotent)."""
        counts = daily_sms_reminders(day)
        click.echo(f"合同到期短信 {counts.get('contract_end', 0)} 条，客户生日短信 {counts.get('birthday', 0)} 条")

    @crm_cli.command("send-due-sms")
    def due_command():
        """Send scheduled SMS whose time has come and finish interrupted sends."""
        click.echo(f"已处理 {resume_sms()} 批短信")


_register_cli()
