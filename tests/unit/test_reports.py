"""Each report of manual ch. 7 against the hand-computed numbers of tests/reports_seed.py.

Counted orders: o1 200 (31 Mar 23:30 Shanghai), o2 500 (debt 400), o3 500 (1 Apr 00:30 Shanghai),
o6 1000 (2025) and the approved return r1 -100; o4 (等待审核), o5 (已取消) and a pending return are out.
"""

from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict

from app.services.errors import ValidationFailed
from app.services.reports import definitions as defs
from app.services.reports import engine
from tests.helpers import admin
from tests.reports_seed import seed

D = Decimal


def table(group, report_key, user, **args):
    report = group.report(report_key)
    params = engine.parse_params(report, MultiDict(args), user)
    result = engine.aggregate(report, params, user, everything=True)
    rows = {" ".join(p for p in row.labels if p): row.values for row in result.rows}
    return rows, result.total


def column(rows, measure):
    return {label: values[measure] for label, values in rows.items()}


@pytest.fixture()
def data(db):
    return seed()


def test_company_sales_by_province_counts_picking_shipped_completed_and_returns(data):
    rows, total = table(defs.SALES_REPORTS, "province", admin())
    assert column(rows, "amount") == {"广东省": D("600.00"), "河南省": D("500.00"), "未填写": D("1000.00")}
    assert column(rows, "orders") == {"广东省": 3, "河南省": 1, "未填写": 1}
    assert total == {"orders": 5, "amount": D("2100.00")}
    assert list(rows) == ["未填写", "广东省", "河南省"]  # largest first


def test_company_sales_follow_shanghai_days_at_the_month_edge(data):
    march, _ = table(defs.SALES_REPORTS, "province", admin(), **{"from": "2026-03-01", "to": "2026-03-31"})
    april, _ = table(defs.SALES_REPORTS, "province", admin(), **{"from": "2026-04-01", "to": "2026-04-30"})
    assert column(march, "amount") == {"广东省": D("200.00")}  # o1 at 23:30 on 31 March
    assert column(april, "amount") == {"广东省": D("400.00"), "河南省": D("500.00")}  # o3 at 00:30 on 1 April


def test_company_sales_by_year_region_department_source_industry(data):
    years, _ = table(defs.SALES_REPORTS, "year", admin())
    assert column(years, "amount") == {"2025年": D("1000.00"), "2026年": D("1100.00")}
    region, _ = table(defs.SALES_REPORTS, "region", admin(), province="广东省")
    assert column(region, "amount") == {"深圳市 南山区": D("600.00")}
    busiest, _ = table(defs.SALES_REPORTS, "region", admin())  # opens on the province with most orders
    assert column(busiest, "orders") == {"深圳市 南山区": 3}
    departments, _ = table(defs.SALES_REPORTS, "department", admin())
    assert column(departments, "amount") == {"销售一部": D("600.00"), "销售二部": D("500.00"), "总经办": D("1000.00")}
    sources, _ = table(defs.SALES_REPORTS, "source", admin())
    assert column(sources, "amount") == {"展会": D("1100.00"), "未填写来源": D("1000.00")}
    industries, _ = table(defs.SALES_REPORTS, "industry", admin())
    assert column(industries, "amount") == {"电子": D("600.00"), "未填写": D("1500.00")}


def test_product_sales_report_matches_figure_7_4_columns(data):
    rows, total = table(defs.PRODUCT_REPORTS, "product", admin())
    gum = rows["栀子黄色素 1*25/桶 KG"]
    assert gum == {"sold_quantity": D("7.000"), "sold_amount": D("700.00"), "returned_quantity": D("1.000"),
                   "returned_amount": D("-100.00")}
    box = rows["来电显示盒 一路 个"]
    assert box == {"sold_quantity": D("3.000"), "sold_amount": D("1500.00"), "returned_quantity": D("0.000"),
                   "returned_amount": D("0.00")}
    assert total["sold_amount"] == D("2200.00") and total["returned_amount"] == D("-100.00")


def test_staff_performance_report_matches_figure_7_5_columns(data):
    rows, total = table(defs.STAFF_REPORTS, "employee", admin())
    assert rows["张三"] == {"sales_count": 2, "sales_total": D("700.00"), "paid_total": D("300.00"),
                          "debt_total": D("400.00"), "return_count": 1, "return_total": D("-100.00")}
    assert rows["李四"]["sales_total"] == D("500.00") and rows["李四"]["debt_total"] == D("500.00")
    assert rows["系统管理员"]["paid_total"] == D("1000.00")
    assert total["sales_count"] == 4 and total["sales_total"] == D("2200.00") and total["return_count"] == 1


def test_customer_sales_report_is_sorted_by_sales_and_filters_debt(data):
    rows, total = table(defs.CUSTOMER_SALES_REPORTS, "customer", admin())
    assert list(rows) == ["龙秋菊", "深圳鼎显自动化设备有限公司", "郑州创杰通达商贸有限公司"]
    assert rows["深圳鼎显自动化设备有限公司"]["return_total"] == D("-100.00")
    assert total["sales_total"] == D("2200.00")
    owing, owing_total = table(defs.CUSTOMER_SALES_REPORTS, "customer", admin(), debt="yes")
    assert list(owing) == ["深圳鼎显自动化设备有限公司", "郑州创杰通达商贸有限公司"]
    assert owing_total["debt_total"] == D("900.00")
    settled, _ = table(defs.CUSTOMER_SALES_REPORTS, "customer", admin(), debt="no")
    assert list(settled) == ["龙秋菊"]


def test_customer_count_reports(data):
    provinces, total = table(defs.CUSTOMER_REPORTS, "province", admin())
    assert column(provinces, "customers") == {"广东省": 2, "河南省": 2, "未填写": 1}
    assert total == {"customers": 5}
    formal, _ = table(defs.CUSTOMER_REPORTS, "province", admin(), category=str(data.customers["c1"].category_id))
    assert column(formal, "customers") == {"广东省": 1, "河南省": 1}
    region, _ = table(defs.CUSTOMER_REPORTS, "region", admin(), province="河南省")
    assert column(region, "customers") == {"郑州市 金水区": 1, "郑州市 二七区": 1}
    owners, _ = table(defs.CUSTOMER_REPORTS, "employee", admin())
    assert column(owners, "customers") == {"张三": 2, "李四": 1, "系统管理员": 1, "公共客户池": 1}
    departments, _ = table(defs.CUSTOMER_REPORTS, "department", admin())
    assert column(departments, "customers") == {"销售一部": 2, "销售二部": 1, "总经办": 1, "未分配部门": 1}
    sources, _ = table(defs.CUSTOMER_REPORTS, "source", admin())
    assert column(sources, "customers") == {"展会": 2, "客户介绍": 1, "未填写来源": 2}
    categories, _ = table(defs.CUSTOMER_REPORTS, "category", admin())
    assert column(categories, "customers") == {"正式客户": 2, "意向客户": 1, "潜在客户": 1, "未分类": 1}
    industries, _ = table(defs.CUSTOMER_REPORTS, "industry", admin())
    assert column(industries, "customers") == {"电子": 2, "未填写": 3}


def test_customers_per_month_use_shanghai_months(data):
    months, total = table(defs.CUSTOMER_REPORTS, "year", admin(), year="2026")
    counts = column(months, "customers")
    assert len(counts) == 12  # every month has a bar, empty ones too
    assert counts["2026年3月"] == 2  # c2 was created at 23:30 on 31 March
    assert counts["2026年4月"] == 1  # c3 at 00:30 on 1 April
    assert counts["2026年5月"] == 1 and counts["2026年1月"] == 0
    assert total == {"customers": 4}


def test_follow_up_reports(data):
    owners, _ = table(defs.FOLLOW_UP_REPORTS, "employee", admin())
    assert column(owners, "follow_ups") == {"张三": 3, "李四": 1, "未指定": 1}
    ranged, _ = table(defs.FOLLOW_UP_REPORTS, "employee", admin(), **{"from": "2026-04-01", "to": "2026-04-30"})
    assert column(ranged, "follow_ups") == {"张三": 1, "李四": 1, "未指定": 1}
    departments, _ = table(defs.FOLLOW_UP_REPORTS, "department", admin())
    assert column(departments, "follow_ups") == {"销售一部": 3, "销售二部": 1, "未分配部门": 1}
    months, _ = table(defs.FOLLOW_UP_REPORTS, "month", admin(), year="2026")
    assert column(months, "follow_ups")["2026年3月"] == 1 and column(months, "follow_ups")["2026年4月"] == 3
    days, _ = table(defs.FOLLOW_UP_REPORTS, "day", admin(), month="2026-04")
    per_day = {k: v for k, v in column(days, "follow_ups").items() if v}
    assert per_day == {"2026年4月1日": 1, "2026年4月15日": 1, "2026年4月20日": 1}
    assert len(days) == 30
    years, _ = table(defs.FOLLOW_UP_REPORTS, "year", admin())
    assert column(years, "follow_ups") == {"2025年": 1, "2026年": 4}


def test_a_sales_rep_sees_only_their_own_numbers(data):
    zhang = data.zhang
    provinces, _ = table(defs.CUSTOMER_REPORTS, "province", zhang)
    assert column(provinces, "customers") == {"广东省": 2}
    sales, total = table(defs.SALES_REPORTS, "province", zhang)
    assert column(sales, "amount") == {"广东省": D("600.00")} and total["orders"] == 3
    staff, _ = table(defs.STAFF_REPORTS, "employee", zhang)
    assert list(staff) == ["张三"]
    follow_ups, _ = table(defs.FOLLOW_UP_REPORTS, "employee", zhang)
    assert column(follow_ups, "follow_ups") == {"张三": 3}


def test_drill_down_lists_exactly_the_records_of_a_cell(data):
    report = defs.STAFF_REPORTS.report("employee")
    params = engine.parse_params(report, MultiDict(), admin())
    key = (str(data.zhang.id),)
    sales = engine.records(report, params, admin(), key, "sales_total")
    assert sorted(o.number for o in sales.records) == sorted([data.orders["o1"].number, data.orders["o2"].number])
    assert sales.sums == {"sales_total": D("700.00"), "paid_total": D("300.00"), "debt_total": D("400.00")}
    returns = engine.records(report, params, admin(), key, "return_count")
    assert [o.number for o in returns.records] == [data.orders["r1"].number]
    assert engine.records(report, params, data.li, key, "sales_total").count == 0  # another rep's bar: nothing


@pytest.mark.parametrize("args, message", [
    ({"from": "2026-13-01"}, "开始日期格式不正确"), ({"to": "x\x00"}, "结束日期不正确"),
    ({"from": "2026-05-01", "to": "2026-04-01"}, "开始日期不能晚于结束日期"), ({"category": "abc"}, "客户类别不正确"),
    ({"category": "999999"}, "所选客户类别不存在"), ({"from": "9" * 10000}, "开始日期不正确"),
])
def test_crafted_filters_are_refused_with_a_message(data, args, message):
    report = defs.CUSTOMER_REPORTS.report("province")
    with pytest.raises(ValidationFailed, match=message):
        engine.parse_params(report, MultiDict(args), admin())


@pytest.mark.parametrize("key", [("abc",), ("1", "2"), ("9" * 30,), ("x\x00",)])
def test_crafted_bar_keys_are_refused(data, key):
    report = defs.CUSTOMER_REPORTS.report("employee")
    params = engine.parse_params(report, MultiDict(), admin())
    with pytest.raises(ValidationFailed):
        engine.records(report, params, admin(), key, "customers")


def test_a_paged_report_carries_its_total_and_row_count_on_every_page(data):
    from dataclasses import replace

    report = replace(defs.CUSTOMER_SALES_REPORTS.report("customer"), page_size=2)
    params = engine.parse_params(report, MultiDict(), admin())
    pages = [engine.aggregate(report, params, admin(), page=n) for n in (1, 2, 3)]
    assert [len(p.rows) for p in pages] == [2, 1, 0]
    assert {p.row_count for p in pages} == {3} and {p.pages for p in pages} == {2}
    assert {p.total["sales_total"] for p in pages} == {D("2200.00")}
    assert [r.labels[0] for r in pages[0].rows + pages[1].rows] == ["龙秋菊", "深圳鼎显自动化设备有限公司",
                                                                     "郑州创杰通达商贸有限公司"]


def test_ticket_report_by_status_shows_every_state(data):
    rows, total = table(defs.TICKET_REPORTS, "status", admin())
    assert column(rows, "tickets") == {"新工单": 1, "已分配": 2, "已解决": 1, "已关闭": 1, "已取消": 1}
    assert list(rows) == ["新工单", "已分配", "已解决", "已关闭", "已取消"]  # the workflow's order
    assert total == {"tickets": 6}


def test_ticket_report_per_assignee_counts_working_solved_and_cancelled(data):
    rows, total = table(defs.TICKET_REPORTS, "assignee", admin())
    assert rows == {
        "李四": {"tickets": 2, "working": 1, "solved": 1, "cancelled": 0},
        "未分配": {"tickets": 2, "working": 0, "solved": 0, "cancelled": 1},
        "张三": {"tickets": 1, "working": 0, "solved": 1, "cancelled": 0},
        "系统管理员": {"tickets": 1, "working": 1, "solved": 0, "cancelled": 0},
    }
    assert total == {"tickets": 6, "working": 2, "solved": 2, "cancelled": 1}


def test_ticket_report_counts_what_the_user_submitted_or_handles(data):
    rows, total = table(defs.TICKET_REPORTS, "status", data.zhang)
    assert column(rows, "tickets") == {"新工单": 1, "已分配": 1, "已解决": 1, "已关闭": 0, "已取消": 0}
    by_assignee, _ = table(defs.TICKET_REPORTS, "assignee", data.li)
    assert column(by_assignee, "tickets") == {"李四": 2, "未分配": 1}  # t1, t4 handled; t5 submitted


def test_ticket_report_date_range_uses_shanghai_days(data):
    march, _ = table(defs.TICKET_REPORTS, "status", admin(), **{"from": "2026-03-01", "to": "2026-03-31"})
    assert column(march, "tickets")["已分配"] == 1  # t1 at 23:30 on 31 March
    assert sum(column(march, "tickets").values()) == 1
    april, _ = table(defs.TICKET_REPORTS, "status", admin(), **{"from": "2026-04-01", "to": "2026-04-01"})
    assert column(april, "tickets") == {"新工单": 1, "已分配": 0, "已解决": 0, "已关闭": 0, "已取消": 0}
