"""售后管理 lists, filters and keyword search at a given number of tickets (SQLite, WAL), beside a plain ModelView.

Each case is a real request through the logged-in test client: query, capped count row and page rendering.
BENCH_TICKETS sets the size (default 1,000,000); BENCH_ONLY=tickets runs only this suite.
"""

import random
import statistics
import time
from datetime import datetime, timedelta

from flask_admin.contrib.sqla import ModelView
from sqlalchemy import insert, select

from app.extensions import db
from models.accounts import Employee, Role
from models.customers import Customer
from models.tickets import Ticket, TicketCategory, TicketPriority, TicketStatus
from tests.perf.bench_orders import _filter_url
from tests.perf.harness import bench_app, line, logged_in_client, measure

BATCH = 20_000
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


def build(scale: int, rng: random.Random) -> None:
    now = datetime(2026, 11, 1)
    role = db.session.scalar(select(Role.id).where(Role.is_superadmin.is_(True)))
    db.session.execute(insert(Employee), [
        {"username": f"bench{i:03d}", "real_name": f"工程师{i:03d}", "password_hash": "x", "role_id": role,
         "created_at": now, "updated_at": now} for i in range(20)])
    people = list(db.session.scalars(select(Employee.id)))
    customers = max(scale // 20, 10)
    for start in range(0, customers, BATCH):
        db.session.execute(insert(Customer), [
            {"code": f"CT{i:013d}", "name": f"客户{i}有限公司", "owner_id": rng.choice(people), "created_at": now,
             "updated_at": now, "is_lunar_birthday": False} for i in range(start, min(start + BATCH, customers))])
    db.session.execute(insert(TicketCategory), [{"name": n, "sort_order": i} for i, n in enumerate(("服务问题", "投诉", "咨询"))])
    categories = list(db.session.scalars(select(TicketCategory.id)))
    first_customer = db.session.scalar(select(Customer.id).order_by(Customer.id))
    statuses = [s for s, w in STATUS_WEIGHTS for _ in range(w)]
    priorities = list(TicketPriority)
    for start in range(0, scale, BATCH):
        rows = []
        for i in range(start, min(start + BATCH, scale)):
            status = rng.choice(statuses)
            when = now - timedelta(minutes=(scale - i) * 2)
            running = status in (TicketStatus.NEW, TicketStatus.ASSIGNED)
            rows.append({
                "number": str(i + 1), "customer_id": first_customer + rng.randrange(customers),
                "owner_id": rng.choice(people), "assignee_id": None if status == TicketStatus.NEW else rng.choice(people),
                "status": status, "priority": rng.choice(priorities), "category_id": rng.choice(categories),
                "subject": f"{rng.choice(SUBJECTS)}{i % 997}", "content": "客户反馈问题", "created_at": when,
                "updated_at": when, "sla_used_minutes": 0,
                "resolution_due_at": when + timedelta(hours=rng.randrange(4, 80)) if running else None})
        db.session.execute(insert(Ticket), rows)
    db.session.execute(db.text("ANALYZE"))
    db.session.commit()


def run(scale: int = 1_000_000) -> list[str]:
    app = bench_app("tickets")
    app.extensions["admin"][0].add_view(PlainTicketView(Ticket, db, endpoint="plain_ticket", url="/plain-ticket"))
    with app.app_context():
        started = time.perf_counter()
        build(scale, random.Random(2026))
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
    lines = [f"tickets: {scale:,} tickets built in {build_seconds:.1f} s (SQLite, WAL); every page includes the count row"]
    with app.app_context():
        for label, url, plain_url in cases:
            ours = measure(client, url, repeat=11)
            plain = measure(client, plain_url, repeat=5, warmup=1) if plain_url else None
            lines.append(line(label, ours, plain))
    worst = max(statistics.median(measure(client, c[1], repeat=3, warmup=0)) for c in cases)
    lines.append(f"slowest median of our cases on a re-run: {worst:.1f} ms")
    return lines


if __name__ == "__main__":
    import sys

    for text in run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000):
        print(text)
