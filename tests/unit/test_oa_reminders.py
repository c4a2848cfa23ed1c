"""提醒中心: one reminder per (person, kind, subject, day) however often a job runs; birthdays and contract ends."""

import os
import threading
from datetime import date, timedelta

import pytest
from lunar_python import Lunar
from sqlalchemy import func, make_url, select

from app.services.customers.records import create_customer, refresh_lunar_birth_months
from app.services.maintenance.databases import pg_create_database, pg_drop_database
from app.services.oa.anniversary_reminders import remind_anniversaries
from app.services.reminders import create_reminder, mark_read, unread_count, unread_since
from models.reminders import Reminder
from tests.conftest import build_schema, make_test_app
from tests.helpers import admin as admin_user
from tests.helpers import make_employee
from tests.parallel import sibling_database_url

PG_URL = os.environ.get("TEST_DATABASE_URL")


def _solar(lunar_year, month, day):
    solar = Lunar.fromYmd(lunar_year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _count(**where):
    query = select(func.count(Reminder.id))
    for name, value in where.items():
        query = query.where(getattr(Reminder, name) == value)
    from app.extensions import db

    return db.session.scalar(query)


def test_a_reminder_exists_once_per_person_kind_subject_and_day(db):
    boss = admin_user()
    day = date(2026, 12, 1)
    assert create_reminder(boss.id, "schedule", "日程", subject_key="event:1:20261201", day=day)
    assert create_reminder(boss.id, "schedule", "日程", subject_key="event:1:20261201", day=day) is None
    assert create_reminder(boss.id, "schedule", "日程", subject_key="event:1:20261201", day=day + timedelta(1))
    db.session.commit()
    assert _count(employee_id=boss.id) == 2


def test_callers_without_a_day_get_one_reminder_per_subject_for_good(db):
    boss = admin_user()
    assert create_reminder(boss.id, "order_approval", "订单审核", subject_key="order:7")
    assert create_reminder(boss.id, "order_approval", "订单审核", subject_key="order:7") is None
    assert create_reminder(boss.id, "announcement", "无主题") and create_reminder(boss.id, "announcement", "无主题")
    db.session.commit()
    assert _count(employee_id=boss.id) == 3


def test_a_duplicate_that_slips_past_the_check_is_refused_by_the_key_and_the_transaction_goes_on(db):
    boss = admin_user()
    db.session.add(Reminder(employee_id=boss.id, kind="birthday", title="x", subject_key="birthday:1:20261201",
                            remind_on=date(2026, 12, 1)))
    db.session.flush()
    from app.services import reminders

    original = reminders.db.session.scalar
    reminders.db.session.scalar = lambda *a, **k: None  # as if another worker inserted after our check
    try:
        assert create_reminder(boss.id, "birthday", "x", subject_key="birthday:1:20261201",
                               day=date(2026, 12, 1)) is None
    finally:
        reminders.db.session.scalar = original
    db.session.commit()
    assert _count(employee_id=boss.id, kind="birthday") == 1


def test_contract_end_is_reminded_from_three_days_ahead_until_the_day_once_a_day(db):
    boss = admin_user()
    customer = create_customer({"name": "合同客户", "contact_name": "张三", "mobile": "13900000011",
                                "contract_end": date(2026, 6, 10)}, boss)
    db.session.commit()
    assert remind_anniversaries(date(2026, 6, 6))["contract_end"] == 0  # four days ahead: not yet
    for day in (date(2026, 6, 7), date(2026, 6, 8), date(2026, 6, 10)):
        assert remind_anniversaries(day)["contract_end"] == 1
        assert remind_anniversaries(day)["contract_end"] == 0  # the job ran twice: nothing new
        db.session.commit()
    assert remind_anniversaries(date(2026, 6, 11))["contract_end"] == 0  # past the end
    rows = db.session.scalars(select(Reminder).where(Reminder.kind == "contract_end")
                              .order_by(Reminder.remind_on)).all()
    assert [r.remind_on for r in rows] == [date(2026, 6, 7), date(2026, 6, 8), date(2026, 6, 10)]
    assert rows[0].body == "客户 合同客户 的合同3 天后（2026-06-10）到期"
    assert rows[-1].body == "客户 合同客户 的合同今天到期"
    assert rows[0].link == f"/customer/details/?id={customer.id}"
    assert {r.employee_id for r in rows} == {boss.id}


def test_lunar_birthday_reminders_follow_the_lunar_calendar_across_years(db):
    boss = admin_user()
    # 农历四月初一: 2020 has a leap fourth month (the ordinary month counts), 2021 does not.
    create_customer({"name": "农历客户", "contact_name": "李四", "mobile": "13900000012",
                     "birthday": date(1990, 4, 1), "is_lunar_birthday": True}, boss)
    db.session.commit()
    for lunar_year in (2020, 2021, 2026):
        refresh_lunar_birth_months(lunar_year)  # what the daily customer job does each year
        db.session.commit()
        birthday = _solar(lunar_year, 4, 1)
        made = [day for offset in range(-5, 2) if remind_anniversaries(day := birthday + timedelta(offset))["birthday"]]
        db.session.commit()
        assert made == [birthday - timedelta(3), birthday - timedelta(2), birthday - timedelta(1), birthday]
    leap = _solar(2020, -4, 1)
    assert _count(kind="birthday", remind_on=leap) == 0


def test_a_lunar_thirtieth_is_reminded_on_the_29th_when_the_month_is_short(db):
    from lunar_python import LunarYear

    boss = admin_user()
    year = next(y for y in range(2026, 2040) if LunarYear.fromYear(y).getMonth(8).getDayCount() == 29)
    create_customer({"name": "三十生日", "contact_name": "王五", "mobile": "13900000013",
                     "birthday": date(1966, 8, 30), "is_lunar_birthday": True}, boss)
    db.session.commit()
    refresh_lunar_birth_months(year)
    day = _solar(year, 8, 29)
    assert remind_anniversaries(day)["birthday"] == 1
    db.session.commit()
    row = db.session.scalar(select(Reminder).where(Reminder.kind == "birthday"))
    assert row.body == "客户 三十生日 的生日是今天"


def test_pool_customers_remind_nobody_and_reading_is_per_person(db):
    boss = admin_user()
    other = make_employee("other")
    create_reminder(boss.id, "follow_up", "回访", subject_key="follow_up:1")
    mine = create_reminder(other.id, "follow_up", "回访", subject_key="follow_up:1")
    db.session.commit()
    assert mark_read(boss.id, mine.id) == 0  # someone else's id changes nothing
    assert unread_count(other.id) == 1 and unread_count(boss.id) == 1
    assert [r.id for r in unread_since(other.id, 0)] == [mine.id]
    assert unread_since(other.id, mine.id) == []


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_two_jobs_running_at_once_on_postgresql_create_each_reminder_once():
    url = make_url(sibling_database_url("oa_reminders"))
    pg_create_database(url, url.database)
    app = make_test_app(url.render_as_string(hide_password=False))
    build_schema(app)
    from app.extensions import db
    from app.services.seed import ensure_admin, seed_defaults

    with app.app_context():
        seed_defaults()
        boss, _ = ensure_admin("Admin#2026")
        for i in range(40):
            create_customer({"name": f"到期客户{i}", "contact_name": "张三", "mobile": f"139000001{i:02d}",
                             "contract_end": date(2026, 6, 10)}, boss)
        db.session.commit()
        db.session.remove()
    barrier = threading.Barrier(4)
    results, errors = [], []

    def worker():
        try:
            with app.app_context():
                barrier.wait()
                results.append(remind_anniversaries(date(2026, 6, 9))["contract_end"])
                db.session.commit()
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        total = db.session.scalar(select(func.count(Reminder.id)).where(Reminder.kind == "contract_end"))
        db.session.remove()
        db.engine.dispose()
    pg_drop_database(url, url.database)
    assert not errors
    assert total == 40
    assert sum(results) == 40
