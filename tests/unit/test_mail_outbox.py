"""发送邮件 through a real SMTP server (aiosmtpd on 127.0.0.1): Chinese subject and attachment name, CC,
a temporary refusal then success, a permanent refusal with its message, atomic claims, 重新发送."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage

from app.services.errors import ValidationFailed
from app.services.mail import accounts, crypto, outbox
from models.base import utcnow
from models.mail import MailAccount, MailMessage, MailStatus
from tests.helpers import admin
from tests.messaging.factories import make_mail_account
from tests.messaging.smtp_server import SmtpServer


@pytest.fixture()
def smtp(app, db):
    app.config["MAIL_INLINE_RETRY_DELAYS"] = (0, 0)
    with SmtpServer() as server:
        yield server


def _compose(db, account, uploads=(), to="王经理 <x>;", **kwargs):
    values = {"to_text": "customer@example.com", "cc_text": "boss@example.com", "subject": "关于合同续签的通知",
              "body_html": "<p>您好，<strong>合同</strong>即将到期。</p>"} | kwargs
    message = outbox.compose(admin(), account.id, values["to_text"], values["cc_text"], values["subject"],
                             values["body_html"], list(uploads))
    db.session.commit()
    return message


def _reload(db, message_id):
    db.session.expire_all()
    return db.session.get(MailMessage, message_id)


def test_chinese_subject_attachment_and_cc_arrive(app, db, smtp):
    account = make_mail_account(admin(), smtp.port)
    upload = FileStorage(io.BytesIO("续签条款：第一条……".encode()), filename="合同附件.txt")
    message = _compose(db, account, [upload])
    outbox.dispatch(message.id)
    sent = _reload(db, message.id)
    assert sent.status is MailStatus.SENT and sent.sent_at is not None and sent.attempts == 1
    assert len(smtp.received) == 1
    mail = smtp.received[0]
    assert sorted(mail.rcpt_tos) == ["boss@example.com", "customer@example.com"]
    assert mail.message["Subject"] == "关于合同续签的通知"
    assert mail.message["Cc"] == "boss@example.com"
    parts = list(mail.message.iter_attachments())
    assert [p.get_filename() for p in parts] == ["合同附件.txt"]
    assert parts[0].get_content() == "续签条款：第一条……"
    html = mail.message.get_body(("html",)).get_content()
    assert "<strong>合同</strong>即将到期" in html
    assert smtp.handler.logins == [("notice@xingzhu.test", "smtp-secret")]  # the decrypted password


def test_a_temporary_refusal_is_retried_and_then_sent(app, db, smtp):
    account = make_mail_account(admin(), smtp.port)
    smtp.handler.answers.append("451 4.7.1 Greylisted, please try again later")
    message = _compose(db, account)
    outbox.dispatch(message.id)
    sent = _reload(db, message.id)
    assert sent.status is MailStatus.SENT and sent.attempts == 2 and sent.error is None
    assert len(smtp.received) == 1


def test_temporary_refusals_until_the_last_attempt_fail_with_the_answer(app, db, smtp):
    account = make_mail_account(admin(), smtp.port)
    smtp.handler.answers.extend(["451 4.3.0 Mailbox busy"] * 3)
    message = _compose(db, account)
    outbox.dispatch(message.id)
    failed = _reload(db, message.id)
    assert failed.status is MailStatus.FAILED and failed.attempts == 3
    assert "451" in failed.error and "Mailbox busy" in failed.error
    assert smtp.received == []


def test_a_permanent_refusal_fails_with_the_servers_message_and_resend_works(app, db, smtp):
    account = make_mail_account(admin(), smtp.port)
    smtp.handler.answers.append("550 5.7.1 Message rejected as spam")
    message = _compose(db, account)
    outbox.dispatch(message.id)
    failed = _reload(db, message.id)
    assert failed.status is MailStatus.FAILED and failed.attempts == 1
    assert failed.error == "服务器返回 550 5.7.1 Message rejected as spam"
    outbox.resend(failed)
    db.session.commit()
    outbox.dispatch(message.id)
    assert _reload(db, message.id).status is MailStatus.SENT
    assert len(smtp.received) == 1


def test_a_wrong_password_fails_with_the_servers_answer(app, db, smtp):
    account = make_mail_account(admin(), smtp.port, password="wrong")
    message = _compose(db, account)
    outbox.dispatch(message.id)
    failed = _reload(db, message.id)
    assert failed.status is MailStatus.FAILED and "535" in failed.error


def test_an_unreachable_server_is_a_clear_failure(app, db):
    app.config["MAIL_INLINE_RETRY_DELAYS"] = (0,)
    from tests.messaging.smtp_server import free_port

    account = make_mail_account(admin(), free_port())
    message = _compose(db, account)
    outbox.dispatch(message.id)
    failed = _reload(db, message.id)
    assert failed.status is MailStatus.FAILED and failed.attempts == 2
    assert "服务器拒绝连接" in failed.error


def test_claiming_is_atomic(app, db, smtp):
    account = make_mail_account(admin(), smtp.port)
    message = _compose(db, account)
    assert outbox.claim(message.id) is True
    assert outbox.claim(message.id) is False  # a second worker gets nothing
    db.session.commit()
    assert _reload(db, message.id).status is MailStatus.SENDING


def test_a_mail_left_sending_by_a_dead_worker_is_marked_failed_not_resent(app, db, smtp):
    account = make_mail_account(admin(), smtp.port)
    message = _compose(db, account)
    outbox.claim(message.id)
    db.session.execute(update(MailMessage).values(claimed_at=utcnow() - timedelta(hours=1)))
    assert outbox.release_stale() == 1
    db.session.commit()
    stale = _reload(db, message.id)
    assert stale.status is MailStatus.FAILED and "重新发送" in stale.error
    assert smtp.received == []


def test_the_password_is_stored_encrypted_and_never_in_plain_text(app, db, smtp):
    account = make_mail_account(admin(), smtp.port, password="p@ss-中文-123")
    stored = db.session.scalar(select(MailAccount.password_encrypted).where(MailAccount.id == account.id))
    assert "p@ss" not in stored and crypto.decrypt(stored, accounts.PURPOSE) == "p@ss-中文-123"
    app.config["SECRET_KEY"], old = "another-key", app.config["SECRET_KEY"]
    try:
        with pytest.raises(ValidationFailed, match="无法解密"):
            crypto.decrypt(stored, accounts.PURPOSE)
    finally:
        app.config["SECRET_KEY"] = old


def test_test_button_shows_the_servers_answer(app, db, smtp):
    ok, answer = accounts.test_account(make_mail_account(admin(), smtp.port))
    assert ok and answer.startswith("连接成功，服务器返回 250")
    ok, answer = accounts.test_account(make_mail_account(admin(), smtp.port, password="bad", name="坏密码"))
    assert not ok and "535" in answer


@pytest.mark.parametrize(("field", "value", "message"), [
    ("to_text", "", "收件人不能为空"),
    ("to_text", "a@example.com;not-an-address", "收件人中的地址格式不正确：not-an-address"),
    ("cc_text", "x@@y", "抄送中的地址格式不正确"),
    ("subject", "  ", "邮件主题不能为空"),
    ("subject", "长" * 201, "邮件主题不能超过 200 个字"),
    ("body_html", "<p><br></p>", "邮件内容不能为空"),
    ("to_text", ";".join(f"u{i}@example.com" for i in range(51)), "收件人最多 50 个地址"),
])
def test_bad_input_is_refused_with_a_message(app, db, smtp, field, value, message):
    account = make_mail_account(admin(), smtp.port)
    with pytest.raises(ValidationFailed, match=message):
        _compose(db, account, **{field: value})


def test_attachments_follow_the_document_rules(app, db, smtp):
    account = make_mail_account(admin(), smtp.port)
    fake = FileStorage(io.BytesIO(b"MZ\x90\x00 not a picture"), filename="照片.png")
    with pytest.raises(ValidationFailed, match="内容与扩展名 .png 不符"):
        _compose(db, account, [fake])
    exe = FileStorage(io.BytesIO(b"MZ"), filename="run.exe")
    with pytest.raises(ValidationFailed, match="类型不允许"):
        _compose(db, account, [exe])
    app.config["UPLOAD_MAX_BYTES"] = 10
    try:
        big = FileStorage(io.BytesIO(b"x" * 11), filename="big.txt")
        with pytest.raises(ValidationFailed, match="超过 10M"):
            _compose(db, account, [big])
    finally:
        app.config["UPLOAD_MAX_BYTES"] = 10 * 1024 * 1024


def test_script_in_the_body_is_removed(app, db, smtp):
    account = make_mail_account(admin(), smtp.port)
    message = _compose(db, account, body_html='<p>你好<script>alert(1)</script><img src=x onerror=alert(2)></p>')
    assert "script" not in message.body_html and "onerror" not in message.body_html and "你好" in message.body_html
