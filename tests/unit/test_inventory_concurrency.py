"""8 parallel approvals and shipments of the same products on PostgreSQL keep every stock invariant."""

import os
import threading
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, make_url, text

from tests.conftest import build_schema, make_test_app, reset_data
from tests.parallel import sibling_database_url

PG_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_parallel_approvals_and_shipments_keep_the_invariants():
    url = sibling_database_url("inventory_conc")  # never a fixed name: two checkouts may share the server
    db_name = make_url(url).database
    admin_engine = create_engine(PG_URL.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {db_name}"))
        conn.execute(text(f"CREATE DATABASE {db_name}"))
    app = make_test_app(url)
    build_schema(app)
    reset_data(app)
    from app.extensions import db
    from app.services.inventory.flow import PURCHASE_FLOW
    from app.services.orders.workflow import transition
    from app.services.workflow import advance_one
    from models.orders import OrderStatus
    from tests.helpers import admin, login
    from tests.inventory_factories import assert_invariants, balance, make_purchase, product, warehouse
    from tests.order_factories import make_customer, make_order

    with app.app_context():
        items = [product(f"并发产品{i}") for i in range(3)]
        purchases = [make_purchase([(item, 10, f"{100 + 10 * n}.00") for item in items]) for n in range(4)]
        customer = make_customer()
        orders = [make_order(customer, [(item, "2", "300.00") for item in reversed(items)], status=OrderStatus.PICKING)
                  for _ in range(4)]
        db.session.commit()
        jobs = [("purchase", p.id) for p in purchases] + [("order", o.id) for o in orders]
        item_ids = [item.id for item in items]
    errors, barrier = [], threading.Barrier(len(jobs))

    def worker(kind, doc_id):
        try:
            with app.app_context():
                from models.inventory import Purchase
                from models.orders import SalesOrder

                actor = admin()
                barrier.wait()
                if kind == "purchase":
                    advance_one(PURCHASE_FLOW, db.session.get(Purchase, doc_id), "approve", actor)
                else:
                    transition(db.session.get(SalesOrder, doc_id), "ship", actor)
                db.session.commit()
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert not errors, errors
        with app.app_context():
            from models.products import Product

            store = warehouse()
            assert_invariants()
            values = Decimal("0")
            for item_id in item_ids:
                row = balance(store, db.session.get(Product, item_id))
                assert row.quantity == Decimal("32")  # 4 x 10 in, 4 x 2 out
                assert Decimal("100") <= row.average_cost <= Decimal("130")
                values += row.value
            # 当前库存查询's 合计 row, by 仓库 and over everything, is the sum of the rows the postings left.
            client = app.test_client()
            login(client)
            for url in (f"/stock/?flt0_0={store.id}", "/stock/"):
                sums = client.get(url).get_data(as_text=True).split('id="order-sums"')[1].split("</tr>")[0]
                assert 'data-sum="quantity">96.00<' in sums, sums
                assert f'data-sum="value">{values:.2f}<' in sums, sums
            db.session.remove()
            db.engine.dispose()
    finally:
        with admin_engine.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"))
