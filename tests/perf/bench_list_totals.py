"""Customer list page 1 with its total (当前第1页，每页20条，共X条记录), against a plain Flask-Admin ModelView.

    python -m tests.perf.bench_list_totals 1000000 [workdir]   # or BENCH_ONLY=list_totals make bench

Same data as bench_customers (its builder, a temporary SQLite database). Our list counts at most
COUNT_CAP + 1 rows of the filtered, scoped query; the plain view runs Flask-Admin's COUNT(*) over all
of them. Also timed: our page without the total, to show what the capped count costs. Not a test.
"""

import sys
import tempfile

from tests.perf.bench_customers import _build, _filter_arg, _timed


def run(scale: int, workdir: str | None = None) -> list[str]:
    import os

    reuse = bool(workdir and os.path.exists(os.path.join(workdir, "bench.db")))
    workdir = workdir or tempfile.mkdtemp(prefix="bench-totals-")
    os.makedirs(workdir, exist_ok=True)
    app, build_seconds = _build(scale, workdir, reuse)
    from sqlalchemy import func, select

    from app.extensions import db
    from models.customers import Customer

    client = app.test_client()
    client.post("/login", data={"username": "admin", "password": "Admin#2026", "captcha": "TEST"})
    with app.app_context():
        count = db.session.scalar(select(func.count(Customer.id)))
        view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "customer")
        category_arg = _filter_arg(view, "客户类别")
        category_id = db.session.scalar(select(Customer.category_id).where(Customer.category_id.is_not(None)).limit(1))
    built = "reused" if reuse else f"built in {build_seconds:.0f} s"
    lines = [f"list totals: {count:,} customers, {built} (SQLite, {workdir})"]
    page = client.get("/customer/").get_data(as_text=True)
    summary = page[page.index('id="pager-summary">') + 19:].split("<", 1)[0]
    lines.append(f"page 1 says: {summary}")
    cases = [
        ("list page 1 with total", "/customer/", "/plain-customer/"),
        ("list page 2 with total", "/customer/?page=1", "/plain-customer/?page=1"),
        ("filter 客户类别 page 1 with total", f"/customer/?{category_arg}={category_id}", None),
        ("search 有限公司 page 1 with total", "/customer/?search=有限公司", None),
    ]
    lines.append(f"{'case':40} {'ours median':>12} {'ours p95':>10} {'plain median':>13} {'plain p95':>10}")
    for label, ours, plain in cases:
        median, p95 = _timed(client, ours)
        text = f"{label:40} {median:10.1f}ms {p95:8.1f}ms"
        if plain:
            plain_median, plain_p95 = _timed(client, plain, repeat=5 if scale >= 200_000 else 15)
            text += f" {plain_median:11.1f}ms {plain_p95:8.1f}ms"
        lines.append(text)
    view.show_list_total = False
    try:
        median, p95 = _timed(client, "/customer/")
    finally:
        view.show_list_total = True
    lines.append(f"{'list page 1 without total':40} {median:10.1f}ms {p95:8.1f}ms")
    return lines


if __name__ == "__main__":
    for line in run(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000, sys.argv[2] if len(sys.argv) > 2 else None):
        print(line)
