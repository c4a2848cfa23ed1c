"""订单金额汇总 kept per local day, status and sales/return (OrderDailySum), updated with every order change.

Every service that creates, edits, deletes, moves or pays an order calls add() in its own transaction,
with values read after its guarded UPDATE so concurrent changes land in the right bucket. Lists whose
filter is only statuses and a 下单日期 range, seen by a user with 查看所有, read these rows; any other
filter aggregates the matching orders directly.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.timeutil import to_local
from models.orders import OrderDailySum, OrderStatus, SalesOrder

AMOUNTS = ("payable", "paid", "freight", "debt")


@dataclass(frozen=True)
class Snapshot:
    day: date
    status: str
    is_return: bool
    payable: Decimal
    paid: Decimal
    freight: Decimal
    debt: Decimal


def local_day(value) -> date:
    return to_local(value).date()


def snapshot(order_id: int, lock: bool = False) -> Snapshot | None:
    """The order as the database holds it now (after the caller's UPDATE, or locked with lock=True)."""
    query = select(SalesOrder.order_date, SalesOrder.status, SalesOrder.is_return,
                   *[getattr(SalesOrder, name) for name in AMOUNTS]).where(SalesOrder.id == order_id)
    row = db.session.execute(query.with_for_update() if lock else query).first()
    if row is None:
        return None
    return Snapshot(local_day(row.order_date), str(row.status), bool(row.is_return),
                    *[Decimal(getattr(row, name)) for name in AMOUNTS])


def add(snap: Snapshot | None, sign: int = 1, count: int | None = None, **amounts) -> None:
    """Add the snapshot's amounts (or the given deltas) to its bucket; sign -1 takes them away."""
    if snap is None:
        return
    values = {name: sign * amounts.get(name, getattr(snap, name)) for name in AMOUNTS}
    count = sign if count is None else count
    key = (OrderDailySum.day == snap.day, OrderDailySum.status == snap.status,
           OrderDailySum.is_return.is_(snap.is_return))
    changes = {name: getattr(OrderDailySum, name) + value for name, value in values.items()}
    changes["order_count"] = OrderDailySum.order_count + count
    statement = update(OrderDailySum).where(*key).values(changes).execution_options(synchronize_session=False)
    if db.session.execute(statement).rowcount:
        return
    try:
        with db.session.begin_nested():
            db.session.execute(insert(OrderDailySum).values(day=snap.day, status=snap.status, is_return=snap.is_return,
                                                            order_count=count, **values))
    except IntegrityError:
        db.session.execute(statement)  # another transaction created the bucket first


def move(before: Snapshot | None, after: Snapshot | None) -> None:
    """An order changed (status, date or amounts): take the old values out and put the new ones in."""
    add(before, -1)
    add(after, 1)


def rebuild(batch: int = 50_000) -> int:
    """Recompute every bucket from the orders (after a bulk import or a change of DISPLAY_TIMEZONE)."""
    totals: dict[tuple, list] = defaultdict(lambda: [0, Decimal("0"), Decimal("0"), Decimal("0"), Decimal("0")])
    query = select(SalesOrder.order_date, SalesOrder.status, SalesOrder.is_return,
                   *[getattr(SalesOrder, name) for name in AMOUNTS]).execution_options(yield_per=batch)
    for row in db.session.execute(query):
        bucket = totals[(local_day(row.order_date), str(row.status), bool(row.is_return))]
        bucket[0] += 1
        for i, name in enumerate(AMOUNTS, start=1):
            bucket[i] += Decimal(getattr(row, name))
    db.session.execute(delete(OrderDailySum))
    rows = [{"day": k[0], "status": k[1], "is_return": k[2], "order_count": v[0],
             **dict(zip(AMOUNTS, v[1:], strict=True))} for k, v in totals.items()]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(OrderDailySum), rows[start:start + 5000])
    db.session.flush()
    return len(rows)


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
