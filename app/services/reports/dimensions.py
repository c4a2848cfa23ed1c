"""Report dimensions: what the bars are (省份, 员工, 部门, 月份 ...).

A dimension gives the GROUP BY columns of the aggregate and, for one bar's key, the WHERE condition
of its drill-down, so the two are always built from the same expressions. Keys travel in URLs as
strings: '' is the 未填写 / 无 bar (NULL or empty), anything else must parse or the request is refused.
"""

import calendar
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, false, func, literal, or_, select

from app.extensions import db
from app.services.errors import ValidationFailed
from app.services.reports.entities import Rollup
from app.timeutil import local_to_utc, to_local
from models.accounts import Employee
from models.base_data import CustomerCategory, CustomerSource, Department
from models.customers import Customer
from models.orders import SalesOrder, SalesOrderLine
from models.products import Product
from models.tickets import Ticket, TicketStatus

Key = tuple[str, ...]
BAD_KEY = "统计项不正确，请从报表上点击进入"


class Dimension(ABC):
    headers: tuple[str, ...]  # table columns that name a bar
    needs_customer = False
    by_key = False  # True: rows in key order (time); False: largest first
    key_width = 1  # parts of a bar's key
    on_rollup = False  # True: it reads only the records' owner and date, which a rollup keeps

    def join(self, statement, entity):
        return statement

    @abstractmethod
    def columns(self, entity, params) -> list: ...

    def conditions(self, entity, params) -> list:
        return []

    @abstractmethod
    def condition(self, entity, params, key: Key): ...

    def key_of(self, values) -> Key:
        return tuple("" if v is None else str(v) for v in values)

    @abstractmethod
    def labels(self, keys: list[Key], params) -> dict[Key, tuple[str, ...]]: ...

    def all_keys(self, entity, params) -> list[Key] | None:
        return None  # only the keys the data has

    def chart_label(self, key: Key, labels: tuple[str, ...]) -> str:
        return " ".join(p for p in labels[:2] if p) or "未填写"

    def check(self, key: Key) -> Key:
        if len(key) != self.key_width:
            raise ValidationFailed(BAD_KEY)
        for part in key:
            if "\x00" in part or len(part) > 100:
                raise ValidationFailed(BAD_KEY)
        return key


class Text(Dimension):
    """Free-text customer columns (省份; 城市 + 区县; 行业); NULL and '' are one bar, 未填写."""

    needs_customer = True

    def __init__(self, *pairs: tuple[str, object]):
        self.headers = tuple(label for label, _ in pairs)
        self._columns = tuple(column for _, column in pairs)
        self.key_width = len(pairs)

    def columns(self, entity, params):
        return [func.coalesce(column, "") for column in self._columns]

    def condition(self, entity, params, key):
        self.check(key)
        parts = [or_(c.is_(None), c == "") if v == "" else c == v for c, v in zip(self._columns, key, strict=True)]
        return parts[0] if len(parts) == 1 else parts[0] & parts[1]

    def labels(self, keys, params):
        return {key: tuple(v or "未填写" for v in key) for key in keys}


class ById(Dimension):
    """An id column named through a lookup table (类别, 来源, 员工, 部门, 客户, 产品)."""

    def __init__(self, header, column, lookup, names, null_label, needs_customer=False, headers=None,
                 on_rollup=False):
        self.headers = headers or (header,)
        self.on_rollup = on_rollup
        self._column = column  # a column, or a function of the entity (the owner column differs per entity)
        self.lookup = lookup
        self.names = names
        self.null_label = null_label
        self.needs_customer = needs_customer

    def column(self, entity):
        return self._column(entity) if isinstance(self._column, type(owner_column)) else self._column

    def columns(self, entity, params):
        return [self.column(entity)]

    def condition(self, entity, params, key):
        (value,) = self.check(key)
        if value == "":
            return self.column(entity).is_(None)
        if not (value.isascii() and value.isdigit()) or len(value) > 18:
            raise ValidationFailed(BAD_KEY)
        return self.column(entity) == int(value)

    def labels(self, keys, params):
        ids = sorted({int(k[0]) for k in keys if k[0]})
        found = {}
        for start in range(0, len(ids), 500):
            rows = db.session.execute(select(self.lookup.id, *self.names).where(self.lookup.id.in_(ids[start:start + 500])))
            found.update({(str(row[0]),): tuple("" if v is None else str(v) for v in row[1:]) for row in rows})
        blank = (self.null_label,) + ("",) * (len(self.headers) - 1)
        return {key: found.get(key, blank if key == ("",) else (f"已删除（{key[0]}）",) + blank[1:]) for key in keys}


@dataclass(frozen=True)
class Regroup:
    """Second GROUP BY over the first one's rows: target table, its join to the first key, the new key."""

    target: object
    column: object
    onclause: object


class OwnerDepartment(ById):
    """部门 of the record's owner (客服专员, 联系客服, 下单客服) through the employee's department.

    The records are grouped by owner first (an index-only scan of the owner column) and those few rows
    by department; a bar's records are those whose owner is in the department.
    """

    def __init__(self):
        super().__init__("部门", owner_column, Department, (Department.name,), "未分配部门", on_rollup=True)
        self.regroup = Regroup(Employee, Employee.department_id, lambda owner: Employee.id == owner)

    def condition(self, entity, params, key):
        (value,) = self.check(key)
        owner = entity.owner_column
        if value == "":
            return or_(owner.is_(None),
                       owner.in_(select(Employee.id).where(Employee.department_id.is_(None))))
        if not (value.isascii() and value.isdigit()) or len(value) > 18:
            raise ValidationFailed(BAD_KEY)
        return owner.in_(select(Employee.id).where(Employee.department_id == int(value)))


@dataclass(frozen=True)
class Span:
    key: int
    label: str
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive


def local_start(year: int, month: int = 1, day: int = 1) -> datetime:
    return local_to_utc(datetime(year, month, day))


class Buckets(Dimension):
    """Local-time periods (the 12 months of a year, the days of a month, every year with data).

    The aggregate groups by a CASE over the UTC boundaries of the local periods, so a record at 23:30
    Shanghai time on the last day of a month counts in that month on every database.
    """

    by_key = True
    on_rollup = True

    def __init__(self, header: str, kind: str):
        self.headers = (header,)
        self.kind = kind

    def spans(self, entity, params) -> list[Span]:
        if self.kind == "month":
            year = params["year"]
            return [Span(m, f"{m}月", local_start(year, m), local_start(year + m // 12, m % 12 + 1))
                    for m in range(1, 13)]
        if self.kind == "day":
            year, month = params["month"]
            days = calendar.monthrange(year, month)[1]
            starts = [local_start(year, month, d) for d in range(1, days + 1)]
            starts.append(local_start(year + month // 12, month % 12 + 1))
            return [Span(d, f"{d}日", starts[d - 1], starts[d]) for d in range(1, days + 1)]
        first, last = self.year_range(entity)
        return [Span(y, f"{y}年", local_start(y), local_start(y + 1)) for y in range(first, last + 1)] if first else []

    def year_range(self, entity):
        """The local years of the first and last record (two index lookups on the date column).

        An entity with a rollup reads it: the entity's fixed conditions (counted order statuses) would
        turn the two lookups into scans of every record."""
        if entity.rollup is not None:
            return self.year_range(entity.rollup)
        column = entity.date_column
        if isinstance(entity, Rollup):  # local days already; buckets emptied by later changes do not count
            kept = entity.select_from(column).where(entity.count_column != 0).limit(1)
            low = db.session.scalar(kept.order_by(column))  # the first day key of the primary key
            high = db.session.scalar(kept.order_by(column.desc()))
            return (None, None) if low is None else (low.year, min(high.year, 2999))
        low = db.session.scalar(entity.select_from(func.min(column)))
        high = db.session.scalar(entity.select_from(func.max(column)))
        if low is None:
            return None, None
        return to_local(low).year, min(to_local(high).year, 2999)

    def columns(self, entity, params):
        spans = self.spans(entity, params)
        column = entity.date_column
        if not spans:
            return [literal(None)]
        return [case(*[(column < entity.at(span.end), span.key) for span in spans])]

    def conditions(self, entity, params):
        spans = self.spans(entity, params)
        column = entity.date_column
        if not spans:
            return [false()]  # no records yet: nothing to count
        return [column >= entity.at(spans[0].start), column < entity.at(spans[-1].end)]

    def key_of(self, values):
        return (str(int(values[0])),)

    def condition(self, entity, params, key):
        (value,) = self.check(key)
        if not (value.isascii() and value.isdigit()) or len(value) > 4:
            raise ValidationFailed(BAD_KEY)
        number = int(value)
        if self.kind == "year":
            if not 1900 <= number <= 2999:
                raise ValidationFailed(BAD_KEY)
            span = Span(number, f"{number}年", local_start(number), local_start(number + 1))
        else:
            span = next((s for s in self.spans(entity, params) if s.key == number), None)
            if span is None:
                raise ValidationFailed(BAD_KEY)
        column = entity.date_column
        return (column >= entity.at(span.start)) & (column < entity.at(span.end))

    def labels(self, keys, params):
        if self.kind == "year":
            return {key: (f"{key[0]}年",) for key in keys}
        if self.kind == "month":
            return {key: (f"{params['year']}年{key[0]}月",) for key in keys}
        year, month = params["month"]
        return {key: (f"{year}年{month}月{key[0]}日",) for key in keys}

    def all_keys(self, entity, params):
        return [(str(span.key),) for span in self.spans(entity, params)]

    def chart_label(self, key, labels):
        return key[0] + {"month": "月", "day": "日", "year": "年"}[self.kind]


class Choice(Dimension):
    """A status column: one bar per state of the enum, in the workflow's order, states without records as 0."""

    by_key = True

    def __init__(self, header: str, column, states: type):
        self.headers = (header,)
        self._column = column
        self.states = states

    def columns(self, entity, params):
        return [self._column]

    def condition(self, entity, params, key):
        (value,) = self.check(key)
        if value not in {state.value for state in self.states}:
            raise ValidationFailed(BAD_KEY)
        return self._column == self.states(value)

    def key_of(self, values):
        return (self.states(values[0]).value,) if values[0] is not None else ("",)

    def labels(self, keys, params):
        return {key: (self.states(key[0]).label if key[0] else "未填写",) for key in keys}

    def all_keys(self, entity, params):
        return [(state.value,) for state in self.states]

    def chart_label(self, key, labels):
        return labels[0]


def owner_column(entity):
    return entity.owner_column


PROVINCE = Text(("省份", Customer.province))
REGION = Text(("城市", Customer.city), ("区县", Customer.district))
INDUSTRY = Text(("行业", Customer.industry))
CATEGORY = ById("客户类别", Customer.category_id, CustomerCategory, (CustomerCategory.name,), "未分类",
                needs_customer=True)
SOURCE = ById("客户来源", Customer.source_id, CustomerSource, (CustomerSource.name,), "未填写来源",
              needs_customer=True)
DEPARTMENT = OwnerDepartment()


def employee(header: str, null_label: str) -> ById:
    return ById(header, owner_column, Employee, (Employee.real_name,), null_label, on_rollup=True)


CUSTOMER = ById("客户名称", SalesOrder.customer_id, Customer, (Customer.name,), "")
PRODUCT = ById("产品名称", SalesOrderLine.product_id, Product, (Product.name, Product.spec, Product.unit), "",
               headers=("产品名称", "规格", "单位"))
TICKET_STATUS = Choice("工单状态", Ticket.status, TicketStatus)
ASSIGNEE = ById("处理人", Ticket.assignee_id, Employee, (Employee.real_name,), "未分配")
