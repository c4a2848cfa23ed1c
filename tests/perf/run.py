"""`make bench`: run every benchmark and print medians, p95 and ratios.

Scales come from the environment: BENCH_PRODUCTS (default 100000), BENCH_CUSTOMERS (default 1000000),
BENCH_ORDERS (default 1000000); every suite's scale variable and default are listed in SUITES below
(BENCH_REPORTS_DIR keeps the reports' data for the next run). BENCH_ONLY=products,customers picks some of them.
"""

import importlib
import os
import sys
import time

SUITES = {
    "products": ("tests.perf.bench_products", "BENCH_PRODUCTS", 100_000),
    "customers": ("tests.perf.bench_customers", "BENCH_CUSTOMERS", 1_000_000),
    "orders": ("tests.perf.bench_orders", "BENCH_ORDERS", 1_000_000),
    "oa": ("tests.perf.bench_oa", "BENCH_OA", 10_000),
    "sessions": ("tests.perf.bench_sessions", "BENCH_SESSIONS", 100_000),
    "concurrency": ("tests.perf.bench_concurrency", "BENCH_STAFF", 20),
    "reports": ("tests.perf.bench_reports", "BENCH_REPORTS", 1_000_000),
    "backup": ("tests.perf.bench_backup", "BENCH_CUSTOMERS", 1_000_000),
    "messaging": ("tests.perf.bench_messaging", "BENCH_CUSTOMERS", 1_000_000),
    "tickets": ("tests.perf.bench_tickets", "BENCH_TICKETS", 1_000_000),
    "inventory": ("tests.perf.bench_inventory", "BENCH_MOVEMENTS", 5_000_000),
    "list_totals": ("tests.perf.bench_list_totals", "BENCH_CUSTOMERS", 1_000_000),
    "throughput": ("tests.perf.bench_throughput", "BENCH_CUSTOMERS", 1_000_000),
}


def main() -> int:
    only = {name for name in os.environ.get("BENCH_ONLY", "").split(",") if name}
    for name, (module_name, env_name, default) in SUITES.items():
        if only and name not in only:
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            print(f"== {name}: no benchmark module yet")
            continue
        scale = int(os.environ.get(env_name, default))
        print(f"== {name} (scale {scale:,})", flush=True)
        started = time.perf_counter()
        for text in module.run(scale):
            print("  " + text, flush=True)
        print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
