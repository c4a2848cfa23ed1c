"""提醒设置 run by the daily job, and the notices other modules call: the right people get the right text,
once per (template, record, number, day), however often the job runs."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db as _db
from app.services.customer_demo import make_customer
from app.services.sms import automatic, notices, settings, templates
from app.services.sms.automatic import Outgoing
from app.timeutil import local_today
from jobs.messaging import daily_sms_reminders, resume_sms
from models.sms import SmsMessage, SmsReminderClaim, SmsTemplate
from tests.helpers import admin, make_employee, make_role
from tests.messaging.factories import make_sms_account
from tests.messaging.sms_gateway import GatewayServer
from tests.order_factories import make_order


@pytest.fixture()
def gateway(app, db):
    with GatewayServer() as server:
        yield server


def _enable(key, days=0, recipients=("customer", "owner")):
    form = {e.key: {"enabled": False, "recipients": set(e.recipients)} for e in settings.EVENTS}
    for event in settings.EVENTS:
        row = settings.get(event.key)
        form[event.key] = {"enabled": row.enabled, "days_ahead": str(row.days_ahead),
                           "recipients": settings.recipients_of(row)}
    form[key] = {"enabled": True, "days_ahead": str(days), "recipients": set(recipients)}
    settings.save_all(form)
    _db.session.commit()


def _owner(mobile="13700000001"):
    employee = make_employee("wangwu", real_name="王五", role=make_role("客服", ["customer.view"]))
    employee.mobile = mobile
    return employee


def test_the_eleven_system_templates_are_seeded(app, db):
    titles = db.session.scalars(select(SmsTemplate.title).where(SmsTemplate.code.is_not(None))
                                .order_by(SmsTemplate.sort_order)).all()
    assert titles == ["订单发货提醒", "订单审核提醒", "订单审核通过提醒", "采购进货单审核提醒", "采购退货单审核提醒",
                      "库存盘点单审核提醒", "合同到期客户提醒", "合同到期负责人提醒", "客户生日提醒", "客户生日负责人提醒",
                      "工单分配提醒"]


def test_contract_end_texts_go_to_customer_and_owner_once(app, db, gateway):
    make_sms_account(gateway.url)
    owner = _owner()
    end = local_today() + timedelta(days=5)
    make_customer(admin(), name="苏州明辉贸易有限公司", contact_name="苏萌萌", mobile="15804509000",
                  owner=owner, contract_end=end)
    make_customer(admin(), name="不到期的客户", mobile="15804509001", owner=owner, contract_end=end + timedelta(days=1))
    db.session.commit()
    _enable("contract_end", days=5)
    assert daily_sms_reminders() == {"contract_end": 2, "birthday": 0}
    texts = {s.numbers[0]: s.content for s in gateway.state.sends}
    assert texts == {
        "15804509000": f"尊敬的客户苏萌萌您好，您与我公司签订的合同将于{end:%Y-%m-%d}到期，请安排相关事宜，谢谢！",
        "13700000001": f"您负责的客户：苏州明辉贸易有限公司，合同期至{end:%Y-%m-%d}，还剩余5天，请安排相关事宜！",
    }
    assert daily_sms_reminders() == {"contract_end": 0, "birthday": 0}  # the job ran twice
    resume_sms()
    assert len(gateway.state.numbers) == 2
    assert db.session.scalar(select(func.count(SmsReminderClaim.id))) == 2


def test_lunar_birthday_uses_the_anniversary_rules(app, db, gateway):
    make_sms_account(gateway.url)
    owner = _owner()
    # 农历九月初六 falls on 15 October 2026
    make_customer(admin(), name="朱廷阁商行", contact_name="朱廷阁", mobile="15804409000", owner=owner,
                  birthday=date(1980, 9, 6), is_lunar_birthday=True)
    make_customer(admin(), name="阳历生日", contact_name="李四", mobile="15804409001", owner=owner,
                  birthday=date(1980, 9, 6))
    db.session.commit()
    _enable("birthday", recipients=("customer", "owner"))
    assert daily_sms_reminders("2026-10-15") == {"contract_end": 0, "birthday": 2}
    assert sorted(s.content for s in gateway.state.sends) == sorted(["朱廷阁您好，农历09-06是您的生日，祝您生日快乐！",
                                                                     "农历09-06是朱廷阁商行朱廷阁的生日！"])


def test_edited_template_text_is_used_and_unknown_placeholders_are_refused(app, db, gateway):
    make_sms_account(gateway.url)
    template = db.session.scalar(select(SmsTemplate).where(SmsTemplate.code == "birthday_customer"))
    templates.save_template(template, "改不了标题", "亲爱的{$ContactName$}，生日快乐！")
    assert template.title == "客户生日提醒"
    from app.services.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match=r"不认识的占位符：\{\$OrderNo\$\}"):
        templates.save_template(template, "", "{$OrderNo$}")
    with pytest.raises(ValidationFailed, match="系统模板，不能删除"):
        templates.delete_template(template)
    make_customer(admin(), name="生日客户", contact_name="赵六", mobile="15804409002",
                  birthday=date(1990, 10, 15))
    db.session.commit()
    _enable("birthday", recipients=("customer",))
    daily_sms_reminders("2026-10-15")
    assert [s.content for s in gateway.state.sends] == ["亲爱的赵六，生日快乐！"]


def test_a_claim_is_taken_once_even_by_competing_runs(app, db, gateway):
    account = make_sms_account(gateway.url)
    items = [Outgoing("birthday_customer", 7, "13900000000", "生日快乐"),
             Outgoing("birthday_customer", 7, "+86 139 0000 0000", "生日快乐")]  # the same number typed twice
    first = automatic.queue_once(account, items, date(2026, 10, 15))
    assert len(first.messages) == 1
    # a second run that did not see the first run's claims (it read before they were committed)
    db.session.execute(SmsReminderClaim.__table__.update().values(day=date(2026, 10, 15)))
    assert automatic.queue_once(account, items, date(2026, 10, 15)) is None
    assert automatic.queue_once(account, items, date(2026, 10, 16)) is not None  # another day, another text
    db.session.commit()
    assert db.session.scalar(select(func.count(SmsMessage.id))) == 2


def test_disabled_settings_send_nothing(app, db, gateway):
    make_sms_account(gateway.url)
    make_customer(admin(), name="到期客户", mobile="15804509000", contract_end=local_today())
    db.session.commit()
    assert daily_sms_reminders() == {"contract_end": 0, "birthday": 0}
    assert gateway.state.sends == []


def test_order_notices(app, db, gateway):
    make_sms_account(gateway.url)
    approver = make_employee("shenhe", real_name="审核员", role=make_role("经理", ["order.approve"]))
    approver.mobile = "13600000001"
    admin().mobile = "13600000009"
    for key in ("order_submitted", "order_approved", "order_shipped"):
        _enable(key, recipients=settings.BY_KEY[key].recipients)
    order = make_order(texts={"receiver_name": "龙秋菊", "receiver_mobile": "18606100000", "receiver_address": "x"})
    db.session.commit()
    notices.order_submitted(order, admin())
    notices.order_approved(order, approver)
    order.tracking_number = "1201520254896"
    notices.order_shipped(order, admin(), notify_receiver=True)
    assert notices.order_shipped(order, admin(), notify_receiver=False) is None
    notices.order_submitted(order, admin())  # a hook that runs twice texts nobody twice
    db.session.commit()
    resume_sms()
    texts = sorted((s.numbers[0], s.content) for s in gateway.state.sends)
    amount = f"{order.payable:.2f}"
    assert texts == [
        ("13600000001", f"{admin().real_name}提交了一张新订单：{order.number}，订单金额：{amount}元，等待您的审核！"),
        ("13600000009", f"您提交的订单：{order.number}，订单金额：{amount}元，已由审核员审核通过！"),
        ("18606100000", "龙秋菊您好，您在我公司订购的产品已经发货，单号：1201520254896，请注意查收！"),
    ]


def test_ticket_and_document_notices(app, db, gateway):
    make_sms_account(gateway.url)
    assignee = _owner("13500000001")
    buyer = make_employee("caigou", real_name="采购主管", role=make_role("采购", ["purchase.approve"]))
    buyer.mobile = "13500000002"
    for key in ("ticket_assigned", "purchase_submitted", "stocktake_submitted"):
        _enable(key, recipients=settings.BY_KEY[key].recipients)
    notices.ticket_assigned(31, "签合同", assignee, admin())
    notices.document_submitted("purchase", 5, "JH20261201001", "1500", assignee, "purchase.approve")
    notices.document_submitted("stocktake", 6, "PD20261201001", 0, assignee, "purchase.approve")
    notices.document_submitted("purchase_return", 7, "TH1", 1, assignee, "purchase.approve")  # switched off
    db.session.commit()
    resume_sms()
    texts = sorted((s.numbers[0], s.content) for s in gateway.state.sends)
    assert texts == sorted([
        ("13500000001", f"{admin().real_name}分配给您一个工单，签合同，请及时处理！"),
        ("13500000002", "王五提交了一张采购进货单：JH20261201001，金额：1500.00元，等待您的审核！"),
        ("13500000002", "王五提交了一张库存盘点单：PD20261201001，等待您的审核！"),
    ])
