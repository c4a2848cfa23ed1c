"""Chinese work days: 调休 Saturdays, public holidays, the fallback for years the calendar data lacks."""

from datetime import date

from app.services.workdays import calendar_covers, coverage_warning, is_workday, statutory_holidays


def test_public_holiday_weekend_and_make_up_saturday():
    assert not is_workday(date(2026, 10, 1))   # 国庆节
    assert is_workday(date(2026, 2, 14))       # Saturday, a 调休 work day before 春节 2026
    assert date(2026, 2, 14).weekday() == 5
    assert is_workday(date(2026, 12, 1))       # an ordinary Tuesday
    assert not is_workday(date(2026, 12, 5))   # an ordinary Saturday


def test_extra_days_from_the_administrator_win():
    assert not is_workday(date(2026, 12, 1), extra_holidays={date(2026, 12, 1)})
    assert is_workday(date(2026, 12, 5), extra_workdays={date(2026, 12, 5)})


def test_fallback_for_a_year_without_data():
    year = next(y for y in range(2027, 2100) if not calendar_covers(y))
    holidays = statutory_holidays(year)
    assert date(year, 1, 1) in holidays and date(year, 10, 1) in holidays and date(year, 5, 2) in holidays
    assert len(holidays) == 13
    workday = next(date(year, 3, d) for d in range(1, 10) if date(year, 3, d).weekday() < 5)
    assert is_workday(workday)
    assert not is_workday(date(year, 10, 2))
    saturday = next(date(year, 3, d) for d in range(1, 10) if date(year, 3, d).weekday() == 5)
    assert not is_workday(saturday)


def test_fallback_holidays_match_the_calendar_in_a_known_year():
    # In a year the package knows, each computed statutory day is indeed a holiday.
    for day in statutory_holidays(2026):
        assert not is_workday(day), day


def test_coverage_warning_names_the_missing_year():
    year = next(y for y in range(2026, 2100) if not calendar_covers(y))
    assert coverage_warning(date(year - 1, 6, 1)) is None
    assert f"{year} 年" in coverage_warning(date(year - 1, 11, 15))
    assert f"{year} 年" in coverage_warning(date(year, 3, 1))
