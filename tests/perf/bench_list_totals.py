"""List page 1 with its total (当前第1页，每页20条，共X条记录) at scale, as three users, against a plain ModelView.

    python -m tests.perf.bench_list_totals 1000000 [workdir]   # or BENCH_ONLY=list_totals make bench

Same data as bench_customers (its builder; a workdir holding its bench.db, e.g. a copy of a prebuilt one, is
reused and brought to the newest migration first). Our lists count at most COUNT_CAP + 1 rows of the filtered,
scoped query; the plain view runs Flask-Admin's COUNT(*) over all of them. Timed as the superadmin, a 销售员
(查看自己: their own customers) and a 部门经理 (their department's), on 客户资料管理, 我的客户, 联系记录 and
公共客户池, with a capped total (“共10,000+条”) and an exact one (a name search). Also timed: our page without
the total, to show what the capped count costs. Wall time (median, p95) and this process's CPU time per
request (median), which the load of other work on the machine does not inflate. Not a test.
"""

import os
import statistics
import sys
import tempfile
import time

from tests.perf.bench_customers import _build, _filter_arg

REPEAT = 15
WARMUP = 2
USERS = (("superadmin", "admin", "Admin#2026"), ("销售员 (self)", None, "demo12345"),
         ("经理 (department)", None, "demo12345"))


def _timed(client, url, repeat=REPEAT):
    """(median ms, p95 ms, median CPU ms, the pager's summary) of GET url."""
    for _ in range(WARMUP):
        assert client.get(url).status_code == 200, url
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, url
    wall.sort()
    page = response.get_data(as_text=True)
    summary = page.split('id="pager-summary">', 1)[1].split("<", 1)[0] if 'id="pager-summary">' in page else "-"
    return statistics.median(wall), wall[min(len(wall) - 1, round(0.95 * (len(wall) - 1)))], \
        statistics.median(cpu), summary.replace("当前第1页，每页20条，", "").replace("当前第2页，每页20条，", "")


def _users(app) -> list[tuple[str, str, str]]:
    """The superadmin, the 销售员 and the 经理 with the most customers (demo employees of the builder)."""
    from sqlalchemy import func, select

    from app.extensions import db
    from models.accounts import Employee, Role, RoleDataScope
    from models.customers import Customer
    from models.enums import DataScope

    def busiest(scope):
        return db.session.scalar(
            select(Employee.username).join(Role, Employee.role_id == Role.id)
            .join(RoleDataScope, (RoleDataScope.role_id == Role.id) & (RoleDataScope.module == "customer"))
            .join(Customer, Customer.owner_id == Employee.id)
            .where(RoleDataScope.scope == DataScope(scope), Employee.is_enabled.is_(True))
            .group_by(Employee.username).order_by(func.count(Customer.id).desc()).limit(1))

    with app.app_context():
        return [(USERS[0][0], USERS[0][1], USERS[0][2]), (USERS[1][0], busiest("self"), USERS[1][2]),
                (USERS[2][0], busiest("subordinates"), USERS[2][2])]


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def run(scale: int, workdir: str | None = None) -> list[str]:
    reuse = bool(workdir and os.path.exists(os.path.join(workdir, "bench.db")))
    workdir = workdir or tempfile.mkdtemp(prefix="bench-totals-")
    os.makedirs(workdir, exist_ok=True)
    app, build_seconds = _build(scale, workdir, reuse)
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from app.extensions import db
    from models.customers import Customer, FollowUp

    with app.app_context():
        if reuse:
            upgrade()
        count = db.session.scalar(select(func.count(Customer.id)))
        follow_ups = db.session.scalar(select(func.count(FollowUp.id)))
        view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "customer")
        category_arg = _filter_arg(view, "客户类别")
        category_id = db.session.scalar(select(Customer.category_id).where(Customer.category_id.is_not(None)).limit(1))
        max_id = db.session.scalar(select(func.max(Customer.id)))
        # A 4-character piece of a company name: a few hundred matches, an exact total.
        company = db.session.scalar(select(Customer.name).where(Customer.id >= max_id // 3, Customer.name.like("%公司"))
                                    .order_by(Customer.id).limit(1))
        exact_term = company[2:6]
    built = "reused" if reuse else f"built in {build_seconds:.0f} s"
    lines = [f"list totals: {count:,} customers, {follow_ups:,} follow-ups, {built} (SQLite, {workdir})",
             f"load average before: {_load()}",
             f"{'user / case':58} {'median':>9} {'p95':>9} {'cpu':>8}  pager total | plain median / p95"]
    cases = [
        ("客户资料管理 page 1", "/customer/", "/plain-customer/"),
        ("客户资料管理 page 2", "/customer/?page=1", "/plain-customer/?page=1"),
        ("客户资料管理 filter 客户类别", f"/customer/?{category_arg}={category_id}", None),
        ("客户资料管理 search 有限公司", "/customer/?search=有限公司", None),
        (f"客户资料管理 search {exact_term} (exact total)", f"/customer/?search={exact_term}", None),
        ("我的客户 page 1", "/my-customer/", None),
        ("联系记录 page 1", "/follow-up/", None),
        ("公共客户池 page 1", "/customer-pool/", None),
    ]
    for label, username, password in _users(app):
        client = app.test_client()
        response = client.post("/login", data={"username": username, "password": password, "captcha": "TEST"})
        assert response.status_code == 302, f"login {username}"
        for case, ours, plain in cases:
            if client.get(ours).status_code != 200:
                lines.append(f"{label + ' ' + username + ': ' + case:58} (no access)")
                continue
            median, p95, cpu, summary = _timed(client, ours)
            text = f"{label + ' ' + username + ': ' + case:58} {median:7.1f}ms {p95:7.1f}ms {cpu:6.1f}ms  {summary}"
            if plain and username == "admin":
                plain_median, plain_p95, _cpu, _summary = _timed(client, plain, repeat=5 if scale >= 200_000 else 15)
                text += f" | {plain_median:.1f} / {plain_p95:.1f} ms"
            lines.append(text)
        if username == "admin":
            view.show_list_total = False
            try:
                median, p95, cpu, _summary = _timed(client, "/customer/")
            finally:
                view.show_list_total = True
            lines.append(f"{label + ' admin: 客户资料管理 page 1 without total':58} {median:7.1f}ms {p95:7.1f}ms {cpu:6.1f}ms")
    lines.append(f"load average after: {_load()}")
    return lines


if __name__ == "__main__":
    for line in run(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000, sys.argv[2] if len(sys.argv) > 2 else None):
        print(line)
