"""联系记录 and 等待回访: appointments, 最近一次联系, reminders when they fall due (manual 4.1, 4.4)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.services.customer_demo import make_customer
from app.services.customers.followups import add_follow_up, delete_follow_up, remind_due
from app.services.errors import ValidationFailed
from models.base import utcnow
from models.customers import FollowUp
from models.reminders import Reminder
from tests.helpers import admin


def test_content_is_required_and_appointment_must_be_later(db):
    customer = make_customer(admin())
    with pytest.raises(ValidationFailed, match="联系内容不能为空"):
        add_follow_up(customer, {"content": "  "}, admin())
    now = utcnow()
    with pytest.raises(ValidationFailed, match="下次联系时间须晚于本次联系时间"):
        add_follow_up(customer, {"content": "回访", "contacted_at": now, "next_contact_at": now - timedelta(hours=1)},
                      admin())


def test_follow_up_updates_customer_and_closes_earlier_appointment(db):
    boss = admin()
    customer = make_customer(boss)
    first = add_follow_up(customer, {"content": "初次电话", "contacted_at": utcnow() - timedelta(days=2),
                                     "next_contact_at": utcnow() + timedelta(days=1)}, boss)
    assert first.appointment_open and customer.next_contact_at == first.next_contact_at
    second = add_follow_up(customer, {"content": "上门拜访"}, boss)
    db.session.refresh(first)
    assert not first.appointment_open and customer.next_contact_at is None
    assert customer.last_contact_at == second.contacted_at
    delete_follow_up(second, boss)
    assert customer.last_contact_at == first.contacted_at


def test_due_appointments_create_one_reminder_each(db):
    boss = admin()
    customer = make_customer(boss, name="深圳晶显")
    add_follow_up(customer, {"content": "报价", "contacted_at": utcnow() - timedelta(days=1),
                             "next_contact_at": utcnow() - timedelta(minutes=5), "next_goal": "签合同"}, boss)
    other = make_customer(boss)
    add_follow_up(other, {"content": "以后再说", "next_contact_at": utcnow() + timedelta(days=3)}, boss)
    assert remind_due() == 1
    assert remind_due() == 0
    reminder = db.session.scalar(select(Reminder))
    assert reminder.title == "回访提醒：深圳晶显" and "签合同" in reminder.body
    assert reminder.link.endswith(f"id={customer.id}")
    assert db.session.scalar(select(FollowUp).where(FollowUp.customer_id == customer.id)).reminded_at is not None
