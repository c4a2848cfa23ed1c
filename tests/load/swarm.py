"""The simulated staff, as locust users: `python -m tests.load.swarm PLAN.json` runs them headless and writes
their statistics as JSON next to the plan. Started by tests/load/harness.py, never on its own.

The plan names the web nodes, the accounts of each role kind, the customers each rep owns, the products,
supplier and warehouse, how many users for how long, and what the captcha reader needs (database URL and
SECRET_KEY). Users alternate between the nodes; the clock starts once every user has logged in. A save counts
as a failure unless it redirects (a form shown again means the save was refused); any 5xx is counted on its own.
"""

from gevent import monkey

monkey.patch_all()

import itertools  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timedelta, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
from locust import HttpUser, between, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402

from tests.live_server import captcha_answer, csrf_token  # noqa: E402

PLAN: dict = {}
SERVER_ERRORS: list[dict] = []
LOGGED_IN: list[str] = []
_seats = itertools.count()
_made = itertools.count(1)
SEARCHES = ["科技", "有限", "贸易", "深圳", "华强", "王", "电子", "北京", "宏达", "138"]
SHANGHAI = timezone(timedelta(hours=8))


@events.request.add_listener
def _note_server_errors(request_type, name, response=None, exception=None, **_):
    if response is not None and getattr(response, "status_code", 0) >= 500:
        SERVER_ERRORS.append({"name": name, "status": response.status_code, "url": str(response.url)})


def refusal(html: str) -> str:
    """The error message a refused form shows (Flask-Admin's alert-danger block), as plain text."""
    shown = re.search(r'<div class="alert[^"]*alert-(?:danger|error)[^"]*"[^>]*>(.*?)</div>', html, re.S)
    if not shown:
        return "表单未保存"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>|&times;|×", " ", shown.group(1))).strip()[:200]


class Staff(HttpUser):
    """One member of staff on one node: logs in once, then works with a short pause between actions."""

    abstract = True
    kind = ""
    wait_time = between(0.5, 1.5)

    def __init__(self, environment):
        seat = next(_seats)
        nodes = PLAN["nodes"]
        self.host = nodes[seat % len(nodes)]
        super().__init__(environment)
        self.rng = random.Random(seat)
        accounts = PLAN["staff"][self.kind]
        self.username = accounts[next(_counters[self.kind]) % len(accounts)]
        self.employee_id = PLAN["employee_ids"][self.username]
        self.customers = PLAN["owned"].get(self.username) or PLAN["customers"]
        self.token = ""

    def on_start(self):
        with self.client.get("/login", name="登录页", catch_response=True) as page:
            token = csrf_token(page.text)
        self.client.get("/captcha.png", name="验证码")
        answer = captcha_answer(self.client, PLAN["env"])
        with self.client.post("/login", name="登录", allow_redirects=False, catch_response=True, data={
                "csrf_token": token, "username": self.username, "password": PLAN["password"],
                "captcha": answer}) as response:
            if response.status_code != 302:
                response.failure(f"登录失败：HTTP {response.status_code}")
        self.token = csrf_token(self.page("/", "首页"))
        LOGGED_IN.append(self.username)

    # helpers ----------------------------------------------------------------------------------------
    def page(self, url: str, name: str) -> str:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            return response.text

    def save(self, url: str, name: str, data: dict) -> str | None:
        """POST a form; returns the Location it redirects to, or None (and a failure) when it did not save."""
        with self.client.post(url, name=name, data={"csrf_token": self.token, **data}, allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code == 302:
                return response.headers["Location"]
            response.failure(f"HTTP {response.status_code}：{refusal(response.text)}")
            return None

    def customer(self) -> int:
        return self.rng.choice(self.customers)

    def products(self, count: int) -> list[str]:
        return [str(p) for p in self.rng.sample(PLAN["products"], count)]


class SalesRep(Staff):
    """销售员: lists, searches and opens their customers, adds follow-ups, customers and orders."""

    kind = "rep"

    @task(3)
    def list_customers(self):
        self.page("/customer/", "客户列表")

    @task(3)
    def search_customers(self):
        self.page(f"/customer/?search={self.rng.choice(SEARCHES)}", "客户搜索")

    @task(3)
    def open_customer(self):
        self.page(f"/customer/details/?id={self.customer()}", "客户详情")

    @task(3)
    def add_follow_up(self):
        customer = self.customer()
        url = f"/follow-up/new/?customer_id={customer}"
        self.page(url, "打开 添加联系记录")
        due = (datetime.now(SHANGHAI) + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
        self.save(url, "添加联系记录", {"content": "电话沟通报价，客户表示下周下单", "next_contact_at": due})

    @task(1)
    def add_customer(self):
        n = next(_made)
        seat = self.employee_id
        self.save("/customer/new/", "添加客户", {"name": f"压测新客户{seat}-{n}贸易有限公司",
                                                  "mobile": f"137{seat:03d}{n:05d}"[:11]})

    @task(2)
    def create_order(self):
        customer = self.customer()
        self.page(f"/order/new?customer_id={customer}", "打开 新建订单")
        paid = self.rng.choice(["0", "0", "50"])
        self.save("/order/new", "创建订单", {
            "customer_id": customer, "product_id": self.products(2), "quantity": ["2", "1"],
            "unit_price": ["", ""], "freight": "0", "discount": "0", "paid": paid, "receiver_name": "顾老板",
            "receiver_address": "湘江北路49号"})


class Manager(SalesRep):
    """销售总监: what a rep does, plus 通过审核, reports and a big 导出Excel run as a job."""

    kind = "manager"

    @task(8)
    def approve_orders(self):
        html = self.page("/order-pending/", "等待审核订单")
        ids = list(dict.fromkeys(re.findall(r"/order-pending/row-action/approve/(\d+)", html)))
        for order_id in self.rng.sample(ids, min(2, len(ids))):
            self.page(f"/order/{order_id}", "订单详情")
            self.save(f"/order/{order_id}/transition/approve", "通过审核", {})

    @task(1)
    def reports(self):
        self.page("/report-staff/", "客服业绩报表")
        self.page("/report-sales/", "公司销售报表")

    @task(2)
    def export_customers(self):
        """导出Excel of the whole list: over the inline limit it runs on a worker; poll until it is done."""
        with self.client.get("/customer/export.xlsx", name="导出Excel", allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code == 200 and response.content[:2] == b"PK":
                return  # small enough to stream at once
            if response.status_code != 302:
                response.failure(f"HTTP {response.status_code}")
                return
            status_url = response.headers["Location"]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            html = self.page(status_url, "导出进度")
            state = re.search(r'data-state="(\w+)"', html)
            if state and state.group(1) == "done":
                download = self.client.get(status_url.rstrip("/") + "/download", name="导出下载")
                if download.content[:2] != b"PK":
                    events.request.fire(request_type="GET", name="导出下载", response_time=0, response_length=0,
                                        exception=RuntimeError("不是 Excel 文件"))
                return
            if state and state.group(1) == "failed":
                events.request.fire(request_type="GET", name="导出进度", response_time=0, response_length=0,
                                    exception=RuntimeError("导出失败"))
                return
            gevent.sleep(1)
        events.request.fire(request_type="GET", name="导出进度", response_time=0, response_length=0,
                            exception=RuntimeError("导出 60 秒未完成"))


class Warehouse(Staff):
    """仓库管理员: ships approved orders, enters and approves 采购进货单 (and now and then a 采购退货单)."""

    kind = "warehouse"

    @task(4)
    def ship_orders(self):
        html = self.page("/order-picking/", "正在配货订单")
        ids = list(dict.fromkeys(re.findall(r"/order-picking/row-action/ship/(\d+)", html)))
        for order_id in self.rng.sample(ids, min(2, len(ids))):
            self.save(f"/order/{order_id}/transition/ship", "发货", {})

    def _document(self, pages: str, noun: str, with_payment: bool):
        self.page(f"/{pages}/add", f"打开 新建{noun}")
        products = self.products(3)
        data = {"supplier_id": PLAN["supplier"], "warehouse_id": PLAN["warehouse"], "day": "",
                "product_id": products, "unit_price": ["88.00", "120.50", "9.90"],
                "quantity": [str(self.rng.randint(5, 40)) for _ in products], "remark": "压测"}
        if with_payment:
            data.update(paid="0", discount="0")
        location = self.save(f"/{pages}/add", f"新建{noun}", data)
        match = re.search(rf"/{pages}/(\d+)", location or "")
        if match:
            self.page(f"/{pages}/{match.group(1)}", f"{noun}详情")
            self.save(f"/{pages}/{match.group(1)}/step/approve", f"审核{noun}", {})

    @task(3)
    def purchase(self):
        self._document("purchase-pages", "采购进货单", True)

    @task(1)
    def purchase_return(self):
        self._document("purchase-return-pages", "采购退货单", False)

    @task(2)
    def stock(self):
        self.page("/stock/", "当前库存")


class AfterSales(Staff):
    """售后专员: submits tickets, assigns them to themselves, replies (and now and then resolves)."""

    kind = "after_sales"

    @task(3)
    def ticket(self):
        customer = self.customer()
        self.page(f"/ticket/add?customer_id={customer}", "打开 添加工单")
        location = self.save("/ticket/add", "提交工单", {
            "customer_id": customer, "subject": "打印机卡纸，需上门维修", "content": "客户来电报修",
            "priority": self.rng.choice(["low", "medium", "high"]), "contact_name": "陈军"})
        match = re.search(r"/ticket/(\d+)", location or "")
        if not match:
            return
        ticket = match.group(1)
        self.save(f"/ticket/{ticket}/assign", "工单分配", {"assignee_id": self.employee_id})
        data = {"body": "已电话联系客户，明天上门"}
        if self.rng.random() < 0.5:
            data["resolve"] = "1"
        self.save(f"/ticket/{ticket}/reply", "回复工单", data)

    @task(2)
    def lists(self):
        self.page("/ticket-assigned/", "已分配工单")

    @task(1)
    def new_tickets(self):
        self.page("/ticket-new/", "新工单")


USERS = {"rep": SalesRep, "manager": Manager, "warehouse": Warehouse, "after_sales": AfterSales}
_counters = {kind: itertools.count() for kind in USERS}


def _entry(entry) -> dict:
    return {"name": entry.name, "method": entry.method, "requests": entry.num_requests,
            "failures": entry.num_failures, "median": entry.median_response_time,
            "p95": entry.get_response_time_percentile(0.95), "max": entry.max_response_time,
            "rps": entry.total_rps}


def swarm(plan: dict) -> dict:
    PLAN.update(plan)
    classes = []
    for kind, count in plan["counts"].items():
        if count:
            USERS[kind].fixed_count = count
            classes.append(USERS[kind])
    env = Environment(user_classes=classes, events=events)
    runner = env.create_local_runner()
    total = sum(plan["counts"].values())
    started = time.monotonic()
    runner.start(total, spawn_rate=plan.get("spawn_rate", 10))
    # The working time starts when everybody is logged in (at most `seconds` of waiting for that).
    while len(LOGGED_IN) < total and time.monotonic() - started < plan["seconds"]:
        gevent.sleep(0.1)
    working = time.monotonic()
    gevent.spawn_later(plan["seconds"], runner.quit)
    runner.greenlet.join()
    wall = time.monotonic() - started
    stats = env.stats
    errors = [{"name": e.name, "error": str(e.error), "count": e.occurrences} for e in stats.errors.values()]
    return {"entries": [_entry(e) for e in stats.entries.values()], "total": _entry(stats.total),
            "errors": errors, "server_errors": SERVER_ERRORS, "wall": wall, "users": total,
            "logged_in": len(LOGGED_IN), "working": time.monotonic() - working,
            "counts": plan["counts"]}


if __name__ == "__main__":
    plan_path = Path(sys.argv[1])
    result = swarm(json.loads(plan_path.read_text()))
    plan_path.with_suffix(".result.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
