"""What must hold after any amount of concurrent work, checked on the database itself.

Each check returns `Check`s (a line to print and whether it holds). Used by the load test and by the
concurrency benchmark (document numbers).
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import create_engine, text

# (label, prefix, table, column); GD (工单号) is one sequence for the life of the system, the others per day.
NUMBERED = [("客户编号", "CT", "customers", "code"), ("订单号", "XS", "sales_orders", "number"),
            ("报价单号", "BJ", "quotes", "number"), ("工单号", "GD", "tickets", "number"),
            ("采购进货单号", "JH", "purchases", "number"), ("采购退货单号", "TH", "purchase_returns", "number"),
            ("盘点单号", "PD", "stocktakes", "number")]
CENT = Decimal("0.01")


@dataclass
class Check:
    line: str
    ok: bool


def _numbers_of(conn, label, prefix, table, column) -> Check:
    numbers = [row[0] for row in conn.execute(text(f"SELECT {column} FROM {table}"))]
    counters = {period: value for period, value in conn.execute(
        text("SELECT period, value FROM document_counters WHERE prefix = :prefix"), {"prefix": prefix})}
    problems = []
    if len(numbers) != len(set(numbers)):
        problems.append("有重复")
    if any(not n[len(prefix) if prefix != "GD" else 0:].isdigit() for n in numbers):
        problems.append("有未完成的临时编号")
    by_period: dict[str, list[int]] = defaultdict(list)
    for number in numbers:
        if prefix == "GD":
            by_period[""].append(int(number))
        elif number.startswith(prefix) and number[len(prefix):].isdigit():
            by_period[number[len(prefix):len(prefix) + 8]].append(int(number[len(prefix) + 8:]))
    for period in sorted(set(by_period) | set(counters)):
        values = sorted(by_period.get(period, []))
        drawn = counters.get(period, 0)
        if values != list(range(1, drawn + 1)):
            problems.append(f"{prefix}{period} 有缺号（{len(values)} 个，计数器 {drawn}）")
    days = len([p for p in by_period if p])
    where = f"，{days} 天" if days else ""
    return Check(f"{label:<8} {len(numbers):6d} 个{where}，" + ("；".join(problems) if problems else "不重复、无缺号"),
                 not problems)


def document_numbers(database_url: str, numbered=NUMBERED) -> list[Check]:
    """Every document number distinct, and 1..N on each day (each counter) without a gap."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return [_numbers_of(conn, *entry) for entry in numbered]
    finally:
        engine.dispose()


LEDGER_SQL = """
SELECT b.warehouse_id, b.product_id, b.quantity,
       COALESCE(m.moved, 0) AS moved,
       (SELECT balance_after FROM stock_movements last
         WHERE last.warehouse_id = b.warehouse_id AND last.product_id = b.product_id
         ORDER BY last.id DESC LIMIT 1) AS last_balance
FROM stock_balances b
LEFT JOIN (SELECT warehouse_id, product_id, SUM(quantity_in - quantity_out) AS moved
           FROM stock_movements GROUP BY warehouse_id, product_id) m
  ON m.warehouse_id = b.warehouse_id AND m.product_id = b.product_id
"""
ORPHAN_SQL = """
SELECT COUNT(*) FROM (SELECT DISTINCT warehouse_id, product_id FROM stock_movements) m
WHERE NOT EXISTS (SELECT 1 FROM stock_balances b WHERE b.warehouse_id = m.warehouse_id
                  AND b.product_id = m.product_id)
"""
# Each approved 采购进货单 / 采购退货单 and each shipped order posted exactly its lines.
POSTED_SQL = {
    "采购进货": ("SELECT COALESCE(SUM(l.quantity), 0) FROM purchase_lines l JOIN purchases d ON d.id = l.purchase_id "
             "WHERE d.status = 'approved'",
             "SELECT COALESCE(SUM(quantity_in), 0) FROM stock_movements WHERE doc_type = 'purchase'"),
    "采购退货": ("SELECT COALESCE(SUM(l.quantity), 0) FROM purchase_return_lines l "
             "JOIN purchase_returns d ON d.id = l.return_id WHERE d.status = 'approved'",
             "SELECT COALESCE(SUM(quantity_out), 0) FROM stock_movements WHERE doc_type = 'purchase_return'"),
    "销售出库": ("SELECT COALESCE(SUM(l.quantity), 0) FROM sales_order_lines l JOIN sales_orders o ON o.id = l.order_id "
             "WHERE o.is_return = false AND o.status IN ('shipped', 'completed')",
             "SELECT COALESCE(SUM(quantity_out), 0) FROM stock_movements WHERE doc_type = 'order'"),
}


def stock_ledger(database_url: str) -> list[Check]:
    """库存 of every product in every warehouse == the sum of its 库存流水, == the last movement's 结存."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(LEDGER_SQL)).all()
            orphans = conn.execute(text(ORPHAN_SQL)).scalar_one()
            posted = {label: (Decimal(conn.execute(text(lines)).scalar_one()),
                              Decimal(conn.execute(text(moved)).scalar_one()))
                      for label, (lines, moved) in POSTED_SQL.items()}
    finally:
        engine.dispose()
    wrong = [r for r in rows if Decimal(r.quantity) != Decimal(r.moved)
             or (r.last_balance is not None and Decimal(r.last_balance) != Decimal(r.quantity))]
    checks = [Check(f"库存 = 流水合计 = 最后结存：{len(rows)} 个产品×仓库"
                    + (f"，{len(wrong)} 个不符" if wrong else "，全部相符"), not wrong),
              Check(f"有流水却没有库存行的产品×仓库：{orphans}", orphans == 0)]
    for label, (lines, moved) in posted.items():
        checks.append(Check(f"{label}：单据明细数量 {lines.normalize():f} = 流水数量 {moved.normalize():f}",
                            lines == moved))
    return checks


def order_amounts(database_url: str) -> list[Check]:
    """Each order: 产品金额 = its lines, 应付 = 产品金额 + 运费 - 优惠, 欠款 = 应付 - 实付 (returns negative)."""
    engine = create_engine(database_url)
    sql = """
    SELECT o.id, o.product_total, o.freight, o.discount, o.payable, o.paid, o.debt, o.is_return,
           COALESCE((SELECT SUM(l.subtotal) FROM sales_order_lines l WHERE l.order_id = o.id), 0) AS lines
    FROM sales_orders o"""
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(sql)).all()
    finally:
        engine.dispose()
    wrong = []
    for r in rows:
        lines, total = Decimal(r.lines), Decimal(r.product_total)
        sign = -1 if r.is_return else 1
        payable = Decimal(r.payable)
        if abs(total) != abs(lines) or payable != sign * (abs(total) + Decimal(r.freight) - Decimal(r.discount)) \
                or Decimal(r.debt) != payable - Decimal(r.paid):
            wrong.append(r.id)
    return [Check(f"订单金额：{len(rows)} 个订单"
                  + (f"，{len(wrong)} 个不符（{wrong[:5]}）" if wrong else "，明细、应付、欠款全部相符"), not wrong)]


def in_app(database_url: str) -> list[Check]:
    """The checks that read through the application's services: customer totals, 订单金额汇总, reports."""
    from app.extensions import db
    from tests.conftest import make_test_app

    app = make_test_app(database_url)
    with app.app_context():
        try:
            return customer_totals() + daily_sums() + report_drill_downs()
        finally:
            db.session.remove()
            db.engine.dispose()


def customer_totals() -> list[Check]:
    """销售总额/欠款总额 as the customer page shows them == the sums over the customer's counted orders, and the
    客户销售报表 row of every customer says the same."""
    from sqlalchemy import func, select
    from werkzeug.datastructures import MultiDict

    from app.extensions import db
    from app.services.orders.customer_totals import COUNTED, customer_totals
    from app.services.reports import definitions, engine
    from models.orders import SalesOrder
    from tests.helpers import admin

    expected = {cid: (Decimal(s).quantize(CENT), Decimal(d).quantize(CENT)) for cid, s, d in db.session.execute(
        select(SalesOrder.customer_id, func.sum(SalesOrder.payable), func.sum(SalesOrder.debt))
        .where(SalesOrder.status.in_(COUNTED)).group_by(SalesOrder.customer_id))}
    shown = {cid: customer_totals(cid) for cid in expected}
    wrong = [cid for cid in expected if shown[cid] != expected[cid]]
    report = definitions.CUSTOMER_SALES_REPORTS.report("customer")
    params = engine.parse_params(report, MultiDict(), admin())
    table = engine.aggregate(report, params, admin(), everything=True)
    in_report = {int(row.key[0]): (row.values["sales_total"], row.values["debt_total"]) for row in table.rows}
    report_wrong = [cid for cid, pair in in_report.items() if pair != expected.get(cid, pair)]
    missing = set(expected) - set(in_report)
    return [Check(f"客户销售总额/欠款总额：{len(expected)} 个有订单的客户"
                  + (f"，{len(wrong)} 个不符" if wrong else "，全部等于其订单合计"), not wrong),
            Check(f"客户销售报表：{len(in_report)} 行" + (f"，{len(report_wrong)} 行不符，缺 {len(missing)} 个客户"
                                                     if report_wrong or missing else "，每行等于该客户的订单合计"),
                  not report_wrong and not missing)]


def daily_sums() -> list[Check]:
    """订单金额汇总 (kept up to date by every order change) == the orders added up again."""
    from sqlalchemy import select

    from app.extensions import db
    from app.services.orders.sums import local_day
    from models.orders import OrderDailySum, SalesOrder

    again: dict[tuple, list] = defaultdict(lambda: [0, Decimal(0), Decimal(0), Decimal(0), Decimal(0)])
    for order in db.session.execute(select(SalesOrder.order_date, SalesOrder.status, SalesOrder.is_return,
                                           SalesOrder.payable, SalesOrder.paid, SalesOrder.freight,
                                           SalesOrder.debt)):
        bucket = again[(local_day(order.order_date), str(order.status), bool(order.is_return))]
        bucket[0] += 1
        for i, value in enumerate(order[3:], start=1):
            bucket[i] += Decimal(value)
    kept = {(row.day, str(row.status), bool(row.is_return)): [row.order_count, Decimal(row.payable), Decimal(row.paid),
                                                               Decimal(row.freight), Decimal(row.debt)]
            for row in db.session.scalars(select(OrderDailySum))}
    kept = {key: values for key, values in kept.items() if any(values)}  # emptied buckets may stay at zero
    wrong = [key for key in set(again) | set(kept) if again.get(key) != kept.get(key)]
    return [Check(f"订单金额汇总：{len(kept)} 个日汇总" + (f"，{len(wrong)} 个与订单不符" if wrong else "，全部等于订单合计"),
                  not wrong)]


REPORTS = [("report_staff", "employee"), ("report_sales", "province"), ("report_product", "product"),
           ("report_ticket", "assignee"), ("report_customer", "employee"), ("report_follow_up", "employee")]


def report_drill_downs() -> list[Check]:
    """Every cell of a few reports == the sums of its drill-down list, and the 合计 == the drill-down of all."""
    from werkzeug.datastructures import MultiDict

    from app.services.reports import definitions, engine
    from tests.helpers import admin

    groups = {group.code: group for group in definitions.GROUPS}
    checks = []
    user = admin()
    for endpoint, key in REPORTS:
        report = groups[endpoint].report(key)
        params = engine.parse_params(report, MultiDict(), user)
        table = engine.aggregate(report, params, user, everything=True)
        cells = wrong = 0
        for row_key, values in [(row.key, row.values) for row in table.rows] + [(None, table.total)]:
            for measure in report.measures:
                listed = engine.records(report, params, user, row_key, measure.key, page_size=1)
                got = listed.count if measure.value is None else listed.sums[measure.key]
                cells += 1
                if got != values[measure.key]:
                    wrong += 1
        label = f"{groups[endpoint].label}·{report.label}"
        checks.append(Check(f"{label}：{len(table.rows)} 行 {cells} 个数"
                            + (f"，{wrong} 个与明细不符" if wrong else "，全部等于明细合计"), not wrong))
    return checks
