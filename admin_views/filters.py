"""Local-time date filters for columns that hold naive UTC (建档时间, 联系时间, 登录时间, 下单日期 ...).

Users type dates and times as they read them on screen (Asia/Shanghai, app.timeutil); Flask-Admin's
stock date filters compare those numbers with the UTC column directly and miss eight hours of
records. These turn the typed value into UTC bounds first: a day means local midnight to the next
local midnight. Dates at the ends of the calendar (0001-01-01, 9999-12-31) are clamped instead of
overflowing when the zone offset is applied.
"""

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

from app.timeutil import local_to_utc


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
