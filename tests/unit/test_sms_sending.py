"""群发短信 through the local test gateway on 127.0.0.1: exactly the expected texts arrive, counts and billing
follow the manual, bad input is refused, a gateway that times out or refuses leaves a clear, retryable status."""

import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.services.errors import ValidationFailed
from app.services.sms import accounts, billing, sending
from app.services.sms.numbers import parse_numbers
from app.timeutil import local_to_utc, to_local
from jobs.messaging import resume_sms
from models.base import utcnow
from models.sms import SmsMessage, SmsStatus
from tests.helpers import admin
from tests.messaging.factories import make_sms_account, mobiles
from tests.messaging.sms_gateway import GatewayServer


@pytest.fixture()
def gateway(app, db):
    with GatewayServer() as server:
        yield server


def _send(account, numbers, content="您好，您的订单已发货。", schedule="", now=None):
    from app.extensions import db

    summary = sending.create_send(admin(), account.id, ",".join(numbers), content, schedule, now=now)
    db.session.commit()
    sending.dispatch(summary.batch.id)
    return summary


def _statuses(db):
    db.session.expire_all()
    return {m.mobile: (m.status, m.error) for m in db.session.scalars(select(SmsMessage))}


def test_numbers_are_normalised_deduplicated_and_counted():
    result = parse_numbers("13800138000, +86 138 0013 8000\n139-0013-9000；12345，13800138000,,abc\n0086 15900000000")
    assert result.valid == ["13800138000", "13900139000", "15900000000"]
    assert result.duplicates == 2 and result.invalid == ["12345", "abc"]
    assert result.summary() == "有效号码 3 个，已去除重复号码 2 个，已去除无效号码 2 个"


def test_billing_follows_the_account_rule(app, db, gateway):
    manual = make_sms_account(gateway.url)
    assert [billing.parts(manual, "字" * n) for n in (1, 65, 66, 130, 131, 200)] == [1, 1, 2, 2, 3, 4]
    provider = make_sms_account(gateway.url, name="阿里云", single_chars="70", part_chars="67", count_signature=True)
    # 【星烛软件】 counts 6: 64 + 6 = 70 is one message, 65 + 6 = 71 two
    assert [billing.parts(provider, "字" * n) for n in (64, 65, 128, 129)] == [1, 2, 2, 3]


def test_the_gateway_receives_exactly_the_expected_texts(app, db, gateway):
    account = make_sms_account(gateway.url)
    gateway.state.undeliverable = {"13900000001"}
    summary = _send(account, mobiles(3) + ["13900000000", "bad"])
    assert summary.message() == "短信已提交：有效号码 3 个，已去除重复号码 1 个，已去除无效号码 1 个，每个号码计费 1 条，共 3 条"
    assert len(gateway.state.sends) == 1
    sent = gateway.state.sends[0]
    assert sent.numbers == mobiles(3) and sent.sign_name == "星烛软件" and sent.content == "您好，您的订单已发货。"
    assert {s for s, _ in _statuses(db).values()} == {SmsStatus.SUBMITTED}
    assert sending.apply_reports(account) == 3
    db.session.commit()
    statuses = _statuses(db)
    assert statuses["13900000000"] == (SmsStatus.DELIVERED, None)
    assert statuses["13900000001"] == (SmsStatus.FAILED, "MK:0012 用户停机")


def test_numbers_go_in_requests_of_the_accounts_size(app, db, gateway):
    account = make_sms_account(gateway.url, per_request=100)
    _send(account, mobiles(250))
    assert [len(s.numbers) for s in gateway.state.sends] == [100, 100, 50]
    assert sorted(gateway.state.numbers) == mobiles(250)


@pytest.mark.parametrize(("numbers", "content", "message"), [
    (mobiles(501), "你好", "每次最多发送 500 个号码，当前有效号码 501 个"),
    (mobiles(1), "字" * 201, "短信内容不能超过 200 个字符，当前 201 个"),
    (mobiles(1), "   ", "短信内容不能为空"),
    (["123", "abc"], "你好", "请输入至少一个有效的手机号码（有效号码 0 个，已去除无效号码 2 个）"),
    ([], "你好", "请输入至少一个有效的手机号码"),
    (mobiles(1), "【假签名】你好", "不能包含【】"),
])
def test_bad_input_is_refused_and_nothing_is_sent(app, db, gateway, numbers, content, message):
    account = make_sms_account(gateway.url)
    with pytest.raises(ValidationFailed, match=message.replace("(", r"\(").replace(")", r"\)")):
        _send(account, numbers, content)
    assert gateway.state.sends == []


def test_exactly_500_numbers_are_accepted(app, db, gateway):
    account = make_sms_account(gateway.url, per_request=500)
    _send(account, mobiles(500))
    assert len(gateway.state.numbers) == 500


def test_a_gateway_that_times_out_keeps_the_numbers_and_resends_with_the_same_out_id(app, db, gateway):
    account = make_sms_account(gateway.url)
    account.timeout_seconds = 1
    db.session.commit()
    gateway.state.delay = 1.5  # it still takes the request, but answers too late
    _send(account, mobiles(2))
    statuses = _statuses(db)
    assert {s for s, _ in statuses.values()} == {SmsStatus.SENDING}
    assert {e for _, e in statuses.values()} == {"短信网关响应超时，稍后自动重试"}
    gateway.state.delay = 0
    time.sleep(0.8)  # the late answer is ready at the gateway
    resume_sms()
    assert {s for s, _ in _statuses(db).values()} == {SmsStatus.SUBMITTED}
    assert gateway.state.numbers == mobiles(2)  # texted once: the repeated OutId got the first answer
    assert len(gateway.state.repeated_out_ids) == 1


def test_a_gateway_error_gives_a_clear_status_and_resend_works(app, db, gateway):
    account = make_sms_account(gateway.url)
    gateway.state.error_code = "isv.AMOUNT_NOT_ENOUGH"
    _send(account, mobiles(2))
    statuses = _statuses(db)
    assert {s for s, _ in statuses.values()} == {SmsStatus.FAILED}
    assert {e for _, e in statuses.values()} == {"短信网关拒绝：isv.AMOUNT_NOT_ENOUGH: 拒绝发送"}
    gateway.state.error_code = None
    for message in db.session.scalars(select(SmsMessage)).all():
        sending.resend(message)
    db.session.commit()
    resume_sms()
    assert {s for s, _ in _statuses(db).values()} == {SmsStatus.SUBMITTED}
    assert gateway.state.numbers == mobiles(2)


def test_a_gateway_failing_every_time_ends_failed_after_three_attempts(app, db, gateway):
    account = make_sms_account(gateway.url)
    gateway.state.fail_next = 10
    _send(account, mobiles(1))
    resume_sms()
    resume_sms()
    status, error = _statuses(db)[mobiles(1)[0]]
    assert status is SmsStatus.FAILED and error == "短信网关错误（HTTP 500）（已尝试 3 次）"
    assert gateway.state.fail_next == 7


def test_a_wrong_secret_is_refused_by_the_gateway(app, db, gateway):
    account = make_sms_account(gateway.url, secret="wrong")
    _send(account, mobiles(1))
    assert _statuses(db)[mobiles(1)[0]] == (SmsStatus.FAILED, "短信网关拒绝：签名校验失败")
    assert accounts.balance(account) == (None, "短信网关拒绝：签名校验失败")


def test_scheduled_send_waits_for_its_time(app, db, gateway):
    account = make_sms_account(gateway.url)
    later = (to_local(utcnow()) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    summary = _send(account, mobiles(2), schedule=later)
    assert "将于" in summary.message()
    assert {s for s, _ in _statuses(db).values()} == {SmsStatus.SCHEDULED}
    resume_sms()
    assert gateway.state.sends == []
    assert sending.release_scheduled(now=utcnow() + timedelta(hours=3)) == [summary.batch.id]
    db.session.commit()
    resume_sms()
    assert gateway.state.numbers == mobiles(2)


@pytest.mark.parametrize(("schedule", "message"), [
    ("2020-01-01 08:00", "预定发送时间须晚于当前时间"), ("明天上午", "预定发送时间格式不正确"),
    ("2999-01-01 08:00", "不能超过 90 天以后"),
])
def test_bad_schedules_are_refused(app, db, gateway, schedule, message):
    with pytest.raises(ValidationFailed, match=message):
        _send(make_sms_account(gateway.url), mobiles(1), schedule=schedule)


def test_marketing_texts_only_in_allowed_hours(app, db, gateway):
    account = make_sms_account(gateway.url, channel="marketing")
    tomorrow = (to_local(utcnow()) + timedelta(days=1)).date()
    late = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 22, 30)
    with pytest.raises(ValidationFailed, match="营销短信只能在 08:00-21:00 之间发送"):
        _send(account, mobiles(1), schedule=late.strftime("%Y-%m-%d %H:%M"))
    night = local_to_utc(datetime(tomorrow.year, tomorrow.month, tomorrow.day, 3, 0))
    with pytest.raises(ValidationFailed, match="营销短信只能在"):
        _send(account, mobiles(1), now=night)
    noon = local_to_utc(datetime(tomorrow.year, tomorrow.month, tomorrow.day, 12, 0))
    summary = sending.create_send(admin(), account.id, mobiles(1)[0], "双十一促销", "", now=noon)
    assert summary.batch.id


def test_balance_is_read_from_the_gateway(app, db, gateway):
    account = make_sms_account(gateway.url)
    gateway.state.balance = 640
    assert accounts.balance(account) == (640, None)
    _send(account, mobiles(3))
    assert accounts.balance(account) == (637, None)
