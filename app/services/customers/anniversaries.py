"""Birthdays (solar and lunar) and contract ends falling on a given day, for reminders and SMS notices.

A lunar birthday is stored as a date whose month and day are the lunar month and day (the year is the year of
birth). Two rules make every lunar birthday land on exactly one solar day each lunar year:

* a leap month is never a birthday month: a birthday in month M is celebrated in the ordinary month M, also in a
  year where a leap month M follows it;
* day 30 of a month that has only 29 days in a given year is celebrated on the 29th.

A solar birthday on 29 February is celebrated on 28 February in common years.
"""

from collections.abc import Iterator
from datetime import date, timedelta
from functools import lru_cache

from lunar_python import Lunar, LunarYear
from sqlalchemy import select

from app.extensions import db
from models.customers import Customer


def lunar_birthday_in(birthday: date, lunar_year: int) -> date:
    """The solar date of a lunar birthday in the given lunar year (which may end in the next solar year)."""
    return _lunar_birthday(birthday.month, birthday.day, lunar_year)


@lru_cache(maxsize=4096)
def _lunar_birthday(lunar_month: int, lunar_day: int, lunar_year: int) -> date:
    # lunar-python builds a whole year of solar terms per call (milliseconds); there are only 360 month/day
    # pairs, so the daily scan over a million customers asks each pair once.
    month = LunarYear.fromYear(lunar_year).getMonth(lunar_month)
    day = min(lunar_day, month.getDayCount()) if month else min(lunar_day, 29)
    solar = Lunar.fromYmd(lunar_year, lunar_month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def solar_birthday_in(birthday: date, year: int) -> date:
    try:
        return birthday.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 2, 28)


def falls_on(birthday: date, lunar: bool, day: date) -> bool:
    """Whether a birthday is celebrated on this solar day."""
    if not lunar:
        return solar_birthday_in(birthday, day.year) == day
    # Lunar months 11-12 of lunar year Y fall in January/February of Y+1.
    return any(lunar_birthday_in(birthday, year) == day for year in (day.year - 1, day.year))


def birthday_month(birthday: date | None, lunar: bool, year: int) -> int | None:
    """Solar month of the birthday celebrated in the given (lunar) year, for the 本月生日 quick view."""
    if birthday is None:
        return None
    if not lunar:
        return birthday.month
    return lunar_birthday_in(birthday, year).month


def customers_with_birthday(day: date, batch: int = 5000) -> Iterator[tuple[int, int | None]]:
    """(customer id, owner id) of every customer whose birthday is celebrated on `day`.

    The candidates come from the indexed `birth_month` column (this year's month, lunar dates converted by the
    daily refresh) of this month and its neighbours, then each birthday is checked exactly.
    """
    months = {day.month, (day - timedelta(days=31)).month, (day + timedelta(days=31)).month}
    last_id = 0
    while True:
        rows = db.session.execute(
            select(Customer.id, Customer.owner_id, Customer.birthday, Customer.is_lunar_birthday)
            .where(Customer.birth_month.in_(sorted(months)), Customer.birthday.is_not(None), Customer.id > last_id)
            .order_by(Customer.id).limit(batch)).all()
        if not rows:
            return
        for customer_id, owner_id, birthday, lunar in rows:
            if falls_on(birthday, lunar, day):
                yield customer_id, owner_id
        last_id = rows[-1][0]


def customers_with_contract_ending(day: date) -> Iterator[tuple[int, int | None]]:
    """(customer id, owner id) of every customer whose contract ends on `day` (indexed `contract_end`)."""
    yield from db.session.execute(
        select(Customer.id, Customer.owner_id).where(Customer.contract_end == day).order_by(Customer.id))
