"""The reports benchmark's data: a copy of the customer benchmark's database plus `orders` orders, in bulk.

    python -m tests.perf.report_data SOURCE_DIR WORKDIR [orders]

SOURCE_DIR holds a bench.db built by tests.perf.bench_customers (1,000,000 customers and 3,000,000
follow-ups take it 8 minutes); it is copied, never changed. The copy is migrated to head, then the orders
(one line each; statuses, returns and amounts spread as tests.perf.bench_orders spreads them, on the copy's
customers and employees) go in through executemany in batches of 50,000, a few transactions in all, and
sums.rebuild() fills the rollups from them in one grouped pass.
"""

import os
import random
import shutil
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal

BATCH = 50_000
NAMES = ["王芳", "李伟", "张敏", "刘洋", "陈静", "杨磊", "赵丽", "黄强", "周杰", "吴娜", "徐涛", "孙燕"]


def prepare(source_dir: str, workdir: str):
    """The app on WORKDIR/bench.db, copied from SOURCE_DIR the first time and migrated to head."""
    os.makedirs(workdir, exist_ok=True)
    target = os.path.join(workdir, "bench.db")
    if not os.path.exists(target):
        shutil.copyfile(os.path.join(source_dir, "bench.db"), target + ".part")
        os.replace(target + ".part", target)
    os.environ.setdefault("CRM_INSTANCE_DIR", workdir)
    from flask_migrate import upgrade

    from app import create_app
    from tests.perf.bench_customers import _config

    app = create_app(_config(target))
    with app.app_context():
        upgrade()
    return app


def add_orders(count: int, rng: random.Random) -> float:
    """`count` orders with their lines on the database's customers and employees; the seconds it took."""
    from sqlalchemy import func, insert, select

    from app.extensions import db
    from app.services.orders import sums
    from models.accounts import Employee
    from models.customers import Customer
    from models.orders import SalesOrder, SalesOrderLine
    from models.products import Product
    from tests.perf.bench_orders import PRODUCTS, PROVINCES, STATUS_WEIGHTS

    started = time.perf_counter()
    now = datetime(2026, 11, 1)
    db.session.execute(insert(Product.__table__), [
        {"code": f"RP{i:04d}", "name": name, "pinyin": "", "price": Decimal(100 + i), "on_shelf": True,
         "created_at": now, "updated_at": now} for i, name in enumerate(PRODUCTS)])
    products = db.session.execute(select(Product.id, Product.code, Product.name, Product.price)
                                  .where(Product.code.like("RP%"))).all()
    owners = list(db.session.scalars(select(Employee.id)))
    low, high = db.session.execute(select(func.min(Customer.id), func.max(Customer.id))).one()
    first = (db.session.scalar(select(func.max(SalesOrder.id))) or 0) + 1
    statuses = [s for s, w in STATUS_WEIGHTS for _ in range(w)]
    days = 3 * 365
    for start in range(0, count, BATCH):
        orders, lines = [], []
        for i in range(start, min(start + BATCH, count)):
            product = rng.choice(products)
            quantity = rng.randint(1, 20)
            payable = product.price * quantity
            paid = payable if rng.random() < 0.8 else (payable / 2).quantize(Decimal("0.01"))
            is_return = rng.random() < 0.02
            sign = -1 if is_return else 1
            when = now - timedelta(days=days * i / count, minutes=rng.randint(0, 600))
            order_id = first + i
            orders.append({
                "id": order_id, "number": f"RX{when:%Y%m%d}{i:07d}", "customer_id": rng.randint(low, high),
                "owner_id": rng.choice(owners), "order_date": when, "status": rng.choice(statuses),
                "receiver_name": rng.choice(NAMES), "receiver_province": rng.choice(PROVINCES),
                "receiver_mobile": f"139{i:08d}", "product_total": payable, "freight": Decimal("0"),
                "discount": Decimal("0"), "payable": sign * payable, "paid": sign * paid,
                "debt": sign * (payable - paid), "is_return": is_return, "created_at": when, "updated_at": when})
            lines.append({"order_id": order_id, "position": 1, "product_id": product.id,
                          "product_code": product.code, "product_name": product.name, "unit_price": product.price,
                          "quantity": Decimal(quantity), "subtotal": payable})
        db.session.execute(insert(SalesOrder.__table__), orders)
        db.session.execute(insert(SalesOrderLine.__table__), lines)
        if (start // BATCH) % 5 == 4:
            db.session.commit()
    db.session.commit()
    sums.rebuild()
    db.session.commit()
    db.session.execute(db.text("ANALYZE"))
    db.session.commit()
    return time.perf_counter() - started


def build(source_dir: str, workdir: str, orders: int = 1_000_000):
    from sqlalchemy import func, select

    from app.extensions import db
    from models.orders import SalesOrder

    started = time.perf_counter()
    app = prepare(source_dir, workdir)
    with app.app_context():
        if not db.session.scalar(select(func.count()).select_from(SalesOrder)):
            add_orders(orders, random.Random(2026))
    return app, time.perf_counter() - started


if __name__ == "__main__":
    _, seconds = build(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000)
    print(f"built in {seconds:.0f} s", flush=True)
