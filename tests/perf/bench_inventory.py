"""当前库存查询, 库存流水查询 and 采购单 approval at scale, beside plain Flask-Admin ModelViews of the same tables.

    BENCH_ONLY=inventory BENCH_MOVEMENTS=5000000 make bench    # issue 13: 100,000 products x 5 warehouses
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/NAME BENCH_ONLY=inventory make bench

BENCH_INVENTORY_DB=path/bench.db (or a database URL) measures again on the data an earlier run built (migrated to
the newest revision first). BENCH_MOVEMENTS sets the ledger size (default 5,000,000); products = movements / 50,
five warehouses. SQLite by default; BENCH_DATABASE_URL names a PostgreSQL database of the benchmark's own (dropped
and created anew). The data is built by the database (INSERT ... SELECT over a number series; balance after each
movement by a window sum), so the ledger is not a moving-average replay, but balances and ledger agree by
construction. Each case is a real request through the logged-in test client; the approval is a 200-line 采购进货单
through the workflow engine, posting 200 movements. Not a test: numbers depend on the machine.
"""

import os
import statistics
import time
from datetime import datetime

from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.filters import FilterEqual, IntEqualFilter
from sqlalchemy import insert, select

from app.extensions import db
from models.base_data import Warehouse
from models.inventory import StockBalance, StockMovement
from models.products import Product
from tests.perf.harness import (
    analyze,
    bench_database,
    insert_series,
    line,
    load_average,
    logged_in_client,
    measure,
    spread,
    ts_minus,
)

WAREHOUSES = 5
NOW = "2026-11-01 00:00:00"
NOW_AT = datetime(2026, 11, 1)


class PlainStockView(ModelView):
    """当前库存 as Flask-Admin gives it: COUNT(*) pager, LIKE search over the joined product, an equality filter."""

    column_list = ("warehouse_id", "product.code", "product.name", "quantity", "average_cost", "value")
    column_searchable_list = ("product.code", "product.name")
    column_filters = (IntEqualFilter(StockBalance.warehouse_id, "仓库"),)
    page_size = 20


class PlainMovementView(ModelView):
    column_list = ("created_at", "kind", "warehouse_id", "product.code", "quantity_in", "quantity_out",
                   "balance_after", "doc_number")
    column_searchable_list = ("product.code", "product.name")
    column_filters = (IntEqualFilter(StockMovement.warehouse_id, "仓库"), FilterEqual(StockMovement.kind, "业务类型"),
                      IntEqualFilter(StockMovement.product_id, "产品"), "created_at")
    column_default_sort = ("created_at", True)
    page_size = 20


def build(movements: int) -> None:
    products = max(movements // 50, 10)
    dialect = db.engine.dialect.name
    db.session.execute(insert(Warehouse), [{"name": f"仓库{i}", "sort_order": i, "is_enabled": True,
                                            "is_default": False} for i in range(1, WAREHOUSES)])
    stores = sorted(db.session.scalars(select(Warehouse.id)))
    assert stores == list(range(stores[0], stores[0] + WAREHOUSES)), stores
    insert_series(db.session, products,
                  "INSERT INTO products (code, name, pinyin, spec, unit, price, on_shelf, created_at, updated_at)",
                  "SELECT 'P' || (10000000 + i), '产品' || i || '号', 'cp' || i || 'h', ((i % 90) + 10) || 'ml', '瓶', "
                  "10.00, :yes, :now, :now FROM {series}", yes=True, now=NOW_AT)
    first = db.session.scalar(select(Product.id).order_by(Product.id))
    kind = f"CASE WHEN {spread(2, 10)} < 3 THEN 'purchase' WHEN {spread(2, 10)} < 9 THEN 'sale' ELSE 'stocktake_gain' END"
    indexes = list(StockMovement.__table__.indexes)
    connection = db.session.connection()
    for index in indexes:  # one sorted index build each afterwards instead of 5M random inserts each
        index.drop(connection)
    insert_series(
        db.session, movements,
        "INSERT INTO stock_movements (created_at, kind, warehouse_id, product_id, doc_type, doc_id, doc_number, "
        "quantity_in, quantity_out, unit_cost, amount, balance_after, average_after, value_after)",
        "SELECT created_at, kind, warehouse_id, product_id, 'purchase', i, 'JH' || (10000000000 + i), quantity_in, "
        "quantity_out, 10, (quantity_in - quantity_out) * 10, "
        "SUM(quantity_in - quantity_out) OVER (PARTITION BY warehouse_id, product_id ORDER BY i), 10, "
        "SUM(quantity_in - quantity_out) OVER (PARTITION BY warehouse_id, product_id ORDER BY i) * 10 FROM ("
        f"SELECT i, {ts_minus(NOW, '(:count - i) * 5', dialect)} AS created_at, {kind} AS kind, "
        f":store + {spread(0, WAREHOUSES)} AS warehouse_id, :first + {spread(1, products)} AS product_id, "
        f"CASE WHEN {spread(2, 10)} BETWEEN 3 AND 8 THEN 0 ELSE {spread(3, 20)} + 1 END AS quantity_in, "
        f"CASE WHEN {spread(2, 10)} BETWEEN 3 AND 8 THEN {spread(3, 20)} + 1 ELSE 0 END AS quantity_out "
        "FROM {series}) AS m", store=stores[0], first=first)
    for index in indexes:
        index.create(connection)
    db.session.execute(db.text(
        "INSERT INTO stock_balances (warehouse_id, product_id, quantity, average_cost, value, version, updated_at) "
        "SELECT warehouse_id, product_id, SUM(quantity_in - quantity_out), 10, SUM(quantity_in - quantity_out) * 10, "
        "0, :now FROM stock_movements GROUP BY warehouse_id, product_id"), {"now": NOW_AT})
    analyze(db)


def _reused(target: str):
    """An app on data a previous run built (BENCH_INVENTORY_DB: a SQLite file or a database URL), brought to the
    newest migration."""
    from flask_migrate import upgrade

    from tests.conftest import make_test_app

    app = make_test_app(target if "://" in target else f"sqlite:///{target}")
    with app.app_context():
        upgrade()
    return app, f"{app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}, reused"


def run(movements: int):
    reuse = os.environ.get("BENCH_INVENTORY_DB")
    app, backend = _reused(reuse) if reuse else bench_database("inventory")
    admin_ = app.extensions["admin"][0]
    admin_.add_view(PlainStockView(StockBalance, db, endpoint="plain_stock", url="/plain-stock"))
    admin_.add_view(PlainMovementView(StockMovement, db, endpoint="plain_movement", url="/plain-movement"))
    with app.app_context():
        started = time.perf_counter()
        if not reuse:
            build(movements)
        balances = db.session.scalar(select(db.func.count()).select_from(StockBalance))
        yield (f"built {movements:,} movements, {balances:,} balances in {time.perf_counter() - started:.0f} s "
               f"({backend}); {load_average()}")
        store = db.session.scalar(select(Warehouse.id).order_by(Warehouse.id.desc()))
        product = db.session.scalar(select(Product).order_by(Product.id.desc()))
        product_id, product_code = product.id, product.code
    client = logged_in_client(app)
    cases = [("当前库存 page 1", "/stock/", "/plain-stock/"),
             ("当前库存 warehouse", f"/stock/?flt0_0={store}", f"/plain-stock/?flt0_0={store}"),
             ("当前库存 search code", f"/stock/?search={product_code}", f"/plain-stock/?search={product_code}"),
             ("当前库存 search name", "/stock/?search=产品99", "/plain-stock/?search=产品99"),
             ("流水 page 1", "/stock-movement/", "/plain-movement/"),
             ("流水 warehouse", f"/stock-movement/?flt0_0={store}", f"/plain-movement/?flt0_0={store}"),
             ("流水 type", "/stock-movement/?flt0_1=stocktake_gain", "/plain-movement/?flt0_1=stocktake_gain"),
             ("流水 product exact", f"/stock-movement/?flt0_2={product_code}", f"/plain-movement/?flt0_2={product_id}"),
             ("流水 dates", "/stock-movement/?flt0_3=2026-10-01+to+2026-10-31", None),
             ("流水 search name", "/stock-movement/?search=产品99", "/plain-movement/?search=产品99")]
    for label, url, plain_url in cases:
        ours = measure(client, url, repeat=15)
        plain = measure(client, plain_url, repeat=3, warmup=1) if plain_url else None
        yield line(label, ours, plain)
    with app.app_context():
        from app.services.inventory.flow import PURCHASE_FLOW
        from app.services.workflow import advance_one
        from tests.helpers import admin
        from tests.inventory_factories import make_purchase

        timings, cpu = [], []
        picks = list(db.session.scalars(select(Product).order_by(Product.id).limit(200 * 5)))
        for round_ in range(max(1, min(5, len(picks) // 200))):
            doc = make_purchase([(p, 3, "12.50") for p in picks[round_ * 200:(round_ + 1) * 200]])
            db.session.commit()
            started, cpu_started = time.perf_counter(), time.process_time()
            advance_one(PURCHASE_FLOW, doc, "approve", admin())
            db.session.commit()
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        yield (f"approve a 200-line 采购单       median {statistics.median(timings):8.1f} ms   max {max(timings):8.1f} ms"
               f"   cpu {statistics.median(cpu):7.1f} ms")
    yield load_average()
