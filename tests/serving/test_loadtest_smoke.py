"""`make loadtest`'s harness in small: 3 staff (a manager, a warehouse keeper, an after-sales clerk) for 8 s on
two gunicorn nodes, two rq workers and rq cron, on a PostgreSQL database and a Redis server of the test's own.
Then the invariant checks, and proof that they notice a broken ledger and a gap in the numbers."""

import pytest
from sqlalchemy import create_engine, make_url, text

from app.services.maintenance.databases import pg_drop_database
from tests.load import invariants
from tests.load.harness import Settings, run, save_target
from tests.load.processes import server_errors
from tests.load.seed import head_counts
from tests.parallel import sibling_database_url
from tests.serving.private_services import PrivateRedis


@pytest.fixture()
def load_database():
    url = sibling_database_url("loadtest")
    if url is None:
        pytest.skip("the load test runs on PostgreSQL (TEST_DATABASE_URL)")
    yield url
    pg_drop_database(make_url(url), make_url(url).database)


def test_three_staff_for_eight_seconds_leave_every_invariant_intact(load_database):
    with PrivateRedis() as redis_server:
        settings = Settings(users=3, seconds=8, customers=120, orders=4, database_url=load_database,
                            redis_url=redis_server.url, web_workers=1, results=None)
        outcome = run(settings, say=lambda line: None)
    report = "\n".join(outcome.lines)
    assert outcome.ok, report
    names = {entry["name"] for entry in outcome.stats["entries"]}
    assert {"登录", "首页"} <= names, report
    assert outcome.stats["total"]["requests"] >= 12, report
    assert outcome.stats["counts"] == {"manager": 1, "warehouse": 1, "after_sales": 1, "rep": 0}
    assert not outcome.leftover and not outcome.server_errors
    assert "| 请求 | 次数 | 失败 | 中位数 ms | p95 ms | 目标/达标（p95 ms） |" in report and "结果：通过" in report
    labels = " ".join(check.line for check in outcome.checks)
    for label in ("客户编号", "订单号", "工单号", "采购进货单号", "库存 = 流水合计", "客户销售总额/欠款总额", "订单金额汇总",
                  "客服业绩报表"):
        assert label in labels

    engine = create_engine(load_database)
    with engine.begin() as conn:  # what the checks exist for: a ledger out of step, a number given away
        conn.execute(text("UPDATE stock_balances SET quantity = quantity + 1 WHERE id = (SELECT MIN(id) FROM "
                          "stock_balances)"))
        conn.execute(text("UPDATE document_counters SET value = value + 1 WHERE prefix = 'CT'"))
    engine.dispose()
    assert not all(check.ok for check in invariants.stock_ledger(load_database))
    numbers = {check.line.split()[0]: check.ok for check in invariants.document_numbers(load_database)}
    assert numbers["客户编号"] is False and numbers["订单号"] is True


def test_the_staff_mix_and_the_server_error_count():
    assert head_counts(50) == {"manager": 5, "warehouse": 8, "after_sales": 5, "rep": 32}
    assert head_counts(3) == {"manager": 1, "warehouse": 1, "after_sales": 1, "rep": 0}
    log = "\n".join([
        '127.0.0.1 "GET /customer/?search=500 HTTP/1.1" 200 5120 12ms "python-requests/2.34"',
        '127.0.0.1 "POST /order/new HTTP/1.1" 500 290 30ms "python-requests/2.34"',
        '127.0.0.1 "GET /order-pending/ HTTP/1.1" 503 - 4ms "python-requests/2.34"',
        '127.0.0.1 "GET /login HTTP/1.1" 302 0 1ms "python-requests/2.34"',
        "[2026-12-02 06:00:00 +0000] [12] [INFO] Booting worker with pid: 500"])
    assert [line.split('"')[1] for line in server_errors(log)] == ["POST /order/new HTTP/1.1",
                                                                   "GET /order-pending/ HTTP/1.1"]


def test_every_save_is_judged_against_the_target_of_its_database():
    order = {"name": "创建订单", "method": "POST", "p95": 620}
    assert save_target(order, "postgresql") == "< 500：✗"
    assert save_target(order, "sqlite") == "< 1000：✓"
    assert save_target({"name": "登录", "method": "POST", "p95": 50}, "postgresql") == "—"
    assert save_target({"name": "首页", "method": "GET", "p95": 2000}, "sqlite") == "—"
