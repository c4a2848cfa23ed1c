"""Report filters: parsed from the request once, then applied to the aggregate and the drill-down alike.

Each filter reads its own query-string arguments, refuses bad values with a Chinese message, turns
its value into SQL conditions on the report's entity and describes itself as a chip on the page.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.services.errors import ValidationFailed
from app.timeutil import local_to_utc, local_today
from models.base_data import CustomerCategory
from models.customers import Customer

MAX_TEXT = 50


def clean_text(value: str | None, label: str, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if "\x00" in text or len(text) > limit:
        raise ValidationFailed(f"{label}不正确")
    return text


def parse_day(value: str | None, label: str) -> date | None:
    text = clean_text(value, label, 10)
    if not text:
        return None
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise ValidationFailed(f"{label}格式不正确，应为“年-月-日”，如 2026-01-31") from None
    if not 1900 <= day.year <= 2999:
        raise ValidationFailed(f"{label}超出范围")
    return day


def local_day_start(day: date) -> datetime:
    """The UTC instant at which a local (Asia/Shanghai) day begins."""
    return local_to_utc(datetime(day.year, day.month, day.day))


def parse_year(value: str | None) -> int:
    text = clean_text(value, "年份", 4)
    if not text:
        return local_today().year
    if not (text.isascii() and text.isdigit()) or not 1900 <= int(text) <= 2999:
        raise ValidationFailed("年份不正确，请输入四位数字的年份，如 2026")
    return int(text)


def parse_month(value: str | None) -> tuple[int, int]:
    text = clean_text(value, "月份", 7)
    if not text:
        today = local_today()
        return today.year, today.month
    try:
        parsed = datetime.strptime(text, "%Y-%m")
    except ValueError:
        raise ValidationFailed("月份格式不正确，应为“年-月”，如 2026-03") from None
    if not 1900 <= parsed.year <= 2999:
        raise ValidationFailed("月份超出范围")
    return parsed.year, parsed.month


@dataclass(frozen=True)
class Chip:
    label: str
    value: str


class Filter(ABC):
    """One kind of filter; `params` are the query-string names it owns."""

    name: str  # its value's name in the report's parameters
    params: tuple[str, ...] = ()
    group_level = False  # True: it picks report rows (HAVING), not records
    on_rollup = False  # True: its conditions hold on a rollup's local days and owners too
    needs_customer = False  # its conditions read a column of the record's customer

    @abstractmethod
    def parse(self, args) -> object:
        """The filter's value from the query string (None when not set); ValidationFailed when bad."""

    def conditions(self, entity, value) -> list:
        return []

    def chips(self, value) -> list[Chip]:
        return []

    def query_args(self, value) -> dict[str, str]:
        return {}


class DateRange(Filter):
    """起止日期 (local days, both ends included) on the entity's date column."""

    name = "range"
    params = ("from", "to")
    on_rollup = True

    def __init__(self, label: str):
        self.label = label

    def parse(self, args):
        start = parse_day(args.get("from"), "开始日期")
        end = parse_day(args.get("to"), "结束日期")
        if start and end and start > end:
            raise ValidationFailed("开始日期不能晚于结束日期")
        return (start, end) if start or end else None

    def conditions(self, entity, value):
        if not value:
            return []
        start, end = value
        column = entity.date_column
        found = []
        if start:
            found.append(column >= entity.at(local_day_start(start)))
        if end:
            found.append(column < entity.at(local_day_start(end + timedelta(days=1))))
        return found

    def chips(self, value):
        if not value:
            return []
        start, end = value
        text = f"{start or '不限'} 至 {end or '不限'}"
        return [Chip(self.label, text)]

    def query_args(self, value):
        if not value:
            return {}
        start, end = value
        return {k: str(v) for k, v in (("from", start), ("to", end)) if v}


class CategoryFilter(Filter):
    """客户类别 of the customer the record belongs to."""

    name = "category"
    params = ("category",)
    needs_customer = True

    def parse(self, args):
        text = clean_text(args.get("category"), "客户类别", 18)
        if not text:
            return None
        if not (text.isascii() and text.isdigit()):
            raise ValidationFailed("客户类别不正确")
        category = db.session.get(CustomerCategory, int(text))
        if category is None:
            raise ValidationFailed("所选客户类别不存在")
        return (category.id, category.name)

    def conditions(self, entity, value):
        return [Customer.category_id == value[0]] if value else []

    def chips(self, value):
        return [Chip("客户类别", value[1])] if value else []

    def query_args(self, value):
        return {"category": str(value[0])} if value else {}

    @staticmethod
    def choices() -> list[tuple[int, str]]:
        rows = db.session.execute(select(CustomerCategory.id, CustomerCategory.name)
                                  .order_by(CustomerCategory.sort_order, CustomerCategory.id))
        return [(row.id, row.name) for row in rows]


class ProvinceFilter(Filter):
    """The province whose cities and districts 按地区统计 shows (required; the largest one by default)."""

    name = "province"
    params = ("province",)
    needs_customer = True

    def parse(self, args):
        return clean_text(args.get("province"), "省份", 20) or None

    def conditions(self, entity, value):
        return [Customer.province == value] if value else []

    def chips(self, value):
        return [Chip("省份", value)] if value else []

    def query_args(self, value):
        return {"province": value} if value else {}


class YearFilter(Filter):
    name = "year"
    params = ("year",)
    on_rollup = True  # read by the dimension's periods

    def parse(self, args):
        return parse_year(args.get("year"))

    def chips(self, value):
        return [Chip("年份", f"{value}年")]

    def query_args(self, value):
        return {"year": str(value)}


class MonthFilter(Filter):
    name = "month"
    params = ("month",)
    on_rollup = True

    def parse(self, args):
        return parse_month(args.get("month"))

    def chips(self, value):
        return [Chip("月份", f"{value[0]}年{value[1]}月")]

    def query_args(self, value):
        return {"month": f"{value[0]:04d}-{value[1]:02d}"}


class DebtFilter(Filter):
    """是否有欠款 of a report row (a customer's 欠款总额 over the period): a group-level filter."""

    name = "debt"
    params = ("debt",)
    CHOICES = {"": "全部", "yes": "有欠款", "no": "无欠款"}
    group_level = True

    def parse(self, args):
        text = clean_text(args.get("debt"), "是否有欠款", 3)
        if text not in self.CHOICES:
            raise ValidationFailed("“是否有欠款”只能选择全部、有欠款或无欠款")
        return text or None

    def __init__(self, measure: str = "debt_total"):
        self.measure = measure

    def having(self, totals: dict, value):
        debt_total = totals[self.measure]
        if value == "yes":
            return debt_total > 0
        if value == "no":
            return debt_total <= 0
        return None

    def chips(self, value):
        return [Chip("是否有欠款", self.CHOICES[value])] if value else []

    def query_args(self, value):
        return {"debt": value} if value else {}
