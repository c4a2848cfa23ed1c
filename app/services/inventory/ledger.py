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

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import insert, select, update
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


def _lock_balance(warehouse_id: int, product_id: int):
    """The locked balance row as (id, quantity, average_cost, value, version), created at zero on first use."""
    where = (StockBalance.warehouse_id == warehouse_id, StockBalance.product_id == product_id)
    bump = update(StockBalance).where(*where).values(version=StockBalance.version + 1) \
        .execution_options(synchronize_session=False)
    if db.session.execute(bump).rowcount == 0:
        try:
            with db.session.begin_nested():
                db.session.execute(insert(StockBalance).values(
                    warehouse_id=warehouse_id, product_id=product_id, quantity=ZERO, average_cost=ZERO, value=ZERO,
                    version=0, updated_at=utcnow()))
        except IntegrityError:
            pass  # another transaction created it first; the UPDATE below waits for its lock
        db.session.execute(bump)
    return db.session.execute(select(StockBalance.id, StockBalance.quantity, StockBalance.average_cost,
                                     StockBalance.value, StockBalance.version).where(*where)).one()


def post_movement(kind: MovementKind, warehouse_id: int, product_id: int, quantity: Decimal, doc: DocRef,
                  actor=None, unit_cost: Decimal | None = None) -> dict:
    """Post `quantity` (> 0) in or out according to `kind`; returns the ledger row's values. Never commits."""
    quantity = Decimal(quantity)
    if not quantity.is_finite() or quantity <= 0:
        raise ValidationFailed("库存变动数量必须大于 0")
    if quantity != quantity.quantize(QUANTITY_STEP):
        raise ValidationFailed("库存变动数量最多保留三位小数")
    inflow = kind in INFLOWS
    if unit_cost is not None:
        unit_cost = Decimal(unit_cost)
        if unit_cost < 0:
            raise ValidationFailed("成本单价不能为负数")
        if kind != MovementKind.PURCHASE:
            raise ValueError("only a purchase receipt brings its own unit cost")
    balance = _lock_balance(warehouse_id, product_id)  # callers flush their document first (the engine does)
    seen = balance.version
    change = quantity if inflow else -quantity
    average = next_average(balance.quantity, balance.value, balance.average_cost, change, unit_cost)
    new_quantity = balance.quantity + change
    new_value = cents(new_quantity * average)
    cost = unit_cost.quantize(COST_STEP, rounding=ROUND_HALF_UP) if unit_cost is not None else balance.average_cost
    amount = cents(change * cost)
    now = utcnow()
    result = db.session.execute(
        update(StockBalance).where(StockBalance.id == balance.id, StockBalance.version == seen)
        .values(quantity=new_quantity, average_cost=average, value=new_value, version=seen + 1, updated_at=now)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:  # pragma: no cover - the row lock makes this unreachable; the guard stays
        raise Conflict("库存已被其他操作修改，请重试")
    # Core statements, no ORM flush per line: a 200-line approval must not rescan the session 200 times.
    movement = dict(
        created_at=now, kind=kind, warehouse_id=warehouse_id, product_id=product_id, doc_type=doc.doc_type,
        doc_id=doc.doc_id, doc_number=doc.number, quantity_in=quantity if inflow else ZERO,
        quantity_out=ZERO if inflow else quantity, unit_cost=cost, amount=amount, balance_after=new_quantity,
        average_after=average, value_after=new_value, employee_id=actor.id if actor is not None else None)
    db.session.execute(insert(StockMovement).values(**movement))
    return movement


def balance_of(warehouse_id: int, product_id: int) -> StockBalance | None:
    return db.session.scalars(select(StockBalance).where(
        StockBalance.warehouse_id == warehouse_id, StockBalance.product_id == product_id)
        .execution_options(populate_existing=True)).first()


def book_quantity(warehouse_id: int, product_id: int) -> Decimal:
    balance = balance_of(warehouse_id, product_id)
    return balance.quantity if balance is not None else ZERO
