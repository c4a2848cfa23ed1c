"""Order lists and 订单综合查询 with the 订单金额汇总 sums row, at a given number of orders (SQLite, WAL).

    python -m tests.perf.bench_orders 1000000 [workdir]   # or BENCH_ONLY=orders make bench

Each case is a real request through the logged-in test client: query, sums row and page rendering.
Given a workdir, the SQLite database is built there once (bench.db) and reused by later runs, which
first bring it to the newest migration; BENCH_DATABASE_URL (PostgreSQL) is reused the same way when
it already holds the orders. Timings are medians and p95 of wall time, plus the process's CPU time
per request, which the load of other work on the machine does not inflate.
"""

import os
import random
import statistics
import time
from datetime import datetime, timedelta
from decimal import Decimal

from flask_migrate import upgrade
from sqlalchemy import func, insert, select
from sqlalchemy.exc import OperationalError, ProgrammingError

from app.extensions import db
from app.services.demo import DemoBuilder
from app.services.orders import search as order_search
from app.services.orders import sums
from models.accounts import Employee, Role
from models.customers import Customer
from models.orders import OrderStatus, SalesOrder, SalesOrderLine, SalesOrderSearchToken
from models.products import Product
from tests.conftest import build_schema, make_test_app, reset_data
from tests.perf.harness import bench_app, line, logged_in_client, measure

BATCH = 20_000
STATUS_WEIGHTS = [(OrderStatus.PENDING, 10), (OrderStatus.PICKING, 8), (OrderStatus.SHIPPED, 10),
                  (OrderStatus.COMPLETED, 67), (OrderStatus.CANCELLED, 5)]
PRODUCTS = ["笔记本电脑", "激光打印机", "办公椅", "文件柜", "空调", "投影仪", "路由器", "碎纸机", "复印纸", "签字笔"]
PROVINCES = ["广东省", "浙江省", "江苏省", "北京市", "上海市", "四川省", "湖北省", "河南省"]


def build(scale: int, rng: random.Random) -> None:
    now = datetime(2026, 11, 1)
    role = db.session.scalar(select(Role.id).where(Role.is_superadmin.is_(True)))
    admin_id = db.session.scalar(select(Employee.id).where(Employee.username == "admin"))
    db.session.execute(insert(Employee), [
        {"username": f"bench{i:03d}", "real_name": f"客服{i:03d}", "password_hash": "x", "role_id": role,
         "created_at": now, "updated_at": now} for i in range(20)])
    owners = [admin_id] + list(db.session.scalars(select(Employee.id).where(Employee.username.like("bench%"))))
    customers = max(scale // 20, 10)
    for start in range(0, customers, BATCH):
        db.session.execute(insert(Customer), [
            {"code": f"CT{i:013d}", "name": f"客户{i}有限公司", "owner_id": rng.choice(owners), "created_at": now,
             "updated_at": now, "is_lunar_birthday": False} for i in range(start, min(start + BATCH, customers))])
    db.session.execute(insert(Product), [
        {"code": f"BP{i:04d}", "name": name, "pinyin": "", "price": Decimal(100 + i), "on_shelf": True,
         "created_at": now, "updated_at": now} for i, name in enumerate(PRODUCTS)])
    product_rows = db.session.execute(select(Product.id, Product.code, Product.name, Product.price)
                                      .where(Product.code.like("BP%"))).all()
    statuses = [s for s, w in STATUS_WEIGHTS for _ in range(w)]
    people = DemoBuilder(seed=11)
    days = 3 * 365
    order_id = 0
    for start in range(0, scale, BATCH):
        orders, lines = [], []
        for i in range(start, min(start + BATCH, scale)):
            order_id += 1
            product = rng.choice(product_rows)
            quantity = Decimal(rng.randint(1, 20))
            payable = product.price * quantity
            paid = payable if rng.random() < 0.8 else (payable / 2).quantize(Decimal("0.01"))
            is_return = rng.random() < 0.02
            sign = -1 if is_return else 1
            when = now - timedelta(days=days * i / scale, minutes=rng.randint(0, 600))
            orders.append({
                "id": order_id, "number": f"XS{when:%Y%m%d}{i:07d}", "customer_id": rng.randint(1, customers),
                "owner_id": rng.choice(owners), "order_date": when, "status": rng.choice(statuses),
                "receiver_name": people.person_name(), "receiver_province": rng.choice(PROVINCES),
                "receiver_mobile": f"138{i:08d}", "product_total": payable, "freight": Decimal("0"),
                "discount": Decimal("0"), "payable": sign * payable, "paid": sign * paid,
                "debt": sign * (payable - paid), "is_return": is_return, "created_at": when, "updated_at": when})
            lines.append({"order_id": order_id, "position": 1, "product_id": product.id, "product_code": product.code,
                          "product_name": product.name, "unit_price": product.price, "quantity": quantity,
                          "subtotal": payable})
        db.session.execute(insert(SalesOrder), orders)
        db.session.execute(insert(SalesOrderLine), lines)
        db.session.execute(insert(SalesOrderSearchToken),
                           order_search.index_rows((o["id"], o["receiver_name"]) for o in orders))
        db.session.commit()
    sums.rebuild()
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # What autovacuum does on a live database: statistics and the visibility map for index-only scans.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(db.text("VACUUM ANALYZE"))
    else:
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()


def _filter_url(app, endpoint: str, **values) -> str:
    """The list URL with Flask-Admin filter arguments named as the view names them."""
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == endpoint)
    args = []
    for position, (name, value) in enumerate(values.items()):
        index = next(i for i, f in enumerate(view._filters) if f.name == name)
        args.append(f"flt{position}_{view.get_filter_arg(index, view._filters[index])}={value}")
    return f"/{endpoint.replace('_', '-')}/?" + "&".join(args)


def _holds_orders(app, scale: int) -> bool:
    """Whether the database was built by an earlier run (then it is brought to the newest migration)."""
    with app.app_context():
        try:
            built = db.session.scalar(select(func.count()).select_from(SalesOrder)) >= scale
        except (OperationalError, ProgrammingError):
            built = False
        db.session.rollback()
        if built:
            upgrade()
        return built


def _app(scale: int, workdir: str | None):
    """SQLite by default (in workdir when given); BENCH_DATABASE_URL (PostgreSQL) runs the same cases there.

    Returns (app, backend, reused).
    """
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url and not workdir:
        return bench_app("orders"), "SQLite, WAL", False
    backend = url.split("+")[0].split(":")[0] if url else f"SQLite, WAL, {workdir}"
    if not url:
        os.makedirs(workdir, exist_ok=True)
        url = f"sqlite:///{os.path.join(workdir, 'bench.db')}"
    app = make_test_app(url)
    if _holds_orders(app, scale):
        return app, backend, True
    build_schema(app)
    reset_data(app)
    return app, backend, False


def _cpu_ms(client, url: str, repeat: int = 15) -> float:
    """Median CPU time of this process per request (ms): what the machine's load does not inflate."""
    samples = []
    for _ in range(repeat):
        started = time.process_time()
        client.get(url)
        samples.append((time.process_time() - started) * 1000)
    return statistics.median(samples)


def run(scale: int = 1_000_000, workdir: str | None = None) -> list[str]:
    app, backend, reused = _app(scale, workdir)
    with app.app_context():
        started = time.perf_counter()
        if not reused:
            build(scale, random.Random(2026))
        build_seconds = time.perf_counter() - started
        sample, receiver = db.session.execute(select(SalesOrder.number, SalesOrder.receiver_name)
                                              .order_by(SalesOrder.id.desc()).limit(1)).one()
    client = logged_in_client(app)
    with app.test_request_context():
        cases = [
            ("等待审核订单 page 1", "/order-pending/"),
            ("正在配货订单 page 1", "/order-picking/"),
            ("交易完成订单 page 1", "/order-completed/"),
            ("交易完成订单 page 20", "/order-completed/?page=20"),
            ("退货订单管理 page 1", "/order-return/"),
            ("综合查询: everything", "/order-query/"),
            ("综合查询: one month", _filter_url(app, "order_query", 下单时间="2026-10-01 to 2026-10-31")),
            ("综合查询: 下单客服", _filter_url(app, "order_query", 下单客服="2")),
            ("综合查询: status+amount", _filter_url(app, "order_query", 订单状态="shipped", 金额段="500-1000")),
            ("综合查询: number search", f"/order-query/?search={sample[:12]}"),
            (f"综合查询: 收货人 {receiver}", f"/order-query/?search={receiver}"),
            ("综合查询: 收货人 surname 王", "/order-query/?search=王"),
            ("订单打印: every printable status", "/order-print/"),
            ("订单打印: 已经发货 page 20", "/order-print/?status=shipped&page=20"),
            ("订单打印: 客户名称 search", "/order-print/?q=客户12345有限公司"),
            ("订单打印: number search", f"/order-print/?q={sample[:12]}"),
        ]
    built = "reused" if reused else f"built in {build_seconds:.1f} s"
    lines = [f"orders: {scale:,} orders {built} ({backend}); every page includes the sums row",
             f"load average before: {_load()}"]
    with app.app_context():
        for label, url in cases:
            lines.append(f"{line(label, measure(client, url, repeat=15))}   cpu {_cpu_ms(client, url):6.1f} ms")
    lines.append(f"load average after: {_load()}")
    return lines


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    import sys

    for text in run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, sys.argv[2] if len(sys.argv) > 2 else None):
        print(text)
