"""The stock ledger: post_movement() is the only code that changes a StockBalance.

Moving average (manual 12.4, as Odoo AVCO and ERPNext do it):
- a receipt with a unit cost (采购进货) into positive stock: avg = (receipt amount + stock value) / (new quantity);
- a receipt into zero or negative stock: the receipt's unit cost becomes the average;
- every outflow (销售出库, 采购退货, 库存盘负) leaves at the current average and leaves the average unchanged;
- inflows without a cost of their own (退货入库, 库存盘正) come in at the current average, so it stays too.
Stock value is always quantity x average rounded half-up to cents, so value == qty x avg within 0.005.

Concurrency: the balance row is created on first use (a savepoint absorbs a racing insert), then locked by
an UPDATE that bumps its version; the new figures are computed from the locked row and written with
`UPDATE ... WHERE id = :id AND version = :seen`, so two postings on the same product queue on the row lock
and neither can overwrite the other's result.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.services.errors import Conflict, ValidationFailed
from models.base import utcnow
from models.inventory import MovementKind, StockBalance, StockMovement

COST_STEP = Decimal("0.000001")
CENT = Decimal("0.01")
QUANTITY_STEP = Decimal("0.001")
ZERO = Decimal("0")
INFLOWS = {MovementKind.PURCHASE, MovementKind.SALE_RETURN, MovementKind.STOCKTAKE_GAIN}


@dataclass(frozen=True)
class DocRef:
    """Which document a movement belongs to (shown as a link in 库存流水查询)."""

    doc_type: str  # purchase, purchase_return, stocktake, order
    doc_id: int
    number: str


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def next_average(quantity: Decimal, value: Decimal, average: Decimal, change: Decimal,
                 unit_cost: Decimal | None) -> Decimal:
    """The average after a change of `change` units (signed); `unit_cost` only for costed receipts."""
    if change <= 0 or unit_cost is None:
        return average
    if quantity <= 0:
        return unit_cost.quantize(COST_STEP, rounding=ROUND_HALF_UP)
    return ((value + unit_cost * change) / (quantity + change)).quantize(COST_STEP, rounding=ROUND_HALF_UP)


BALANCES = StockBalance.__table__
MOVEMENTS = StockMovement.__table__
# Built once: a 200-line approval runs each of these 200 times, and a prebuilt Core statement with bound
# parameters skips the ORM's per-call statement building and cache-key generation.
_BUMP = (update(BALANCES).where(BALANCES.c.warehouse_id == bindparam("w"), BALANCES.c.product_id == bindparam("p"))
         .values(version=BALANCES.c.version + 1)
         .returning(BALANCES.c.id, BALANCES.c.quantity, BALANCES.c.average_cost, BALANCES.c.value,
                    BALANCES.c.version))
_CREATE = insert(BALANCES).values(warehouse_id=bindparam("w"), product_id=bindparam("p"), quantity=ZERO,
                                  average_cost=ZERO, value=ZERO, version=0, updated_at=bindparam("now"))
_WRITE = (update(BALANCES).where(BALANCES.c.id == bindparam("balance_id"), BALANCES.c.version == bindparam("seen"))
          .values(quantity=bindparam("new_quantity"), average_cost=bindparam("new_average"),
                  value=bindparam("new_value"), version=bindparam("next_version"), updated_at=bindparam("now")))
_RECORD = insert(MOVEMENTS)
_DIALECT_INSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}  # both have ON CONFLICT
LOCK_CHUNK = 100  # balance rows per upsert: 700 parameters, well under every driver's limit


def _checked(kind: MovementKind, quantity, unit_cost) -> tuple[Decimal, Decimal | None]:
    """The line's quantity and unit cost as Decimals, or a Chinese error for a bad one."""
    quantity = Decimal(quantity)
    if not quantity.is_finite() or quantity <= 0:
        raise ValidationFailed("库存变动数量必须大于 0")
    if quantity != quantity.quantize(QUANTITY_STEP):
        raise ValidationFailed("库存变动数量最多保留三位小数")
    if unit_cost is not None:
        unit_cost = Decimal(unit_cost)
        if unit_cost < 0:
            raise ValidationFailed("成本单价不能为负数")
        if kind != MovementKind.PURCHASE:
            raise ValueError("only a purchase receipt brings its own unit cost")
    return quantity, unit_cost


def _apply(kind, warehouse_id, product_id, quantity, unit_cost, doc, actor, now, state):
    """One line against a balance state (quantity, value, average): (ledger row values, the state after)."""
    held, value, held_average = state
    inflow = kind in INFLOWS
    change = quantity if inflow else -quantity
    average = next_average(held, value, held_average, change, unit_cost)
    new_quantity = held + change
    new_value = cents(new_quantity * average)
    cost = unit_cost.quantize(COST_STEP, rounding=ROUND_HALF_UP) if unit_cost is not None else held_average
    movement = dict(
        created_at=now, kind=kind, warehouse_id=warehouse_id, product_id=product_id, doc_type=doc.doc_type,
        doc_id=doc.doc_id, doc_number=doc.number, quantity_in=quantity if inflow else ZERO,
        quantity_out=ZERO if inflow else quantity, unit_cost=cost, amount=cents(change * cost),
        balance_after=new_quantity, average_after=average, value_after=new_value,
        employee_id=actor.id if actor is not None else None)
    return movement, (new_quantity, new_value, average)


def _write_params(balance_id: int, seen: int, state, now) -> dict:
    return {"balance_id": balance_id, "seen": seen, "new_quantity": state[0], "new_value": state[1],
            "new_average": state[2], "next_version": seen + 1, "now": now}


def _lock_balance(warehouse_id: int, product_id: int):
    """The locked balance row as (id, quantity, average_cost, value, version), created at zero on first use.

    One UPDATE ... RETURNING bumps the version (taking the row lock) and reads the locked figures.
    """
    key = {"w": warehouse_id, "p": product_id}
    row = db.session.execute(_BUMP, key).first()
    if row is None:
        try:
            with db.session.begin_nested():
                db.session.execute(_CREATE, {**key, "now": utcnow()})
        except IntegrityError:
            pass  # another transaction created it first; the UPDATE below waits for its lock
        row = db.session.execute(_BUMP, key).one()
    return row


@contextmanager
def movement_batch():
    """Collects the ledger rows of one document's postings and writes them in one multi-row INSERT at the end.

    The balances are still changed line by line (each line reads the balance the line before left); only the
    movement rows wait, so a 200-line document makes 400 statements instead of 600. Nothing is written when the
    block raises: the caller's transaction is undone anyway.
    """
    rows: list[dict] = []
    yield rows
    if rows:
        db.session.execute(_RECORD, rows)


def post_movement(kind: MovementKind, warehouse_id: int, product_id: int, quantity: Decimal, doc: DocRef,
                  actor=None, unit_cost: Decimal | None = None, into: list | None = None) -> dict:
    """Post `quantity` (> 0) in or out according to `kind`; returns the ledger row's values. Never commits.

    With `into` (a movement_batch()'s list) the ledger row is written when the batch ends, else at once.
    """
    quantity, unit_cost = _checked(kind, quantity, unit_cost)
    balance = _lock_balance(warehouse_id, product_id)  # callers flush their document first (the engine does)
    seen = balance.version
    now = utcnow()
    movement, state = _apply(kind, warehouse_id, product_id, quantity, unit_cost, doc, actor, now,
                             (balance.quantity, balance.value, balance.average_cost))
    result = db.session.execute(_WRITE, _write_params(balance.id, seen, state, now))
    if result.rowcount != 1:  # pragma: no cover - the row lock makes this unreachable; the guard stays
        raise Conflict("库存已被其他操作修改，请重试")
    # Core statements, no ORM flush per line: a 200-line approval must not rescan the session 200 times.
    if into is None:
        db.session.execute(_RECORD, movement)
    else:
        into.append(movement)
    return movement


def _lock_balances(warehouse_id: int, product_ids: list[int], now) -> dict[int, tuple]:
    """The locked balance rows of these products, by product id, created at zero where missing.

    One multi-row INSERT ... ON CONFLICT DO UPDATE (bumping the version) ... RETURNING per chunk: it creates,
    locks and reads the rows in product-id order, the same order post_movement() locks them in, so no two
    postings can deadlock; a racing insert of the same row waits for the other transaction instead of failing.
    """
    upsert = _DIALECT_INSERTS[db.session.get_bind().dialect.name]
    locked: dict[int, tuple] = {}
    for start in range(0, len(product_ids), LOCK_CHUNK):
        statement = upsert(BALANCES).values([
            {"warehouse_id": warehouse_id, "product_id": product_id, "quantity": ZERO, "average_cost": ZERO,
             "value": ZERO, "version": 0, "updated_at": now} for product_id in product_ids[start:start + LOCK_CHUNK]])
        statement = statement.on_conflict_do_update(
            index_elements=[BALANCES.c.warehouse_id, BALANCES.c.product_id],
            set_={"version": BALANCES.c.version + 1}).returning(
            BALANCES.c.product_id, BALANCES.c.id, BALANCES.c.quantity, BALANCES.c.value, BALANCES.c.average_cost,
            BALANCES.c.version)
        for row in db.session.execute(statement):
            locked[row.product_id] = row
    return locked


def post_lines(kind: MovementKind, warehouse_id: int, lines, doc: DocRef, actor=None) -> list[dict]:
    """Post a document's lines, (product id, quantity, unit cost or None) each in posting order; never commits.

    On PostgreSQL and SQLite a document costs a handful of statements whatever its size: the balances are
    locked and read at once (_lock_balances), each line is applied in memory to the balance the line before
    left, then one executemany UPDATE writes the balances and one multi-row INSERT the ledger. Other databases
    post line by line through post_movement().
    """
    lines = list(lines)
    if db.session.get_bind().dialect.name not in _DIALECT_INSERTS:
        with movement_batch() as rows:
            for product_id, quantity, unit_cost in lines:
                post_movement(kind, warehouse_id, product_id, quantity, doc, actor, unit_cost=unit_cost, into=rows)
        return rows
    checked = [(product_id, *_checked(kind, quantity, unit_cost)) for product_id, quantity, unit_cost in lines]
    if not checked:
        return []
    now = utcnow()
    locked = _lock_balances(warehouse_id, sorted({product_id for product_id, _, _ in checked}), now)
    states = {product_id: (row.quantity, row.value, row.average_cost) for product_id, row in locked.items()}
    rows = []
    for product_id, quantity, unit_cost in checked:
        movement, states[product_id] = _apply(kind, warehouse_id, product_id, quantity, unit_cost, doc, actor, now,
                                              states[product_id])
        rows.append(movement)
    writes = [_write_params(row.id, row.version, states[product_id], now) for product_id, row in locked.items()]
    result = db.session.execute(_WRITE, writes)
    if result.rowcount != len(writes):  # pragma: no cover - the row locks make this unreachable; the guard stays
        raise Conflict("库存已被其他操作修改，请重试")
    db.session.execute(_RECORD, rows)
    return rows


def balance_of(warehouse_id: int, product_id: int) -> StockBalance | None:
    return db.session.scalars(select(StockBalance).where(
        StockBalance.warehouse_id == warehouse_id, StockBalance.product_id == product_id)
        .execution_options(populate_existing=True)).first()


def book_quantity(warehouse_id: int, product_id: int) -> Decimal:
    balance = balance_of(warehouse_id, product_id)
    return balance.quantity if balance is not None else ZERO
