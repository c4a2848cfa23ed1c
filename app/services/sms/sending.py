"""群发短信 (manual 11.2) and the delivery pipeline shared by sends, reminders and notices.

A send writes one SmsMessage per number (待发送, or 等待定时发送 with a 预定发送时间). A job then claims chunks of
numbers with a guarded UPDATE (待发送 -> 发送中, with a request id = the gateway's OutId) and commits the claim
before talking to the gateway, so two workers never take the same number. A request whose answer was lost
(timeout, dead worker) is sent again with the same OutId; see gateway.py for what that guarantees.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from app.extensions import db
from app.services.errors import ValidationFailed
from app.services.sms import billing
from app.services.sms.accounts import gateway_for
from app.services.sms.gateway import GatewayError, SmsGateway
from app.services.sms.numbers import MAX_PER_SEND, NumberList, parse_numbers
from app.timeutil import local_to_utc, to_local
from jobs import enqueue, get_queue
from models.accounts import Employee
from models.base import utcnow
from models.sms import SmsAccount, SmsBatch, SmsChannel, SmsMessage, SmsStatus

SEND_BATCH = "jobs.messaging.send_sms_batch"  # by name: services never import the job modules

MAX_ATTEMPTS = 3
STALE_AFTER = timedelta(minutes=5)


@dataclass
class SendSummary:
    batch: SmsBatch
    numbers: NumberList
    parts: int

    def message(self) -> str:
        when = (f"，将于 {to_local(self.batch.scheduled_at):%Y-%m-%d %H:%M} 发送" if self.batch.scheduled_at else "")
        return (f"短信已提交：{self.numbers.summary()}，每个号码计费 {self.parts} 条，"
                f"共 {self.parts * len(self.numbers.valid)} 条{when}")


def marketing_hours() -> tuple[int, int]:
    start, end = current_app.config.get("SMS_MARKETING_HOURS", (8, 21))
    return int(start), int(end)


def parse_schedule(text: str | None, now: datetime) -> datetime | None:
    """预定发送时间 typed in local time (empty: now) -> naive UTC, at least a minute and at most 90 days ahead."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        local = datetime.fromisoformat(text.replace(" ", "T")[:16])
    except ValueError as exc:
        raise ValidationFailed("预定发送时间格式不正确，例如 2026-12-01 09:30") from exc
    when = local_to_utc(local)
    if when < now + timedelta(minutes=1):
        raise ValidationFailed("预定发送时间须晚于当前时间；立即发送请留空")
    if when > now + timedelta(days=90):
        raise ValidationFailed("预定发送时间不能超过 90 天以后")
    return when


def check_marketing_hours(account: SmsAccount, when_utc: datetime) -> None:
    if account.channel is not SmsChannel.MARKETING:
        return
    start, end = marketing_hours()
    hour = to_local(when_utc).hour
    if not start <= hour < end:
        raise ValidationFailed(f"营销短信只能在 {start:02d}:00-{end:02d}:00 之间发送，请修改预定发送时间")


def create_send(user: Employee, account_id: int, numbers_text: str, content: str, schedule_text: str = "",
                now: datetime | None = None) -> SendSummary:
    now = now or utcnow()
    account = db.session.get(SmsAccount, account_id) if account_id else None
    if account is None:
        raise ValidationFailed("请选择短信发送账号")
    numbers = parse_numbers(numbers_text)
    if not numbers.valid:
        raise ValidationFailed("请输入至少一个有效的手机号码" + (f"（{numbers.summary()}）" if numbers.invalid else ""))
    if len(numbers.valid) > MAX_PER_SEND:
        raise ValidationFailed(f"每次最多发送 {MAX_PER_SEND} 个号码，当前有效号码 {len(numbers.valid)} 个")
    text = billing.check_content(account, content)
    scheduled = parse_schedule(schedule_text, now)
    check_marketing_hours(account, scheduled or now)
    batch = queue_messages(account, user.id, "manual", [(n, text) for n in numbers.valid], scheduled)
    return SendSummary(batch=batch, numbers=numbers, parts=billing.parts(account, text))


def queue_messages(account: SmsAccount, sender_id: int | None, kind: str, items: list[tuple[str, str]],
                   scheduled_at: datetime | None = None) -> SmsBatch:
    """One batch with a message per (number, text); the caller commits, then calls dispatch()."""
    batch = SmsBatch(account_id=account.id, sender_id=sender_id, kind=kind, scheduled_at=scheduled_at)
    db.session.add(batch)
    db.session.flush()
    status = SmsStatus.SCHEDULED if scheduled_at else SmsStatus.PENDING
    db.session.add_all([SmsMessage(batch_id=batch.id, sender_id=sender_id, mobile=mobile, content=text,
                                   parts=billing.parts(account, text), status=status) for mobile, text in items])
    db.session.flush()
    return batch


def release_scheduled(now: datetime | None = None, batch_id: int | None = None) -> list[int]:
    """等待定时发送 -> 待发送 for sends whose time has come; the batch ids released."""
    now = now or utcnow()
    due = select(SmsBatch.id).where(SmsBatch.scheduled_at <= now)
    if batch_id is not None:
        due = due.where(SmsBatch.id == batch_id)
    ids = list(db.session.scalars(select(SmsMessage.batch_id).where(
        SmsMessage.status == SmsStatus.SCHEDULED, SmsMessage.batch_id.in_(due)).distinct()))
    if ids:
        db.session.execute(update(SmsMessage).where(SmsMessage.batch_id.in_(ids),
                                                    SmsMessage.status == SmsStatus.SCHEDULED)
                           .values(status=SmsStatus.PENDING))
    return ids


def claim_chunk(batch_id: int) -> list[str]:
    """Take up to numbers_per_request 待发送 numbers of the batch; one request id per distinct text."""
    batch = db.session.get(SmsBatch, batch_id)
    if batch is None:
        return []
    ids = list(db.session.scalars(select(SmsMessage.id).where(
        SmsMessage.batch_id == batch_id, SmsMessage.status == SmsStatus.PENDING)
        .order_by(SmsMessage.id).limit(batch.account.numbers_per_request)))
    if not ids:
        return []
    token = uuid.uuid4().hex[:16]
    db.session.execute(update(SmsMessage).where(SmsMessage.id.in_(ids), SmsMessage.status == SmsStatus.PENDING)
                       .values(status=SmsStatus.SENDING, claimed_at=utcnow(), request_id=token,
                               attempts=SmsMessage.attempts + 1, error=None))
    mine = db.session.execute(select(SmsMessage.id, SmsMessage.content).where(SmsMessage.request_id == token)
                              .order_by(SmsMessage.id)).all()
    groups: dict[str, list[int]] = {}
    for message_id, content in mine:
        groups.setdefault(content, []).append(message_id)
    request_ids = []
    for index, message_ids in enumerate(groups.values()):
        request_id = f"{batch_id}-{token}-{index}"
        db.session.execute(update(SmsMessage).where(SmsMessage.id.in_(message_ids)).values(request_id=request_id))
        request_ids.append(request_id)
    return request_ids


def reclaim(request_id: str, now: datetime | None = None) -> bool:
    """Take back a request that failed for now or whose worker died, keeping its OutId: one caller wins."""
    now = now or utcnow()
    result = db.session.execute(update(SmsMessage).where(
        SmsMessage.request_id == request_id, SmsMessage.status == SmsStatus.SENDING,
        or_(SmsMessage.error.is_not(None), SmsMessage.claimed_at < now - STALE_AFTER))
        .values(claimed_at=now, error=None, attempts=SmsMessage.attempts + 1))
    return (result.rowcount or 0) > 0


def retryable_requests(batch_id: int | None = None, now: datetime | None = None) -> list[str]:
    now = now or utcnow()
    query = select(SmsMessage.request_id).where(SmsMessage.status == SmsStatus.SENDING, or_(
        SmsMessage.error.is_not(None), SmsMessage.claimed_at < now - STALE_AFTER)).distinct()
    if batch_id is not None:
        query = query.where(SmsMessage.batch_id == batch_id)
    return [r for r in db.session.scalars(query) if r]


def submit(request_id: str, gateway: SmsGateway | None = None) -> str:
    """Send one claimed request: "submitted", "retry" (kept 发送中 with the reason) or "failed"."""
    rows = db.session.execute(select(SmsMessage.id, SmsMessage.mobile, SmsMessage.content, SmsMessage.attempts,
                                     SmsMessage.batch_id)
                              .where(SmsMessage.request_id == request_id, SmsMessage.status == SmsStatus.SENDING)
                              .order_by(SmsMessage.id)).all()
    if not rows:
        return "skipped"
    account = db.session.get(SmsBatch, rows[0].batch_id).account
    mine = and_(SmsMessage.request_id == request_id, SmsMessage.status == SmsStatus.SENDING)
    try:
        result = (gateway or gateway_for(account)).send_batch(request_id, [r.mobile for r in rows],
                                                              account.signature, rows[0].content)
    except (GatewayError, ValidationFailed) as exc:
        temporary = isinstance(exc, GatewayError) and exc.temporary
        if temporary and max(r.attempts for r in rows) < MAX_ATTEMPTS:
            db.session.execute(update(SmsMessage).where(mine).values(error=f"{exc.message}，稍后自动重试"))
            return "retry"
        suffix = f"（已尝试 {MAX_ATTEMPTS} 次）" if temporary else ""
        db.session.execute(update(SmsMessage).where(mine).values(status=SmsStatus.FAILED,
                                                                  error=f"{exc.message}{suffix}"[:300]))
        return "failed"
    now = utcnow()
    for mobile, reason in result.rejected.items():
        db.session.execute(update(SmsMessage).where(mine, SmsMessage.mobile == mobile)
                           .values(status=SmsStatus.FAILED, error=reason, sent_at=now))
    db.session.execute(update(SmsMessage).where(mine).values(status=SmsStatus.SUBMITTED, sent_at=now, error=None))
    return "submitted"


def apply_reports(account: SmsAccount) -> int:
    """Delivery reports from the gateway -> 发送成功 / 发送失败 per number; how many rows changed."""
    changed = 0
    for report in gateway_for(account).delivery_reports():
        status = SmsStatus.DELIVERED if report.delivered else SmsStatus.FAILED
        result = db.session.execute(update(SmsMessage).where(
            SmsMessage.request_id == report.request_id, SmsMessage.mobile == report.mobile,
            SmsMessage.status.in_([SmsStatus.SUBMITTED, SmsStatus.SENDING]))
            .values(status=status, error=None if report.delivered else (report.error or "发送失败"),
                    reported_at=utcnow()))
        changed += result.rowcount or 0
    return changed


def batches_with_pending(limit: int = 1000) -> list[int]:
    return list(db.session.scalars(select(SmsMessage.batch_id).where(SmsMessage.status == SmsStatus.PENDING)
                                   .distinct().limit(limit)))


def resend(message: SmsMessage) -> None:
    """重新发送 of one failed number: back to 待发送 under a new request id."""
    if message.status is not SmsStatus.FAILED:
        raise ValidationFailed("只有发送失败的短信可以重新发送")
    message.status, message.attempts, message.request_id, message.error = SmsStatus.PENDING, 0, None, None
    db.session.flush()


def dispatch(batch_id: int) -> None:
    """After the commit: send now (a job, or inline without Redis) or at the 预定发送时间 (RQ enqueue_at).

    Without Redis a scheduled send waits for the recurring `send_due_sms` run (or `flask crm send-due-sms`).
    """
    from datetime import UTC

    batch = db.session.get(SmsBatch, batch_id)
    if batch.scheduled_at and batch.scheduled_at > utcnow():
        if current_app.config.get("REDIS_URL"):
            get_queue().enqueue_at(batch.scheduled_at.replace(tzinfo=UTC), SEND_BATCH, batch_id,
                                   job_id=f"sms-batch-{batch_id}-scheduled", description="定时短信")
        return
    enqueue(SEND_BATCH, batch_id, job_id=f"sms-batch-{batch_id}-{uuid.uuid4().hex[:8]}",
            description="群发短信")
