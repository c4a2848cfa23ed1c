"""Document numbers as the manual prints them, unique and gap-free per day."""

from datetime import date

import pytest

from app.services.numbering import next_number, next_tracking_number


def test_daily_numbers_follow_the_manual_format(db):
    day = date(2015, 5, 23)
    assert next_number("CT", day) == "CT2015052300001"
    assert next_number("CT", day) == "CT2015052300002"
    assert next_number("XS", day) == "XS2015052300001"
    assert next_number("BJ", day) == "BJ2015052300001"
    assert next_number("JH", day) == "JH20150523001"
    assert next_number("PD", day) == "PD20150523001"
    assert next_number("CT", date(2015, 5, 24)) == "CT2015052400001"


def test_tracking_numbers_are_lp_plus_ten_digits(db):
    first, second = next_tracking_number(), next_tracking_number()
    assert first == "LP0000000001"
    assert second == "LP0000000002"


def test_unknown_prefix_is_a_programming_error(db):
    with pytest.raises(ValueError):
        next_number("ZZ")


def test_rolled_back_numbers_are_reused(db):
    day = date(2020, 1, 1)
    next_number("XS", day)
    db.session.rollback()
    assert next_number("XS", day) == "XS2020010100001"
