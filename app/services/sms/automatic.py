"""Automatic texts (reminders and notices) are claimed before they are queued: one SmsReminderClaim per
(template, record, number, day), unique in the table, written in the same transaction as the messages.
A job that runs twice finds the claims and queues nothing; a worker killed before the commit leaves nothing,
and one killed after it leaves 待发送 / 发送中 messages that the resume job finishes."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import event, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.extensions import db
from app.services.sms import sending
from app.services.sms.numbers import is_mobile, normalise
from jobs import enqueue
from models.sms import SmsAccount, SmsBatch, SmsMessage, SmsReminderClaim

log = logging.getLogger(__name__)
CHUNK = 500
_AFTER_COMMIT = "sms_batches_to_dispatch"


@dataclass(frozen=True)
class Outgoing:
    template_code: str
    record_id: int
    mobile: str
    content: str


def _claim(rows: list[dict]) -> list[dict]:
    """Insert the claims that nobody holds yet; the rows that were ours."""
    try:
        with db.session.begin_nested():
            db.session.execute(insert(SmsReminderClaim), rows)
        return rows
    except IntegrityError:  # another run got some of them first: one by one
        won = []
        for row in rows:
            try:
                with db.session.begin_nested():
                    db.session.execute(insert(SmsReminderClaim), [row])
                won.append(row)
            except IntegrityError:
                continue
        return won


def queue_once(account: SmsAccount, items: Iterable[Outgoing], day: date, sender_id: int | None = None,
               kind: str = "reminder") -> SmsBatch | None:
    unique: dict[tuple, Outgoing] = {}
    for item in items:
        if item.mobile and is_mobile(item.mobile) and item.content:
            mobile = normalise(item.mobile)
            unique.setdefault((item.template_code, item.record_id, mobile),
                              Outgoing(item.template_code, item.record_id, mobile, item.content[:account.max_chars]))
    if not unique:
        return None
    codes = sorted({key[0] for key in unique})
    held = set(db.session.execute(select(SmsReminderClaim.template_code, SmsReminderClaim.record_id,
                                         SmsReminderClaim.mobile)
                                  .where(SmsReminderClaim.day == day, SmsReminderClaim.template_code.in_(codes))).all())
    fresh = [dict(template_code=k[0], record_id=k[1], mobile=k[2], day=day) for k in unique if k not in held]
    won: list[dict] = []
    for start in range(0, len(fresh), CHUNK):
        won.extend(_claim(fresh[start:start + CHUNK]))
    if not won:
        return None
    texts = [unique[(r["template_code"], r["record_id"], r["mobile"])] for r in won]
    batch = sending.queue_messages(account, sender_id, kind, [(t.mobile, t.content) for t in texts])
    message_ids = list(db.session.scalars(select(SmsMessage.id).where(SmsMessage.batch_id == batch.id)
                                          .order_by(SmsMessage.id)))
    claims = {(c.template_code, c.record_id, c.mobile): c.id for c in db.session.execute(
        select(SmsReminderClaim.id, SmsReminderClaim.template_code, SmsReminderClaim.record_id,
               SmsReminderClaim.mobile).where(SmsReminderClaim.day == day, SmsReminderClaim.message_id.is_(None),
                                              SmsReminderClaim.template_code.in_(codes)))}
    links = [{"id": claims[(r["template_code"], r["record_id"], r["mobile"])], "message_id": mid}
             for r, mid in zip(won, message_ids, strict=True) if (r["template_code"], r["record_id"], r["mobile"]) in claims]
    if links:
        db.session.execute(update(SmsReminderClaim), links)
    return batch


def dispatch_after_commit(batch: SmsBatch | None) -> None:
    """Notices are queued inside another module's transaction: send once it commits. With Redis a job is
    queued then; without it the recurring resume_sms run (jobs/cron.py) sends the waiting numbers."""
    if batch is not None:
        db.session().info.setdefault(_AFTER_COMMIT, []).append(batch.id)


@event.listens_for(Session, "after_commit")
def _dispatch(session):
    batch_ids = session.info.pop(_AFTER_COMMIT, [])
    if not batch_ids or not current_app.config.get("REDIS_URL"):
        return
    for batch_id in batch_ids:
        try:
            enqueue(sending.SEND_BATCH, batch_id, description="短信提醒")
        except Exception:  # Redis down: the resume job still finds the numbers
            log.exception("could not queue sms batch %s", batch_id)


@event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop(_AFTER_COMMIT, None)
