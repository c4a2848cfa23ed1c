"""Birthdays and contract ends on a given day: solar, lunar (leap months, missing 30th), year boundaries."""

from datetime import date

from lunar_python import Lunar

from app.services.customers.anniversaries import (
    birthday_month,
    customers_with_birthday,
    customers_with_contract_ending,
    falls_on,
    lunar_birthday_in,
)
from app.services.customers.records import create_customer
from tests.helpers import admin as admin_user


def test_solar_birthday_and_29_february():
    assert falls_on(date(1990, 12, 1), False, date(2026, 12, 1))
    assert not falls_on(date(1990, 12, 1), False, date(2026, 12, 2))
    assert falls_on(date(1992, 2, 29), False, date(2026, 2, 28))
    assert falls_on(date(1992, 2, 29), False, date(2028, 2, 29))
    assert not falls_on(date(1992, 2, 29), False, date(2028, 2, 28))


def test_lunar_birthday_matches_the_calendar():
    # 农历九月初六 of 2026 is 2026-10-15 (checked against lunar-python's own conversion).
    assert lunar_birthday_in(date(1980, 9, 6), 2026) == date(2026, 10, 15)
    assert falls_on(date(1980, 9, 6), True, date(2026, 10, 15))
    assert not falls_on(date(1980, 9, 6), False, date(2026, 10, 15))


def test_lunar_twelfth_month_lands_in_the_next_solar_year():
    solar = Lunar.fromYmd(2025, 12, 20).getSolar()
    day = date(solar.getYear(), solar.getMonth(), solar.getDay())
    assert day.year == 2026
    assert falls_on(date(1970, 12, 20), True, day)


def test_missing_thirtieth_is_celebrated_on_the_29th():
    # Find a lunar year in which month 8 has 29 days, then check the 30th falls on its 29th.
    from lunar_python import LunarYear

    year = next(y for y in range(2020, 2040) if LunarYear.fromYear(y).getMonth(8).getDayCount() == 29)
    solar = Lunar.fromYmd(year, 8, 29).getSolar()
    assert lunar_birthday_in(date(1966, 8, 30), year) == date(solar.getYear(), solar.getMonth(), solar.getDay())


def test_leap_month_years_use_the_ordinary_month():
    # 2020 has a leap fourth month (闰四月): a birthday on 四月初一 is the ordinary month's first day.
    ordinary = Lunar.fromYmd(2020, 4, 1).getSolar()
    leap = Lunar.fromYmd(2020, -4, 1).getSolar()
    got = lunar_birthday_in(date(1990, 4, 1), 2020)
    assert got == date(ordinary.getYear(), ordinary.getMonth(), ordinary.getDay())
    assert got != date(leap.getYear(), leap.getMonth(), leap.getDay())


def test_birthday_month_follows_the_lunar_year():
    assert birthday_month(date(1980, 9, 6), True, 2026) == 10
    assert birthday_month(date(1980, 9, 6), False, 2026) == 9
    assert birthday_month(None, True, 2026) is None


def test_customers_with_birthday_and_contract_end(db):
    admin = admin_user()
    solar = create_customer({"name": "公历生日客户", "contact_name": "张三", "mobile": "13900000001",
                             "birthday": date(1990, 10, 15)}, admin)
    lunar = create_customer({"name": "农历生日客户", "contact_name": "李四", "mobile": "13900000002",
                             "birthday": date(1980, 9, 6), "is_lunar_birthday": True,
                             "contract_end": date(2026, 10, 15)}, admin)
    other = create_customer({"name": "别的客户", "contact_name": "王五", "mobile": "13900000003",
                             "birthday": date(1990, 10, 16)}, admin)
    db.session.flush()
    lunar.birth_month = birthday_month(lunar.birthday, True, 2026)  # what the daily refresh sets for 2026
    db.session.flush()
    found = dict(customers_with_birthday(date(2026, 10, 15), batch=1))
    assert set(found) == {solar.id, lunar.id}
    assert other.id not in found
    assert list(customers_with_contract_ending(date(2026, 10, 15))) == [(lunar.id, lunar.owner_id)]
