"""当前库存查询, 库存流水查询 and 采购单 approval at scale (SQLite, WAL).

    BENCH_ONLY=inventory BENCH_MOVEMENTS=5000000 make bench    # issue 13: 100,000 products x 5 warehouses

BENCH_MOVEMENTS sets the ledger size (default 5,000,000); products = movements / 50, five warehouses. The ledger rows
are bulk-inserted (they are not a moving-average replay: the balances are consistent with them by construction).
Each case is a real request through the logged-in test client; the approval is a 200-line 采购进货单 through the
workflow engine, posting 200 movements. Not a test: numbers depend on the machine.
"""

import random
import statistics
import time
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from app.extensions import db
from models.base_data import Warehouse
from models.inventory import MovementKind, StockBalance, StockMovement
from models.products import Product
from tests.perf.harness import bench_app, line, logged_in_client, measure

BATCH = 20_000
WAREHOUSES = 5
KINDS = [MovementKind.PURCHASE] * 3 + [MovementKind.SALE] * 6 + [MovementKind.STOCKTAKE_GAIN]


def build(movements: int, rng: random.Random) -> None:
    products = max(movements // 50, 10)
    now = datetime(2026, 11, 1)
    db.session.execute(insert(Warehouse), [{"name": f"仓库{i}", "sort_order": i, "is_enabled": True,
                                            "is_default": False} for i in range(1, WAREHOUSES)])
    for start in range(0, products, BATCH):
        db.session.execute(insert(Product), [
            {"code": f"P{i:07d}", "name": f"产品{i}号", "pinyin": f"cp{i}h", "spec": f"{i % 90 + 10}ml", "unit": "瓶",
             "price": Decimal("10.00"), "on_shelf": True, "created_at": now, "updated_at": now}
            for i in range(start, min(start + BATCH, products))])
    stores = list(db.session.scalars(select(Warehouse.id)))
    first = db.session.scalar(select(Product.id).order_by(Product.id))
    balances = {}
    rows = []
    for i in range(movements):
        product, store = first + rng.randrange(products), stores[rng.randrange(len(stores))]
        kind = rng.choice(KINDS)
        quantity = Decimal(rng.randint(1, 20))
        balance = balances.get((store, product), Decimal("0")) + (quantity if kind != MovementKind.SALE else -quantity)
        balances[(store, product)] = balance
        rows.append({"created_at": now - timedelta(seconds=(movements - i) * 5), "kind": kind, "warehouse_id": store,
                     "product_id": product, "doc_type": "purchase", "doc_id": i, "doc_number": f"JH{i:011d}",
                     "quantity_in": quantity if kind != MovementKind.SALE else 0,
                     "quantity_out": quantity if kind == MovementKind.SALE else 0, "unit_cost": Decimal("10"),
                     "amount": quantity * 10, "balance_after": balance, "average_after": Decimal("10"),
                     "value_after": balance * 10})
        if len(rows) == BATCH:
            db.session.execute(insert(StockMovement), rows)
            rows = []
    if rows:
        db.session.execute(insert(StockMovement), rows)
    items = list(balances.items())
    for start in range(0, len(items), BATCH):
        db.session.execute(insert(StockBalance), [
            {"warehouse_id": w, "product_id": p, "quantity": q, "average_cost": Decimal("10"), "value": q * 10,
             "version": 0, "updated_at": now} for (w, p), q in items[start:start + BATCH]])
    db.session.commit()


def run(movements: int):
    app = bench_app("inventory")
    rng = random.Random(13)
    with app.app_context():
        started = time.perf_counter()
        build(movements, rng)
        yield f"built {movements:,} movements in {time.perf_counter() - started:.0f} s"
        store = db.session.scalar(select(Warehouse.id).order_by(Warehouse.id.desc()))
        product = db.session.scalar(select(Product).order_by(Product.id.desc()))
    client = logged_in_client(app)
    cases = [("当前库存 page 1", "/stock/"), ("当前库存 warehouse", f"/stock/?flt0_0={store}"),
             ("当前库存 search code", f"/stock/?search={product.code}"), ("当前库存 search name", "/stock/?search=产品99"),
             ("流水 page 1", "/stock-movement/"), ("流水 warehouse", f"/stock-movement/?flt0_0={store}"),
             ("流水 type", "/stock-movement/?flt0_1=stocktake_gain"),
             ("流水 product exact", f"/stock-movement/?flt0_2={product.code}"),
             ("流水 dates", "/stock-movement/?flt0_3=2026-10-01+to+2026-10-31")]
    for label, url in cases:
        yield line(label, measure(client, url, repeat=9))
    with app.app_context():
        from app.services.inventory.flow import PURCHASE_FLOW
        from app.services.workflow import advance_one
        from tests.helpers import admin
        from tests.inventory_factories import make_purchase

        timings = []
        picks = list(db.session.scalars(select(Product).order_by(Product.id).limit(200 * 5)))
        for round_ in range(max(1, min(5, len(picks) // 200))):
            doc = make_purchase([(p, 3, "12.50") for p in picks[round_ * 200:(round_ + 1) * 200]])
            db.session.commit()
            started = time.perf_counter()
            advance_one(PURCHASE_FLOW, doc, "approve", admin())
            db.session.commit()
            timings.append((time.perf_counter() - started) * 1000)
        yield f"approve a 200-line 采购单       median {statistics.median(timings):8.1f} ms   max {max(timings):8.1f} ms"
