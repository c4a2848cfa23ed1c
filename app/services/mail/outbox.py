"""发送邮件 and 发件箱 (manual 10.2, 10.3): a mail is written to the outbox, then a job claims and sends it.

Claiming is one guarded UPDATE (status 待发送 -> 发送中), so two workers never send the same mail. A temporary
refusal (SMTP 4xx, a dropped connection) puts the mail back to 待发送 and the job is retried with backoff; a
permanent one (5xx) marks it 失败 with the server's answer, and 重新发送 queues it again.
"""

import smtplib
import time
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app
from sqlalchemy import update

from app.extensions import db
from app.services.errors import ValidationFailed
from app.services.mail import accounts, attachments
from app.services.rich_text import clean_rich_text
from jobs import enqueue, resolve
from models.accounts import Employee
from models.base import utcnow
from models.mail import MailMessage, MailStatus

SEND_MAIL = "jobs.messaging.send_mail"  # by name: services never import the job modules

MAX_RECIPIENTS = 50
STALE_AFTER = timedelta(minutes=15)


class TemporaryMailError(Exception):
    """The server refused for now; RQ retries the job."""


def retry_delays() -> list[int]:
    return list(current_app.config.get("MAIL_RETRY_DELAYS", (30, 120, 600)))


def parse_addresses(text: str | None, label: str, required: bool) -> list[str]:
    """Semicolon-separated addresses (commas and new lines accepted too), duplicates dropped."""
    raw = (text or "").replace("\x00", "").replace("；", ";").replace(",", ";").replace("，", ";").replace("\n", ";")
    found = list(dict.fromkeys(part.strip() for part in raw.split(";") if part.strip()))
    if required and not found:
        raise ValidationFailed(f"{label}不能为空")
    bad = [address for address in found if not accounts.valid_email(address)]
    if bad:
        raise ValidationFailed(f"{label}中的地址格式不正确：{'；'.join(a[:60] for a in bad[:5])}")
    if len(found) > MAX_RECIPIENTS:
        raise ValidationFailed(f"{label}最多 {MAX_RECIPIENTS} 个地址")
    return found


def compose(user: Employee, account_id: int, to_text: str, cc_text: str, subject: str, body_html: str,
            uploads: list) -> MailMessage:
    """Check everything, store the attachments and write the mail to the outbox as 待发送."""
    account = accounts.usable_account(user, account_id)
    recipients = parse_addresses(to_text, "收件人", required=True)
    cc = parse_addresses(cc_text, "抄送", required=False)
    subject = (subject or "").replace("\x00", "").replace("\r", " ").replace("\n", " ").strip()
    if not subject:
        raise ValidationFailed("邮件主题不能为空")
    if len(subject) > 200:
        raise ValidationFailed("邮件主题不能超过 200 个字")
    body = clean_rich_text(body_html, "邮件内容", max_length=500_000, required=True)
    stored = attachments.store_all(uploads)
    message = MailMessage(account_id=account.id, sender_id=user.id, from_address=account.email,
                          recipients=";".join(recipients), cc=";".join(cc) or None, subject=subject,
                          body_html=body, status=MailStatus.PENDING)
    message.attachments = stored
    db.session.add(message)
    db.session.flush()
    return message


def claim(message_id: int) -> bool:
    """待发送 -> 发送中 for exactly one caller; the caller commits before it talks to the server."""
    result = db.session.execute(
        update(MailMessage).where(MailMessage.id == message_id, MailMessage.status == MailStatus.PENDING)
        .values(status=MailStatus.SENDING, claimed_at=utcnow(), attempts=MailMessage.attempts + 1))
    return result.rowcount == 1


def build_email(message: MailMessage) -> EmailMessage:
    email = EmailMessage()
    email["Subject"] = message.subject
    name = message.account.name if message.account else None
    email["From"] = formataddr((name, message.from_address)) if name else message.from_address
    email["To"] = ", ".join(message.recipients.split(";"))
    if message.cc:
        email["Cc"] = ", ".join(message.cc.split(";"))
    email["Message-ID"] = make_msgid(domain=message.from_address.rsplit("@", 1)[-1])
    email.set_content("此邮件为 HTML 格式，请使用支持 HTML 的邮件客户端查看。")
    email.add_alternative(f"<html><body>{message.body_html}</body></html>", subtype="html")
    for row in message.attachments:
        maintype, _, subtype = (row.content_type or "application/octet-stream").partition("/")
        data = attachments.path_of(row).read_bytes()
        params = {"charset": _text_charset(data)} if maintype == "text" else None
        email.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream",
                             filename=row.original_name, params=params)
    return email


def _text_charset(data: bytes) -> str:
    """.txt uploads are UTF-8 or GB18030 (the document rules accept both); say which, or readers show mojibake."""
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def _temporary(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, smtplib.SMTPServerDisconnected | OSError)


def send_claimed(message_id: int, max_attempts: int) -> str:
    """Send a claimed mail: "sent", "retry" (back to 待发送) or "failed"."""
    message = db.session.get(MailMessage, message_id)
    if message is None or message.status is not MailStatus.SENDING:
        return "skipped"
    if message.account is None:
        return _fail(message, "发件人账户已被删除")
    try:
        email = build_email(message)
        server = accounts.connect(message.account)
        try:
            server.send_message(email, from_addr=message.from_address,
                                to_addrs=message.recipients.split(";") + (message.cc.split(";") if message.cc else []))
        finally:
            try:
                server.quit()
            except smtplib.SMTPException:
                server.close()
    except ValidationFailed as exc:
        return _fail(message, exc.message)
    except (smtplib.SMTPException, OSError) as exc:
        text = accounts.describe_error(exc)
        if _temporary(exc) and message.attempts < max_attempts:
            message.status, message.error = MailStatus.PENDING, f"第 {message.attempts} 次发送暂时失败：{text}"[:500]
            message.next_attempt_at = utcnow()
            db.session.flush()
            return "retry"
        return _fail(message, text)
    message.status, message.sent_at, message.error = MailStatus.SENT, utcnow(), None
    db.session.flush()
    return "sent"


def _fail(message: MailMessage, text: str) -> str:
    message.status, message.error = MailStatus.FAILED, text[:500]
    db.session.flush()
    return "failed"


def resend(message: MailMessage) -> None:
    """重新发送: a 失败 mail goes back to 待发送 with a fresh count of attempts."""
    if message.status is not MailStatus.FAILED:
        raise ValidationFailed("只有发送失败的邮件可以重新发送")
    message.status, message.attempts, message.next_attempt_at = MailStatus.PENDING, 0, None
    db.session.flush()


def release_stale(now=None) -> int:
    """Mails left 发送中 by a worker that died: whether the server took them is unknown, so they are marked
    失败 with that reason (重新发送 is one click) rather than sent a second time behind the user's back."""
    cutoff = (now or utcnow()) - STALE_AFTER
    result = db.session.execute(
        update(MailMessage).where(MailMessage.status == MailStatus.SENDING, MailMessage.claimed_at < cutoff)
        .values(status=MailStatus.FAILED, error="发送过程中断，邮件可能未发出，请确认后重新发送"))
    return result.rowcount or 0


def dispatch(message_id: int) -> None:
    """Queue the send (after the outbox row is committed); inline without Redis, with short retries."""
    delays = retry_delays()
    if current_app.config.get("REDIS_URL"):
        enqueue(SEND_MAIL, message_id, len(delays) + 1, retries=len(delays), retry_interval=delays or 0,
                job_id=f"mail-{message_id}-{int(time.time() * 1000)}", description="发送邮件")
        return
    inline = list(current_app.config.get("MAIL_INLINE_RETRY_DELAYS", (1, 3)))
    for attempt in range(len(inline) + 1):
        if resolve(SEND_MAIL)(message_id, len(inline) + 1, raise_on_retry=False) != "retry":
            return
        time.sleep(inline[attempt] if attempt < len(inline) else 0)
