"""Compile a report definition into SQL: the grouped aggregate, its 合计, and one bar's records.

Every statement starts from `_base()`: the entity with its joins and fixed conditions, the report's
filters, the dimension's own range and the user's 数据范围. The aggregate groups a subquery of that
base (one row per record: the group keys and each measure's per-record value); the drill-down adds
the bar's key condition and the measure's subset to the same base. Sums are computed by the
database; Python only reads the grouped rows.

When the entity has a rollup (rows per local day and owner, kept in the records' transaction) and the
report reads nothing else (its dimension, set filters and measures all hold on the rollup), the same
statements are built on the rollup instead: the aggregate and the drill-down's count and sums line add
up its rows; the drill-down's records are always the entity's own.
"""

from dataclasses import dataclass, field, replace
from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.replica import reads_from_replica
from app.services.errors import ValidationFailed
from app.services.reports.definitions import Report
from app.services.reports.dimensions import PROVINCE, Key
from app.services.reports.filters import Chip

MAX_PAGE = 1_000_000
CENT = Decimal("0.01")
QTY = Decimal("0.001")


@dataclass
class Params:
    """The report's parsed filter values, by filter name."""

    values: dict = field(default_factory=dict)

    def __getitem__(self, name):
        return self.values.get(name)

    def query_args(self, report: Report) -> dict[str, str]:
        args: dict[str, str] = {}
        for f in report.filters:
            args.update(f.query_args(self.values.get(f.name)))
        return args

    def chips(self, report: Report) -> list[Chip]:
        return [chip for f in report.filters for chip in f.chips(self.values.get(f.name))]


@dataclass
class Row:
    key: Key
    labels: tuple[str, ...]
    values: dict[str, Decimal | int]


@dataclass
class Table:
    rows: list[Row]
    total: dict[str, Decimal | int]
    row_count: int  # all rows, also those on other pages
    page: int = 1
    pages: int = 1


@dataclass
class RecordPage:
    records: list
    count: int
    sums: dict[str, Decimal]
    page: int
    pages: int


def parse_page(value) -> int:
    text = str(value or "1").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 7 or not 1 <= int(text) <= MAX_PAGE:
        raise ValidationFailed("页码不正确")
    return int(text)


def parse_params(report: Report, args, user) -> Params:
    params = Params({f.name: f.parse(args) for f in report.filters})
    if report.filter("province") and not params["province"]:
        params.values["province"] = busiest_province(report, params, user)
    return params


def busiest_province(report: Report, params: Params, user) -> str | None:
    """按地区统计 opens on the province with the most records under the same filters."""
    by_province = replace(report, dimension=PROVINCE, measures=report.measures[:1], page_size=None, chart=None,
                          filters=tuple(f for f in report.filters if f.name != "province"))
    table = aggregate(by_province, params, user, limit=1)
    return next((row.key[0] for row in table.rows if row.key[0]), None)


def _needs_customer(report: Report, params: Params) -> bool:
    return report.dimension.needs_customer or any(
        f.needs_customer and params[f.name] for f in report.filters)


def source(report: Report, params: Params):
    """The entity the report's numbers are added up from: its rollup when the report reads nothing else."""
    rollup = report.entity.rollup
    if rollup is None or not report.dimension.on_rollup or _needs_customer(report, params):
        return report.entity
    if any(params[f.name] is not None and not f.on_rollup for f in report.filters):
        return report.entity
    if any(rollup.measured(x)[0] is None for x in report.measures):
        return report.entity
    return rollup


def _base(report: Report, params: Params, user, *columns, entity=None, key: Key | None = None):
    """The records (or rollup rows) the report counts; with `key`, only that bar's: its condition then
    stands in for the dimension's range, which holds it (a second range on the same column would make
    SQLite walk the wider one)."""
    entity, dimension = entity or report.entity, report.dimension
    statement = entity.select_from(*columns, with_customer=_needs_customer(report, params))
    statement = dimension.join(statement, entity)
    for f in report.filters:
        if not f.group_level:
            statement = statement.where(*f.conditions(entity, params[f.name]))
    if key is None:
        statement = statement.where(*dimension.conditions(entity, params))
    else:
        statement = statement.where(dimension.condition(entity, params, key))
    return entity.scoped(statement, user)


def _grouped(report: Report, params: Params, user, key: Key | None = None):
    """One row per bar (only `key`'s when given): the key columns g0.. and every measure's total, with
    group-level filters."""
    entity = source(report, params)
    keys = report.dimension.columns(entity, params)
    per_record = _base(report, params, user, *[c.label(f"g{i}") for i, c in enumerate(keys)],
                       *[x.row_value(entity).label(x.key) for x in report.measures], entity=entity,
                       key=key).subquery("records")
    group = [per_record.c[f"g{i}"] for i in range(len(keys))]
    totals = {x.key: x.total(per_record.c[x.key]) for x in report.measures}
    statement = select(*group, *[value.label(key) for key, value in totals.items()]).group_by(*group)
    regroup = getattr(report.dimension, "regroup", None)
    if regroup is not None:  # e.g. 部门: add up the few per-owner rows instead of joining every record
        first = statement.subquery("first")
        group = [regroup.column.label("g0")]
        totals = {x.key: x.total(first.c[x.key]) for x in report.measures}
        statement = (select(*group, *[value.label(key) for key, value in totals.items()])
                     .select_from(first).outerjoin(regroup.target, regroup.onclause(first.c.g0))
                     .group_by(regroup.column))
    for f in report.filters:
        if f.group_level:
            condition = f.having(totals, params[f.name])
            if condition is not None:
                statement = statement.having(condition)
    return statement, group, totals


def _number(measure, value):
    if measure.kind == "count":
        return int(value or 0)
    return Decimal(value or 0).quantize(CENT if measure.kind == "money" else QTY)


@reads_from_replica  # with REPORTS_DATABASE_URL set, every report statement reads the replica
def aggregate(report: Report, params: Params, user, page: int = 1, limit: int | None = None,
              everything: bool = False) -> Table:
    """The report's rows (one page of them for paged reports, all with everything=True) and its 合计."""
    statement, group, totals = _grouped(report, params, user)
    if report.dimension.by_key:
        ordered = statement.order_by(*group)
    else:
        ordered = statement.order_by(totals[report.chart_measure.key].desc(), *group)
    size = None if everything else (limit or report.page_size)
    width = len(group)
    if size:  # one page of many rows: window sums carry the row count and the 合计 on every row of it
        windows = [func.count().over().label("_rows"),
                   *[func.sum(totals[x.key]).over().label(f"_total_{x.key}") for x in report.measures]]
        ordered = ordered.add_columns(*windows).limit(size).offset((page - 1) * size)
    fetched = db.session.execute(ordered).all()
    values = {report.dimension.key_of(row[:width]): {x.key: _number(x, v) for x, v in
                                                       zip(report.measures, row[width:], strict=False)}
              for row in fetched}
    if size and fetched:
        row_count = int(fetched[0][width + len(report.measures)])
        total = {x.key: _number(x, v) for x, v in
                 zip(report.measures, fetched[0][width + len(report.measures) + 1:], strict=True)}
    elif size:  # a page past the end: count and add up the rows in a query of their own
        bars = statement.subquery("bars")
        total_row = db.session.execute(select(
            func.count(), *[func.coalesce(func.sum(bars.c[x.key]), 0) for x in report.measures])).one()
        row_count = int(total_row[0])
        total = {x.key: _number(x, v) for x, v in zip(report.measures, total_row[1:], strict=True)}
    else:  # every bar is here: adding up these few grouped rows is the 合计
        row_count = len(values)
        total = {x.key: _number(x, sum((v[x.key] for v in values.values()), 0)) for x in report.measures}
    pages = max(1, -(-row_count // size)) if size else 1
    keys = list(values)
    every = report.dimension.all_keys(report.entity, params)
    if every is not None:  # periods without records are bars of 0
        zero = {x.key: _number(x, 0) for x in report.measures}
        keys = every
        values = {key: values.get(key, zero) for key in every}
    labels = report.dimension.labels(keys, params)
    rows = [Row(key, labels[key], values[key]) for key in keys]
    return Table(rows, total, row_count, page, pages)


def _record_conditions(report: Report, params: Params, user, key: Key | None, measure, entity):
    """Beyond `_base(key=key)`: the measure's subset and the group-level filters' verdict on the bar."""
    conditions = []
    if measure.subset is not None:
        conditions.append(entity.measured(measure)[1])
    if any(f.group_level and params[f.name] for f in report.filters):  # is the bar kept by them?
        statement, group, _ = _grouped(report, params, user, key)
        (column,) = report.dimension.columns(entity, params)
        conditions.append(column.in_(select(statement.subquery("kept").c[group[0].name])))
    return conditions


def siblings(report: Report, measure):
    """The measures over the same records as `measure` (its cell's list shows all their sums)."""
    return [x for x in report.measures if x.subset == measure.subset]


@reads_from_replica
def records(report: Report, params: Params, user, key: Key | None, measure_key: str | None,
            page: int = 1, page_size: int = 20, options=()) -> RecordPage:
    measure = report.measure(measure_key) if measure_key else report.chart_measure
    if measure is None:
        raise ValidationFailed("统计项不正确，请从报表上点击进入")
    counted = source(report, params)  # the count and sums line: from the rollup when the bar is
    shown = [x for x in siblings(report, measure) if x.value is not None]
    summary = db.session.execute(_base(report, params, user, counted.count(),
                                       *[func.coalesce(func.sum(counted.measured(x)[0]), 0) for x in shown],
                                       entity=counted, key=key)
                                 .where(*_record_conditions(report, params, user, key, measure, counted))).one()
    count = int(summary[0])
    sums = {x.key: _number(x, v) for x, v in zip(shown, summary[1:], strict=True)}
    pages = max(1, -(-count // page_size))
    entity = report.entity
    conditions = _record_conditions(report, params, user, key, measure, entity)
    statement = (_base(report, params, user, entity.model, key=key).where(*conditions).order_by(*entity.order_by)
                 .limit(page_size).offset((page - 1) * page_size).options(*options))
    rows = db.session.scalars(statement).unique().all()
    return RecordPage(list(rows), count, sums, page, pages)


def key_chips(report: Report, params: Params, key: Key | None, measure) -> list[Chip]:
    """What the drill-down list is restricted to, beyond the report's filters."""
    chips = [Chip(label, value) for label, value in report.entity.base_chips]
    if key is not None:
        labels = report.dimension.labels([key], params)[key]
        for header, label in zip(report.dimension.headers, labels, strict=False):
            if label:
                chips.append(Chip(header, label))
    else:
        chips.append(Chip("统计项", "合计"))
    if measure.subset is not None:
        chips.append(Chip(measure.subset.chip_label, measure.subset.chip_value))
    return chips

