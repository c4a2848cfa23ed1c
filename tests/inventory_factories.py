"""Factories for inventory tests: suppliers, warehouses, purchases, purchase returns and stocktakes."""

from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.services.inventory.documents import DocumentInput, LineInput, create_document
from app.services.inventory.flow import PURCHASE_FLOW, RETURN_FLOW, STOCKTAKE_FLOW
from app.services.inventory.stocktakes import start_stocktake
from app.services.workflow import advance_one
from models.base_data import Supplier, Warehouse
from models.inventory import InventoryStatus, StockBalance, StockMovement
from tests.helpers import admin
from tests.order_factories import make_product

_counter = {"supplier": 0, "warehouse": 0}


def supplier(name=None) -> Supplier:
    if name is None:
        _counter["supplier"] += 1
        name = f"测试供应商{_counter['supplier']}"
    row = db.session.scalar(select(Supplier).where(Supplier.name == name))
    if row is None:
        row = Supplier(name=name, contact="张先生", phone="0379-65508337")
        db.session.add(row)
        db.session.flush()
    return row


def warehouse(name=None, enabled=True) -> Warehouse:
    if name is None:
        return db.session.scalar(select(Warehouse).where(Warehouse.is_default.is_(True)))
    row = db.session.scalar(select(Warehouse).where(Warehouse.name == name))
    if row is None:
        row = Warehouse(name=name, is_enabled=enabled)
        db.session.add(row)
        db.session.flush()
    return row


def product(name="热灸油", **kwargs):
    return make_product(name, **{"price": "15.00", "spec": "100ml", "unit": "瓶", **kwargs})


def purchase_input(lines, store=None, **kwargs) -> DocumentInput:
    store = store or warehouse()
    return DocumentInput(kwargs.pop("supplier_id", None) or supplier("测试公司").id, store.id,
                         [LineInput(p.id, str(price), str(qty)) for p, qty, price in lines], **kwargs)


def make_purchase(lines, store=None, approve=False, actor=None, **kwargs):
    actor = actor or admin()
    doc = create_document(PURCHASE_FLOW, purchase_input(lines, store, **kwargs), actor)
    if approve:
        advance_one(PURCHASE_FLOW, doc, "approve", actor)
    return doc


def make_return(lines, store=None, approve=False, actor=None, **kwargs):
    actor = actor or admin()
    doc = create_document(RETURN_FLOW, purchase_input(lines, store, **kwargs), actor)
    if approve:
        advance_one(RETURN_FLOW, doc, "approve", actor)
    return doc


def make_stocktake(store=None, actor=None):
    return start_stocktake((store or warehouse()).id, actor or admin())


def approve(flow, doc, actor=None):
    return advance_one(flow, doc, "approve", actor or admin())


def balance(store, item) -> StockBalance | None:
    db.session.expire_all()
    return db.session.scalar(select(StockBalance).where(StockBalance.warehouse_id == store.id,
                                                        StockBalance.product_id == item.id))


def ledger_sum(store_id, product_id) -> Decimal:
    return db.session.scalar(select(func.coalesce(func.sum(StockMovement.quantity_in - StockMovement.quantity_out), 0))
                             .where(StockMovement.warehouse_id == store_id, StockMovement.product_id == product_id))


def assert_invariants():
    """Every balance equals the sum of its ledger; value equals quantity x average within rounding."""
    db.session.expire_all()
    for row in db.session.scalars(select(StockBalance)):
        assert Decimal(ledger_sum(row.warehouse_id, row.product_id)) == row.quantity, (row.warehouse_id, row.product_id)
        assert abs(row.value - row.quantity * row.average_cost) <= Decimal("0.005"), row.id
        last = db.session.scalar(select(StockMovement).where(
            StockMovement.warehouse_id == row.warehouse_id, StockMovement.product_id == row.product_id)
            .order_by(StockMovement.id.desc()).limit(1))
        if last is not None:
            assert (last.balance_after, last.average_after, last.value_after) == (row.quantity, row.average_cost,
                                                                                   row.value)


PENDING, APPROVED = InventoryStatus.PENDING, InventoryStatus.APPROVED
FLOWS = (PURCHASE_FLOW, RETURN_FLOW, STOCKTAKE_FLOW)
