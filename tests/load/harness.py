"""`make loadtest`: two gunicorn nodes, two rq workers and the rq cron scheduler on PostgreSQL and Redis, with
simulated staff (locust, tests/load/swarm.py) doing mixed work for a bounded time; then the invariants.

Loopback only. Environment: LOADTEST_USERS (50), LOADTEST_SECONDS (60), LOADTEST_CUSTOMERS (6000: more than the
5,000 rows a customer export streams at once, so 导出Excel runs as a job), LOADTEST_ORDERS (60 orders of history),
LOADTEST_DATABASE_URL (a PostgreSQL database dropped and created anew; default xingzhu_h_f2_load on the local
server), LOADTEST_REDIS_URL (redis://127.0.0.1:6379/7, flushed first), LOADTEST_WEB_WORKERS (gunicorn workers per
node, 2), LOADTEST_RESULTS (folder for the Markdown result, tests/perf/results).
Exit status 0 only when no request failed, no response was a 5xx and every invariant holds.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from redis import Redis
from sqlalchemy import bindparam, create_engine, make_url, text

from app.services.maintenance.databases import pg_create_database
from tests.live_server import BIN, PROJECT, crm_init, server_env
from tests.load import invariants
from tests.load.processes import Fleet, server_errors
from tests.load.seed import PASSWORD, head_counts, prepare

DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/xingzhu_h_f2_load"
DEFAULT_REDIS = "redis://127.0.0.1:6379/7"


@dataclass
class Settings:
    users: int = 50
    seconds: float = 60
    customers: int = 6000
    orders: int = 60
    database_url: str = DEFAULT_DATABASE
    redis_url: str = DEFAULT_REDIS
    web_workers: int = 2
    results: Path | None = PROJECT / "tests" / "perf" / "results"

    @classmethod
    def from_env(cls) -> "Settings":
        env = os.environ
        return cls(int(env.get("LOADTEST_USERS", 50)), float(env.get("LOADTEST_SECONDS", 60)),
                   int(env.get("LOADTEST_CUSTOMERS", 6000)), int(env.get("LOADTEST_ORDERS", 60)),
                   env.get("LOADTEST_DATABASE_URL") or DEFAULT_DATABASE,
                   env.get("LOADTEST_REDIS_URL") or DEFAULT_REDIS, int(env.get("LOADTEST_WEB_WORKERS", 2)),
                   Path(env.get("LOADTEST_RESULTS") or PROJECT / "tests" / "perf" / "results"))


@dataclass
class Outcome:
    lines: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    checks: list[invariants.Check] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    leftover: list[str] = field(default_factory=list)
    report_path: Path | None = None

    @property
    def ok(self) -> bool:
        total = self.stats.get("total", {})
        return (bool(total.get("requests")) and total.get("failures", 1) == 0 and not self.server_errors
                and self.stats.get("logged_in") == self.stats.get("users")
                and not self.stats.get("server_errors") and all(c.ok for c in self.checks) and not self.leftover)


def _plan(database_url: str, company, nodes: list[str], env: dict, settings: Settings) -> dict:
    """What the simulated staff need to know: accounts and their ids, each rep's own customers, products."""
    engine = create_engine(database_url)
    names = [name for people in company.staff.values() for name in people]
    with engine.connect() as conn:
        ids = dict(conn.execute(text("SELECT username, id FROM employees WHERE username IN :names")
                                .bindparams(bindparam("names", expanding=True)), {"names": names}).all())
        owned = {}
        for name in names:
            owned[name] = [row[0] for row in conn.execute(text(
                "SELECT id FROM customers WHERE owner_id = :owner ORDER BY id LIMIT 40"), {"owner": ids[name]})]
        customers = [row[0] for row in conn.execute(text("SELECT id FROM customers ORDER BY id LIMIT 500"))]
    engine.dispose()
    return {"nodes": nodes, "staff": company.staff, "employee_ids": ids, "owned": owned, "customers": customers,
            "products": company.products, "supplier": company.supplier, "warehouse": company.warehouse,
            "password": PASSWORD, "seconds": settings.seconds, "counts": head_counts(settings.users),
            "spawn_rate": max(5, settings.users // 5),
            "env": {"SECRET_KEY": env["SECRET_KEY"], "DATABASE_URL": database_url}}


def _fresh_redis(url: str) -> None:
    connection = Redis.from_url(url)
    connection.flushdb()
    connection.close()


def run(settings: Settings, say=print) -> Outcome:
    """The whole load test; `say` receives progress lines. Everything started is stopped before it returns."""
    outcome = Outcome()
    url = make_url(settings.database_url)
    if url.get_backend_name() != "postgresql":
        raise SystemExit("LOADTEST_DATABASE_URL must name a PostgreSQL database")
    work = Path(tempfile.mkdtemp(prefix="crm-loadtest-"))
    try:
        pg_create_database(url, url.database)
        _fresh_redis(settings.redis_url)
        shared = work / "shared"  # what every node and worker reads and writes: one storage for the installation
        common = {"SECRET_KEY": f"loadtest-{work.name}", "REDIS_URL": settings.redis_url,
                  "UPLOAD_DIR": shared / "uploads", "EXPORT_DIR": shared / "exports", "STORAGE_DIR": shared / "storage",
                  "WEB_WORKERS": settings.web_workers, "WEB_THREADS": 4}
        database_url = settings.database_url
        env = {}
        for name in ("node1", "node2", "jobs"):  # an instance folder each: gunicorn's pid file and control socket
            (work / name).mkdir(mode=0o700)
            env[name] = server_env(work / name, database_url, **common)
        say(f"准备数据库 {url.database}：crm init，{settings.customers} 个客户的演示数据……")
        started = time.monotonic()
        crm_init(env["node1"])
        with Fleet(work) as fleet:
            # The processes boot while the demo data is written: they need the schema only.
            nodes = [fleet.web("node1", env["node1"]), fleet.web("node2", env["node2"])]
            fleet.worker("worker1", env["jobs"], settings.redis_url)
            fleet.worker("worker2", env["jobs"], settings.redis_url)
            fleet.cron("cron", env["jobs"], settings.redis_url)
            company = prepare(database_url, settings.users, settings.customers, orders=settings.orders)
            say(f"  数据已就绪（{time.monotonic() - started:.0f} 秒）")
            fleet.wait_until_ready()
            say(f"  进程已就绪（{time.monotonic() - started:.0f} 秒）")
            say(f"已启动：web {nodes[0]} 与 {nodes[1]}（各 {settings.web_workers} 个 gunicorn worker），"
                f"2 个 rq worker，rq cron")
            plan_path = work / "plan.json"
            plan_path.write_text(json.dumps(_plan(database_url, company, nodes, env["node1"], settings),
                                            ensure_ascii=False))
            say(f"{settings.users} 名员工 {settings.seconds:.0f} 秒：{staff_text(head_counts(settings.users))}")
            load_before = os.getloadavg()
            swarm = subprocess.run([str(BIN / "python"), "-m", "tests.load.swarm", str(plan_path)], cwd=PROJECT,
                                   env={**os.environ, "PYTHONPATH": str(PROJECT)}, capture_output=True, text=True,
                                   timeout=settings.seconds + 300)
            load_after = os.getloadavg()
            if swarm.returncode != 0:
                raise RuntimeError(f"locust run failed: {swarm.stderr[-3000:]}")
            outcome.stats = json.loads(plan_path.with_suffix(".result.json").read_text())
            time.sleep(1)
            logs = {**fleet.logs("node")}
        outcome.leftover = fleet.alive()
        for label, log in logs.items():
            outcome.server_errors += [f"{label}: {line}" for line in server_errors(log)]
        outcome.stats["load"] = (load_before, load_after)
        say("检查不变量……")
        started = time.monotonic()
        outcome.checks = (invariants.document_numbers(database_url) + invariants.stock_ledger(database_url)
                          + invariants.order_amounts(database_url) + invariants.in_app(database_url))
        say(f"  已检查（{time.monotonic() - started:.0f} 秒）")
        outcome.lines = summary(outcome, settings)
        if settings.results:
            settings.results.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            outcome.report_path = settings.results / f"loadtest-{stamp}.md"
            outcome.report_path.write_text("\n".join(outcome.lines) + "\n")
        return outcome
    finally:
        shutil.rmtree(work, ignore_errors=True)


SAVE_TARGET_MS = {"postgresql": 500, "sqlite": 1000}  # issue 18: p95 of every save under load


def save_target(entry: dict, backend: str) -> str:
    """"目标/达标" cell: a save (a POST other than the login) against the p95 target of its database."""
    if entry.get("method") != "POST" or entry["name"] == "登录":
        return "—"
    target = SAVE_TARGET_MS[backend]
    return f"< {target}：{'✓' if entry['p95'] < target else '✗'}"


KINDS = {"rep": "销售员", "manager": "销售总监", "warehouse": "仓库管理员", "after_sales": "售后专员"}


def staff_text(counts: dict[str, int]) -> str:
    return "、".join(f"{KINDS[kind]} {count}" for kind, count in counts.items() if count)


def summary(outcome: Outcome, settings: Settings) -> list[str]:
    stats = outcome.stats
    (before, after) = stats["load"]
    total = stats["total"]
    lines = [f"# 压力测试 {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "",
             f"{stats['users']} 名员工（{staff_text(stats['counts'])}；{stats['logged_in']} 人登录成功），全部登录后工作 "
             f"{stats['working']:.0f} 秒（共 {stats['wall']:.0f} 秒），2 个 web 节点（各 "
             f"{settings.web_workers} 个 gunicorn worker × 4 线程），2 个 rq worker + rq cron，PostgreSQL + Redis；"
             f"负载 {before[0]:.1f} → {after[0]:.1f}（{os.cpu_count()} 核，机器与其他任务共用）", "",
             "| 请求 | 次数 | 失败 | 中位数 ms | p95 ms | 目标/达标（p95 ms） | 最大 ms | 每秒 |",
             "|---|---:|---:|---:|---:|---|---:|---:|"]
    backend = make_url(settings.database_url).get_backend_name()
    for entry in sorted(stats["entries"], key=lambda e: -e["requests"]):
        lines.append(f"| {entry['name']} | {entry['requests']} | {entry['failures']} | {entry['median']:.0f} | "
                     f"{entry['p95']:.0f} | {save_target(entry, backend)} | {entry['max']:.0f} | {entry['rps']:.1f} |")
    lines.append(f"| **合计** | {total['requests']} | {total['failures']} | {total['median']:.0f} | {total['p95']:.0f} | "
                 f"— | {total['max']:.0f} | {total['requests'] / max(stats['wall'], 1e-9):.1f} |")
    lines += ["", f"服务器错误（5xx）：访问日志 {len(outcome.server_errors)} 次，客户端 {len(stats['server_errors'])} 次"]
    lines += [f"- {line}" for line in outcome.server_errors[:10]]
    lines += [f"- 失败：{e['name']} ×{e['count']}：{e['error'][:200]}" for e in stats["errors"][:10]]
    if outcome.leftover:
        lines.append(f"未能停止的进程：{outcome.leftover}")
    lines += ["", "不变量："] + [f"- {'✓' if c.ok else '✗'} {c.line}" for c in outcome.checks]
    lines += ["", "结果：" + ("通过" if outcome.ok else "未通过")]
    return lines


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGTERM, _interrupt)  # a stopped `make` cleans up as a Ctrl+C does
    settings = Settings.from_env()
    try:
        outcome = run(settings, say=lambda line: print(line, flush=True))
    except KeyboardInterrupt:
        print("已中断：所有进程已停止", flush=True)
        return 130
    print("\n".join(outcome.lines), flush=True)
    if outcome.report_path:
        print(f"结果已写入 {outcome.report_path}", flush=True)
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    sys.exit(main())
