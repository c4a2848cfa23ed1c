"""List filters: the Flask-Admin filter classes our lists use, and the reading of a list's filter arguments
(`flt<pos>_<index>=value`) without a view, so a service that rebuilds a list's query (an export job) reads
the same definitions and the same URL as the list.

Local-time date filters for columns that hold naive UTC (建档时间, 联系时间, 登录时间, 下单日期 ...).

Users type dates and times as they read them on screen (Asia/Shanghai, app.timeutil); Flask-Admin's
stock date filters compare those numbers with the UTC column directly and miss eight hours of
records. These turn the typed value into UTC bounds first: a day means local midnight to the next
local midnight. Dates at the ends of the calendar (0001-01-01, 9999-12-31) are clamped instead of
overflowing when the zone offset is applied.
"""

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta

from flask_admin.contrib.sqla.filters import (
    DateBetweenFilter,
    DateEqualFilter,
    DateGreaterFilter,
    DateSmallerFilter,
    DateTimeBetweenFilter,
    DateTimeEqualFilter,
    DateTimeGreaterFilter,
    DateTimeSmallerFilter,
)
from sqlalchemy import BigInteger, Enum, Integer, SmallInteger

from app.timeutil import local_to_utc

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")
_FILTER_ARG = re.compile(r"^flt([0-9]{1,3})_([0-9]{1,3})$")


def utc_bound(local: datetime) -> datetime:
    """local_to_utc, clamped to datetime.min / max where the offset would leave the calendar."""
    try:
        return local_to_utc(local)
    except (OverflowError, ValueError):
        return datetime.min if local.year < 5000 else datetime.max


def day_start(day: date) -> datetime:
    return utc_bound(datetime.combine(day, time.min))


def next_day_start(day: date) -> datetime:
    if day == date.max:
        return datetime.max
    return day_start(day + timedelta(days=1))


class LocalDateBetweenFilter(DateBetweenFilter):
    """从 .. 到, whole local days."""

    def apply(self, query, value, alias=None):
        start, end = value
        column = self.get_column(alias)
        return query.filter(column >= day_start(start), column < next_day_start(end))


class LocalDateEqualFilter(DateEqualFilter):
    def apply(self, query, value, alias=None):
        column = self.get_column(alias)
        return query.filter(column >= day_start(value), column < next_day_start(value))


class LocalDateAfterFilter(DateGreaterFilter):
    """Later than the whole local day typed."""

    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) >= next_day_start(value))


class LocalDateBeforeFilter(DateSmallerFilter):
    """Earlier than the local day typed."""

    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) < day_start(value))


class LocalDateTimeBetweenFilter(DateTimeBetweenFilter):
    def apply(self, query, value, alias=None):
        start, end = value
        column = self.get_column(alias)
        return query.filter(column >= utc_bound(start), column <= utc_bound(end))


class LocalDateTimeEqualFilter(DateTimeEqualFilter):
    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) == utc_bound(value))


class LocalDateTimeAfterFilter(DateTimeGreaterFilter):
    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) > utc_bound(value))


class LocalDateTimeBeforeFilter(DateTimeSmallerFilter):
    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) < utc_bound(value))


def local_date_filters(column, label: str) -> tuple:
    """The usual set for a UTC timestamp column shown as local dates: 介于, 等于, 早于, 晚于."""
    return (LocalDateBetweenFilter(column, label), LocalDateEqualFilter(column, label),
            LocalDateBeforeFilter(column, label), LocalDateAfterFilter(column, label))


def column_max(column) -> int:
    """The largest id a column can hold (SMALLINT/INTEGER vs BIGINT)."""
    column_type = getattr(column, "type", column)
    if isinstance(column_type, BigInteger):
        return INT64_MAX
    if isinstance(column_type, SmallInteger):
        return 2**15 - 1
    if isinstance(column_type, Integer):
        return INT32_MAX
    return INT64_MAX


def filter_value_fits(flt, value) -> bool:
    """Integer columns get only numbers they can hold (several, comma-separated, for "in list")."""
    column = getattr(flt, "column", None)
    column_type = getattr(column, "type", None)
    if isinstance(column_type, Enum) and type(flt).__name__.endswith(("EqualFilter", "FilterEqual", "FilterNotEqual",
                                                                      "InListFilter", "FilterInList")):
        allowed = set(column_type.enums) | {member.value for member in (column_type.enum_class or ())}
        return all(part.strip() in allowed for part in str(value).split(","))
    if not isinstance(column_type, Integer):
        return True
    limit = column_max(column)
    for part in str(value).split(","):
        text = part.strip().removeprefix("-")
        if text and (not _ASCII_DIGITS.fullmatch(text) or int(text) > limit):
            return False
    return True


def chosen_filters(filters: Sequence, args: Mapping) -> list[tuple[int, str]]:
    """(index, value) of the filter arguments a list's query string holds, in position order, as Flask-Admin
    reads them (`flt<pos>_<index>`, index into the view's column_filters); values a filter refuses are left out,
    as the list leaves them out (it also says so in a flash message)."""
    found = []
    for key in args:
        match = _FILTER_ARG.match(key)
        if not match or int(match.group(2)) >= len(filters):
            continue
        index, value = int(match.group(2)), args.get(key)
        flt = filters[index]
        if flt.validate(value) and filter_value_fits(flt, value):
            found.append((int(match.group(1)), index, value))
    return [(index, value) for _pos, index, value in sorted(found)]


def apply_filters(query, filters: Sequence, chosen: list[tuple[int, str]]):
    """The chosen filters applied to a Select (or a legacy Query), each value cleaned by its filter first."""
    for index, value in chosen:
        flt = filters[index]
        query = flt.apply(query, flt.clean(value), None)
    return query
