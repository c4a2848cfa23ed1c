"""Chinese working days (考勤, service levels): public holidays and 调休 make-up work days.

`chinese-calendar` knows the State Council's yearly schedule, including Saturdays and Sundays that are work days
(调休). It only knows the years published so far (a new year usually arrives in a release around November). For a
year outside its data the fallback counts Monday to Friday as work days except the statutory holidays themselves
(元旦 1 day, 春节 除夕 to 初三, 清明, 劳动节 1-2 May, 端午, 中秋, 国庆 1-3 October), computed with lunar-python; it
cannot know that year's 调休, so `coverage_warning()` tells the administrator, who can add the official days as
extra holidays and extra work days until the package is updated.
"""

from collections.abc import Collection
from datetime import date, timedelta
from functools import cache

import chinese_calendar
from lunar_python import Lunar


def calendar_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@cache
def statutory_holidays(year: int) -> frozenset[date]:
    """The statutory holiday days of a year (without the bridging days and 调休 that each year's schedule adds)."""

    def lunar(month: int, day: int) -> date:
        solar = Lunar.fromYmd(year, month, day).getSolar()
        return date(solar.getYear(), solar.getMonth(), solar.getDay())

    spring = lunar(1, 1)
    qingming = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]
    days = {
        date(year, 1, 1),
        spring - timedelta(days=1), spring, spring + timedelta(days=1), spring + timedelta(days=2),
        date(qingming.getYear(), qingming.getMonth(), qingming.getDay()),
        date(year, 5, 1), date(year, 5, 2),
        lunar(5, 5),
        lunar(8, 15),
        date(year, 10, 1), date(year, 10, 2), date(year, 10, 3),
    }
    return frozenset(day for day in days if day.year == year)


def is_workday(day: date, extra_holidays: Collection[date] = (), extra_workdays: Collection[date] = ()) -> bool:
    """Whether `day` is a work day; the administrator's extra days take precedence over the calendar."""
    if day in extra_workdays:
        return True
    if day in extra_holidays:
        return False
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5 and day not in statutory_holidays(day.year)


def coverage_warning(today: date) -> str | None:
    """A message for the administrator when this year or, from November, next year is outside the calendar data."""
    years = [today.year] + ([today.year + 1] if today.month >= 11 else [])
    missing = [year for year in years if not calendar_covers(year)]
    if not missing:
        return None
    listed = "、".join(f"{year} 年" for year in missing)
    return (f"节假日数据尚未包含 {listed}：这些年份暂按周一至周五上班、法定节假日休息计算，调休上班日未知。"
            "请在设置中补充国务院公布的放假和调休日期，或升级 chinese-calendar。")
