"""统计报表 at scale: every report's page (aggregate, chart and table) and its largest bar's drill-down page 1.

    python -m tests.perf.bench_reports 1000000 [workdir]   # or BENCH_ONLY=reports make bench

Builds `scale` customers with 3 x scale follow-ups (the customer benchmark's builder) and `scale` orders
(the order benchmark's builder) in one SQLite file, once: a workdir of an earlier run is reused. Each case
is a real request through the logged-in test client (superadmin: every record counts). Drill-downs are
compared with a plain Flask-Admin ModelView listing the same records through its own filter.
"""

import html
import os
import random
import re
import sys
import tempfile
import time

from tests.perf.harness import line, measure

REPEAT = 10
DRILL_REPEAT = 15


def _plain_views(app):
    from flask_admin.contrib.sqla import ModelView

    from app.extensions import db
    from models.customers import Customer
    from models.orders import SalesOrder

    class PlainCustomerByProvince(ModelView):
        column_list = ("code", "name", "province", "city", "created_at")
        column_filters = ("province",)
        page_size = 20

    class PlainOrderList(ModelView):
        column_list = ("number", "order_date", "status", "payable", "paid", "debt")
        column_filters = ("owner_id",)
        column_default_sort = ("order_date", True)
        page_size = 20

    admin = app.extensions["admin"][0]
    admin.add_view(PlainCustomerByProvince(Customer, db, endpoint="plain_report_customer", url="/plain-report-customer"))
    admin.add_view(PlainOrderList(SalesOrder, db, endpoint="plain_report_order", url="/plain-report-order"))


def _build(scale: int, workdir: str):
    from sqlalchemy import func, select

    from app.extensions import db
    from models.customers import Customer
    from models.orders import SalesOrder
    from tests.perf import bench_customers, bench_orders

    reuse = os.path.exists(os.path.join(workdir, "bench.db"))
    app, seconds = bench_customers._build(scale, workdir, reuse)
    with app.app_context():
        if db.session.scalar(select(func.count()).select_from(SalesOrder)) == 0:
            # as many orders as customers (a workdir whose customer build was cut short gets as many)
            orders = db.session.scalar(select(func.count()).select_from(Customer))
            started = time.perf_counter()
            bench_orders.build(orders, random.Random(2026))
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
            seconds += time.perf_counter() - started
    _plain_views(app)
    return app, reuse, seconds


def _cases():
    from app.services.reports.definitions import GROUPS

    for group in GROUPS:
        for report in group.reports:
            url = f"/{group.code.replace('_', '-')}/?r={report.key}"
            yield f"{group.label} {report.label if len(group.reports) > 1 else ''}".strip(), url
            if report.filter("range"):
                yield "  same, 2025 only", url + "&from=2025-01-01&to=2025-12-31"
    yield "客户数量报表 按省份, 2025 + 客户类别", "/report-customer/?r=province&from=2025-01-01&to=2025-12-31&category=3"
    yield "客户销售报表, 有欠款", "/report-customer-sales/?r=customer&debt=yes"
    yield "客户销售报表, page 100", "/report-customer-sales/?r=customer&page=100"


def _largest_bar(client, url) -> str | None:
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'<a class="report-cell" data-measure="\w+" href="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


def run(scale: int = 1_000_000, workdir: str | None = None) -> list[str]:
    workdir = workdir or os.environ.get("BENCH_REPORTS_DIR") or tempfile.mkdtemp(prefix="bench-reports-")
    os.makedirs(workdir, exist_ok=True)
    app, reused, seconds = _build(scale, workdir)
    from sqlalchemy import func, select

    from app.extensions import db
    from models.customers import Customer, FollowUp
    from models.orders import SalesOrder

    with app.app_context():
        counts = [db.session.scalar(select(func.count()).select_from(m)) for m in (Customer, FollowUp, SalesOrder)]
    built = "reused" if reused else f"built in {seconds:.0f} s"
    lines = [f"reports: {counts[0]:,} customers, {counts[1]:,} follow-ups, {counts[2]:,} orders, {built} "
             f"(SQLite, {workdir})"]
    client = app.test_client()
    client.post("/login", data={"username": "admin", "password": "Admin#2026", "captcha": "TEST"})
    with app.app_context():
        for label, url in _cases():
            lines.append(line(label, measure(client, url, repeat=REPEAT, warmup=1)))
            if not label.startswith("  "):
                drill = _largest_bar(client, url)
                if drill:
                    lines.append(line("  its largest bar, drill page 1", measure(client, drill, repeat=DRILL_REPEAT)))
        lines.append(line("客户 drill 广东省 page 1", measure(client, "/report-customer/records?r=province&k=广东省"
                                                                      "&m=customers", repeat=DRILL_REPEAT),
                          measure(client, "/plain-report-customer/?flt0_0=广东省", repeat=3)))
        owner = db.session.scalar(select(SalesOrder.owner_id).limit(1))
        lines.append(line("订单 drill one 业务员 page 1", measure(client, f"/report-staff/records?r=employee&k={owner}"
                                                                         "&m=sales_count", repeat=DRILL_REPEAT),
                          measure(client, f"/plain-report-order/?flt0_0={owner}", repeat=3)))
    return lines


if __name__ == "__main__":
    for text in run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, sys.argv[2] if len(sys.argv) > 2 else None):
        print(text, flush=True)
