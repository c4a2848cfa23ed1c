"""售后管理 lists, filters and keyword search at a given number of tickets, beside a plain ModelView.

Each case is a real request through the logged-in test client: query, capped count row and page rendering.
BENCH_TICKETS sets the size (default 1,000,000); BENCH_ONLY=tickets runs only this suite. SQLite (WAL) by default;
BENCH_DATABASE_URL names a PostgreSQL database of the benchmark's own (dropped and created anew).
"""

import statistics
import time
from datetime import datetime

from flask_admin.contrib.sqla import ModelView
from sqlalchemy import insert, select

from app.extensions import db
from models.accounts import Employee, Role
from models.customers import Customer
from models.tickets import Ticket, TicketCategory, TicketPriority, TicketStatus
from tests.perf.bench_orders import _filter_url
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

PEOPLE = 20
STATUS_WEIGHTS = [(TicketStatus.NEW, 5), (TicketStatus.ASSIGNED, 10), (TicketStatus.RESOLVED, 5),
                  (TicketStatus.CLOSED, 75), (TicketStatus.CANCELLED, 5)]
SUBJECTS = ["产品安装调试", "打印机卡纸", "网络无法连接", "系统登录失败", "发票开具", "退换货申请", "上门维修", "软件升级"]


class PlainTicketView(ModelView):
    """What Flask-Admin gives out of the box: COUNT(*) pager and LIKE search."""

    column_list = ("number", "subject", "status", "priority", "created_at")
    column_searchable_list = ("number", "subject")
    column_filters = ("status", "priority", "created_at")
    column_default_sort = ("id", True)
    page_size = 20


def build(scale: int) -> None:
    """Built by the database (INSERT ... SELECT over a number series), the same on SQLite and PostgreSQL."""
    now = datetime(2026, 11, 1)
    dialect = db.engine.dialect.name
    role = db.session.scalar(select(Role.id).where(Role.is_superadmin.is_(True)))
    db.session.execute(insert(Employee), [
        {"username": f"bench{i:03d}", "real_name": f"工程师{i:03d}", "password_hash": "x", "role_id": role,
         "created_at": now, "updated_at": now} for i in range(PEOPLE)])
    people = sorted(db.session.scalars(select(Employee.id).where(Employee.username.like("bench%"))))
    assert people == list(range(people[0], people[0] + PEOPLE)), people
    customers = max(scale // 20, 10)
    insert_series(db.session, customers,
                  "INSERT INTO customers (code, name, owner_id, created_at, updated_at, is_lunar_birthday)",
                  f"SELECT 'CT' || (1000000000000 + i), '客户' || i || '有限公司', :person + {spread(0, PEOPLE)}, "
                  ":now, :now, :no FROM {series}", person=people[0], now=now, no=False)
    db.session.execute(insert(TicketCategory), [{"name": n, "sort_order": i} for i, n in enumerate(("服务问题", "投诉", "咨询"))])
    categories = sorted(db.session.scalars(select(TicketCategory.id)))
    first_customer = db.session.scalar(select(Customer.id).order_by(Customer.id))
    bounds, total = [], 0
    for status, weight in STATUS_WEIGHTS:
        total += weight
        bounds.append(f"WHEN {spread(1, 100)} < {total} THEN '{status.value}'")
    status = f"CASE {' '.join(bounds)} END"
    priority = "CASE " + " ".join(f"WHEN {spread(2, 4)} = {n} THEN '{p.value}'"
                                  for n, p in enumerate(TicketPriority)) + " END"
    subject = "CASE " + " ".join(f"WHEN {spread(3, len(SUBJECTS))} = {n} THEN '{text}'"
                                 for n, text in enumerate(SUBJECTS)) + " END"
    created = ts_minus("2026-11-01 00:00:00", "(:count - i) * 120", dialect)
    due = ts_minus("2026-11-01 00:00:00", f"(:count - i) * 120 - ({spread(4, 76)} + 4) * 3600", dialect)
    insert_series(
        db.session, scale,
        "INSERT INTO tickets (number, customer_id, owner_id, assignee_id, status, priority, category_id, subject, "
        "content, created_at, updated_at, sla_used_minutes, resolution_due_at)",
        f"SELECT CAST(i AS VARCHAR(20)), :customer + {spread(5, customers)}, :person + {spread(6, PEOPLE)}, "
        f"CASE WHEN status = 'new' THEN NULL ELSE :person + {spread(0, PEOPLE)} END, status, priority, "
        f":category + {spread(4, len(categories))}, subject || (i % 997), '客户反馈问题', created, created, 0, "
        "CASE WHEN status IN ('new', 'assigned') THEN due END "
        f"FROM (SELECT i, {status} AS status, {priority} AS priority, {subject} AS subject, {created} AS created, "
        f"{due} AS due FROM {{series}}) AS t",
        customer=first_customer, person=people[0], category=categories[0])
    analyze(db)


def run(scale: int = 1_000_000) -> list[str]:
    app, backend = bench_database("tickets")
    app.extensions["admin"][0].add_view(PlainTicketView(Ticket, db, endpoint="plain_ticket", url="/plain-ticket"))
    with app.app_context():
        started = time.perf_counter()
        build(scale)
        build_seconds = time.perf_counter() - started
        sample = db.session.scalar(select(Ticket.number).order_by(Ticket.id.desc()).offset(500).limit(1))
    client = logged_in_client(app)
    with app.test_request_context():
        cases = [
            ("新提交的工单 page 1", "/ticket-new/", "/plain-ticket/?flt0_0=NEW"),
            ("已分配的工单 page 1", "/ticket-assigned/", "/plain-ticket/?flt0_0=ASSIGNED"),
            ("已解决的工单 page 1", "/ticket-resolved/", "/plain-ticket/?flt0_0=RESOLVED"),
            ("已关闭的工单 page 1", "/ticket-closed/", "/plain-ticket/?flt0_0=CLOSED"),
            ("已关闭的工单 page 50", "/ticket-closed/?page=50", "/plain-ticket/?flt0_0=CLOSED&page=50"),
            ("已取消的工单 page 1", "/ticket-cancelled/", "/plain-ticket/?flt0_0=CANCELLED"),
            ("综合查询: everything", "/ticket-query/", "/plain-ticket/"),
            ("综合查询: 紧急", _filter_url(app, "ticket_query", 优先级="urgent"), None),
            ("综合查询: 分配给", _filter_url(app, "ticket_query", 分配给="3"), None),
            ("综合查询: one month", _filter_url(app, "ticket_query", 提交时间="2026-10-01 to 2026-10-31"), None),
            ("综合查询: 已超时", _filter_url(app, "ticket_query", 服务时限="overdue"), None),
            ("综合查询: 工单号", f"/ticket-query/?search={sample}", f"/plain-ticket/?search={sample}"),
            ("综合查询: keyword 打印机", "/ticket-query/?search=打印机", "/plain-ticket/?search=打印机"),
        ]
    lines = [f"tickets: {scale:,} tickets built in {build_seconds:.1f} s ({backend}); every page includes the count row; "
             f"{load_average()}"]
    with app.app_context():
        for label, url, plain_url in cases:
            ours = measure(client, url, repeat=15)
            plain = measure(client, plain_url, repeat=5, warmup=1) if plain_url else None
            lines.append(line(label, ours, plain))
    worst = max(statistics.median(measure(client, c[1], repeat=3, warmup=0)) for c in cases)
    lines.append(f"slowest median of our cases on a re-run: {worst:.1f} ms; {load_average()}")
    return lines


if __name__ == "__main__":
    import sys

    for text in run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000):
        print(text)
