"""统计报表 at scale: every report's page (aggregate, chart and table) and its largest bar's drill-down page 1.

    python -m tests.perf.bench_reports 1000000 [workdir]   # or BENCH_ONLY=reports make bench

The data is tests.perf.report_data's: a copy of a customer benchmark database (BENCH_REPORTS_SOURCE, a
directory with bench.db; built into workdir/customers by tests.perf.bench_customers when not given) plus
`scale` orders loaded in bulk, once: a workdir of an earlier run is reused. Each case is a real request
through the logged-in test client (superadmin: every record counts), timed on the wall clock and in this
process's CPU time (what the load of other work on the machine does not inflate). BENCH_REPEAT sets the
requests per case, BENCH_CASES (comma-separated) keeps only the cases whose label contains one of them. Drill-downs are compared
with a plain Flask-Admin ModelView listing the same records through its own filter.
"""

import html
import os
import re
import statistics
import sys
import tempfile
import time

from tests.perf.harness import line, measure, p95

REPEAT = int(os.environ.get("BENCH_REPEAT", "10"))
PROGRESS = []  # [print] when run as a script: each line as soon as it is measured
DRILL_REPEAT = REPEAT + 5


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
    from tests.perf import bench_customers, report_data

    source = os.environ.get("BENCH_REPORTS_SOURCE") or os.path.join(workdir, "customers")
    reuse = os.path.exists(os.path.join(workdir, "bench.db"))
    seconds = 0.0
    if not reuse and not os.path.exists(os.path.join(source, "bench.db")):
        os.makedirs(source, exist_ok=True)
        seconds += bench_customers._build(scale, source)[1]
    app, took = report_data.build(source, workdir, scale)
    _plain_views(app)
    return app, reuse, seconds + took


def measure_cpu(client, url: str, repeat: int, warmup: int = 1) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per request for GET url; every response must be a 200."""
    for _ in range(warmup):
        client.get(url)
    wall, cpu = [], []
    for _ in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return wall, cpu


def cpu_line(label: str, samples: tuple[list[float], list[float]], plain=None) -> str:
    wall, cpu = samples
    return line(label, wall, plain) + f"   cpu median {statistics.median(cpu):8.1f} ms  p95 {p95(cpu):8.1f} ms"


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


def _progress(text: str) -> None:
    for report in PROGRESS:
        report(text, flush=True)


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
    _progress(lines[0])
    client = app.test_client()
    client.post("/login", data={"username": "admin", "password": "Admin#2026", "captcha": "TEST"})
    only = [text for text in os.environ.get("BENCH_CASES", "").split(",") if text]
    parent = ""
    with app.app_context():
        for label, url in _cases():
            parent = parent if label.startswith("  ") else label
            if only and not any(text in parent for text in only):
                continue
            lines.append(cpu_line(label, measure_cpu(client, url, REPEAT)))
            _progress(lines[-1])
            if not label.startswith("  "):
                drill = _largest_bar(client, url)
                if drill:
                    lines.append(cpu_line("  its largest bar, drill page 1", measure_cpu(client, drill, DRILL_REPEAT)))
                    _progress(lines[-1])
        lines.append(cpu_line("客户 drill 广东省 page 1", measure_cpu(client, "/report-customer/records?r=province"
                                                                             "&k=广东省&m=customers", DRILL_REPEAT),
                              measure(client, "/plain-report-customer/?flt0_0=广东省", repeat=3)))
        _progress(lines[-1])
        owner = db.session.scalar(select(SalesOrder.owner_id).limit(1))
        lines.append(cpu_line("订单 drill one 业务员 page 1",
                              measure_cpu(client, f"/report-staff/records?r=employee&k={owner}&m=sales_count",
                                          DRILL_REPEAT),
                              measure(client, f"/plain-report-order/?flt0_0={owner}", repeat=3)))
        _progress(lines[-1])
    return lines


if __name__ == "__main__":
    PROGRESS.append(print)
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, sys.argv[2] if len(sys.argv) > 2 else None)
