"""订单金额汇总 rollups, kept by one posting function in the order's own transaction.

OrderDailySum holds the sums per local day, status and sales/return (the order lists' sums row);
OrderOwnerDailySum the same per 下单客服 too (the sales reports). Every service that creates, edits,
deletes, moves or pays an order calls post(before, after) with snapshots read around its guarded
UPDATE, so concurrent changes land in the right buckets: the old values leave their buckets and the
new ones enter theirs. Lists whose filter is only statuses and a 下单日期 range, seen by a user with
查看所有, read OrderDailySum; any other filter aggregates the matching orders directly.
"""

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.timeutil import display_zone, to_local
from models.orders import OrderDailySum, OrderOwnerDailySum, OrderStatus, SalesOrder

AMOUNTS = ("payable", "paid", "freight", "debt")


@dataclass(frozen=True)
class Snapshot:
    day: date
    status: str
    is_return: bool
    owner_id: int
    payable: Decimal
    paid: Decimal
    freight: Decimal
    debt: Decimal


@dataclass(frozen=True)
class Rollup:
    model: type
    keys: tuple[str, ...]
    amounts: tuple[str, ...]


ROLLUPS = (Rollup(OrderDailySum, ("day", "status", "is_return"), AMOUNTS),
           Rollup(OrderOwnerDailySum, ("day", "owner_id", "status", "is_return"), ("payable", "paid", "debt")))


def local_day(value) -> date:
    return to_local(value).date()


def snapshot(order_id: int, lock: bool = False) -> Snapshot | None:
    """The order as the database holds it now (after the caller's UPDATE, or locked with lock=True)."""
    query = select(SalesOrder.order_date, SalesOrder.status, SalesOrder.is_return, SalesOrder.owner_id,
                   *[getattr(SalesOrder, name) for name in AMOUNTS]).where(SalesOrder.id == order_id)
    row = db.session.execute(query.with_for_update() if lock else query).first()
    if row is None:
        return None
    return Snapshot(local_day(row.order_date), str(row.status), bool(row.is_return), int(row.owner_id),
                    *[Decimal(getattr(row, name)) for name in AMOUNTS])


def paid_before(after: Snapshot | None, amount: Decimal) -> Snapshot | None:
    """The order before a 回款 of `amount` (its UPDATE moved the amount from 欠款 to 实付)."""
    return None if after is None else replace(after, paid=after.paid - amount, debt=after.debt + amount)


def post(before: Snapshot | None, after: Snapshot | None) -> None:
    """The one posting function: the order left `before`'s buckets and entered `after`'s (None: no order).

    Creating posts (None, new), deleting (old, None), editing, moving and paying (old, new); a bucket
    whose key is the same on both sides gets only the difference.
    """
    for rollup in ROLLUPS:
        deltas: dict[tuple, dict] = {}
        for snap, sign in ((before, -1), (after, 1)):
            if snap is None:
                continue
            key = tuple(getattr(snap, name) for name in rollup.keys)
            delta = deltas.setdefault(key, {"order_count": 0, **{name: Decimal("0") for name in rollup.amounts}})
            delta["order_count"] += sign
            for name in rollup.amounts:
                delta[name] += sign * getattr(snap, name)
        for key, delta in deltas.items():
            if any(delta.values()):
                _apply(rollup, dict(zip(rollup.keys, key, strict=True)), delta)


def _apply(rollup: Rollup, key: dict, delta: dict) -> None:
    model = rollup.model
    where = [getattr(model, name).is_(value) if isinstance(value, bool) else getattr(model, name) == value
             for name, value in key.items()]
    changes = {name: getattr(model, name) + value for name, value in delta.items()}
    statement = update(model).where(*where).values(changes).execution_options(synchronize_session=False)
    if db.session.execute(statement).rowcount:
        return
    try:
        with db.session.begin_nested():
            db.session.execute(insert(model).values(**key, **delta))
    except IntegrityError:
        db.session.execute(statement)  # another transaction created the bucket first


def _whole_hour_zone() -> bool:
    """Every UTC offset the display timezone has had since 1970 is whole hours (Asia/Shanghai: yes)."""
    zone = display_zone()
    return all(datetime(year, month, 1, tzinfo=zone).utcoffset().total_seconds() % 3600 == 0
               for year in range(1970, 2100) for month in (1, 4, 7, 10))


def rebuild(batch: int = 50_000) -> int:
    """Recompute every bucket of every rollup from the orders (after a bulk load or a change of DISPLAY_TIMEZONE).

    Returns the number of OrderDailySum buckets. In a whole-hour timezone the orders are grouped by their
    UTC hour in SQL first, so the local day is worked out once per hour rather than once per order.
    """
    when = SalesOrder.order_date
    if _whole_hour_zone():
        when = (func.strftime("%Y-%m-%d %H:00:00", when) if db.engine.dialect.name == "sqlite"
                else func.date_trunc("hour", when))
    query = (select(when.label("at"), SalesOrder.owner_id, SalesOrder.status, SalesOrder.is_return, func.count(),
                    *[func.coalesce(func.sum(getattr(SalesOrder, name)), 0) for name in AMOUNTS])
             .group_by(when, SalesOrder.owner_id, SalesOrder.status, SalesOrder.is_return)
             .execution_options(yield_per=batch))
    totals = {rollup.model: defaultdict(lambda: defaultdict(int)) for rollup in ROLLUPS}
    days: dict = {}
    for row in db.session.execute(query):
        at = datetime.fromisoformat(row.at) if isinstance(row.at, str) else row.at
        day = days[at] if at in days else days.setdefault(at, local_day(at))
        snap = {"day": day, "owner_id": int(row.owner_id), "status": str(row.status), "is_return": bool(row.is_return),
                **{name: Decimal(value) for name, value in zip(AMOUNTS, row[5:], strict=True)}}
        for rollup in ROLLUPS:
            bucket = totals[rollup.model][tuple(snap[name] for name in rollup.keys)]
            bucket["order_count"] += int(row[4])
            for name in rollup.amounts:
                bucket[name] += snap[name]
    for rollup in ROLLUPS:
        db.session.execute(delete(rollup.model))
        rows = [{**dict(zip(rollup.keys, key, strict=True)), **values}
                for key, values in totals[rollup.model].items()]
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(rollup.model), rows[start:start + 5000])
    db.session.flush()
    return len(totals[OrderDailySum])


def fill_missing() -> bool:
    """Rebuild the rollups when orders exist but a rollup holds no rows (a database from before that rollup's
    migration); `crm init` calls this after upgrading. Returns whether it rebuilt."""
    if db.session.scalar(select(SalesOrder.id).limit(1)) is None:
        return False
    if all(db.session.scalar(select(func.count()).select_from(select(rollup.model).limit(1).subquery()))
           for rollup in ROLLUPS):
        return False
    rebuild()
    return True


def bucket_sums(statuses: tuple[OrderStatus, ...] | None, returns: bool | None, day_from: date | None = None,
                day_to: date | None = None) -> dict[str, Decimal]:
    statement = select(*[func.coalesce(func.sum(getattr(OrderDailySum, name)), 0) for name in AMOUNTS])
    if statuses is not None:
        statement = statement.where(OrderDailySum.status.in_([str(s) for s in statuses]))
    if returns is not None:
        statement = statement.where(OrderDailySum.is_return.is_(returns))
    if day_from is not None:
        statement = statement.where(OrderDailySum.day >= day_from)
    if day_to is not None:
        statement = statement.where(OrderDailySum.day <= day_to)
    row = db.session.execute(statement).one()
    return {name: Decimal(value).quantize(Decimal("0.01")) for name, value in zip(AMOUNTS, row, strict=True)}
