"""统计报表 through the test client: every bar and cell of every report links to a list that adds up to it.

The generated test walks all report pages of the seeded data, follows each bar of the SVG chart and each
number of the table, pages through the drill-down list and adds up what the list shows.
"""

import html
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.services.reports.definitions import GROUPS
from tests.helpers import PASSWORD, login, make_employee, make_role
from tests.reports_seed import seed

# Which column of the drill-down rows each summed measure adds up (and with which sign).
RECORD_COLUMN = {"amount": ("应付金额", 1), "sales_total": ("应付金额", 1), "return_total": ("应付金额", 1),
                 "paid_total": ("实付金额", 1), "debt_total": ("欠款金额", 1), "sold_amount": ("小计", 1),
                 "returned_amount": ("小计", -1), "sold_quantity": ("数量", 1), "returned_quantity": ("数量", 1)}
COUNTED = {"customers", "follow_ups", "orders", "sales_count", "return_count", "tickets", "working", "solved",
           "cancelled"}


def _url(group):
    return "/" + group.code.replace("_", "-") + "/"


def _cells(page: str):
    """(measure, shown number, drill-down URL) of every number in the report table, 合计 included."""
    found = re.findall(r'<a class="report-(?:cell|total)" data-measure="(\w+)" href="([^"]+)">([^<]+)</a>', page)
    return [(measure, text, html.unescape(href)) for measure, href, text in found]


def _bars(page: str) -> list[str]:
    chart = page[page.index('id="report-chart"'):page.index("</svg>")]
    return [html.unescape(href) for href in re.findall(r'<a target="_self" xlink:href="([^"]+)"', chart)]


def _walk(client, url):
    """Every row of a drill-down list (all pages): the count line, the sums line and the rows' amounts."""
    first = client.get(url)
    assert first.status_code == 200, url
    page = first.get_data(as_text=True)
    count = int(re.search(r'id="drill-count">(\d+)<', page).group(1))
    sums = dict(re.findall(r'class="drill-sum" data-measure="(\w+)">([^<]+)<', page))
    rows, values = 0, {}
    while True:
        body = page[page.index('id="drill-table"'):page.index('id="drill-pager"')]
        rows += body.count('class="drill-row"')
        for column, value in re.findall(r'data-column="([^"]+)" data-value="([^"]+)"', body):
            values[column] = values.get(column, Decimal(0)) + Decimal(value)
        more = re.search(r'id="drill-next" href="([^"]+)"', page)
        if not more:
            return count, sums, rows, values
        page = client.get(html.unescape(more.group(1))).get_data(as_text=True)


@pytest.fixture()
def seeded(db):
    return seed()


def _report_pages(client):
    for group in GROUPS:
        for report in group.reports:
            extra = {"year": "2026"} if report.key == "month" or (report.key == "year" and report.filter("year")) \
                else {"month": "2026-04"} if report.key == "day" else {}
            response = client.get(_url(group), query_string={"r": report.key, **extra})
            assert response.status_code == 200, (group.code, report.key)
            yield group, report, response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["admin", "zhangsan"])
def test_every_bar_and_cell_of_every_report_adds_up_to_its_drill_down(client, seeded, who):
    login(client) if who == "admin" else login(client, who, PASSWORD)
    checked = 0
    for group, report, page in _report_pages(client):
        cells = _cells(page)
        assert cells, (group.code, report.key)
        chart_cells = {href for measure, _, href in cells if measure == report.chart_measure.key}
        assert set(_bars(page)) <= chart_cells, (group.code, report.key)  # each bar is one of the table's links
        for measure, shown, href in cells:
            count, sums, rows, values = _walk(client, href)
            if measure in COUNTED:
                assert count == rows == int(shown), (group.code, report.key, measure, href)
            else:
                column, sign = RECORD_COLUMN[measure]
                assert Decimal(sums[measure]) == Decimal(shown), (group.code, report.key, measure)
                assert sign * values.get(column, Decimal(0)) == Decimal(shown), (group.code, report.key, measure)
                assert count == rows
            checked += 1
    assert checked > 100


def test_sales_bar_opens_its_orders_with_the_filters_shown(client, seeded):
    login(client)
    page = client.get("/report-sales/?r=province&from=2026-04-01&to=2026-04-30").get_data(as_text=True)
    assert "下单日期：2026-04-01 至 2026-04-30" in page
    guangdong = next(href for href in _bars(page) if "k=%E5%B9%BF%E4%B8%9C%E7%9C%81" in href)
    drill = client.get(guangdong).get_data(as_text=True)
    for chip in ("下单日期：2026-04-01 至 2026-04-30", "省份：广东省", "订单状态：正在配货、已经发货、交易完成"):
        assert chip in drill
    assert seeded.orders["o2"].number in drill and seeded.orders["r1"].number in drill
    assert seeded.orders["o1"].number not in drill  # 23:30 on 31 March belongs to March
    assert seeded.orders["o5"].number not in drill  # cancelled


def test_a_sales_rep_cannot_open_another_reps_records(client, seeded):
    login(client, "zhangsan", PASSWORD)
    page = client.get("/report-staff/", query_string={"r": "employee", "k": str(seeded.li.id), "m": "sales_count"})
    assert page.status_code == 200
    drill = client.get("/report-staff/records", query_string={"r": "employee", "k": str(seeded.li.id),
                                                              "m": "sales_count"}).get_data(as_text=True)
    assert 'id="drill-count">0<' in drill
    assert seeded.orders["o3"].number not in drill


def test_export_writes_the_table_with_its_total(client, seeded):
    login(client)
    response = client.get("/report-staff/export.xlsx?r=employee")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("业务员", "销售单数", "销售总额", "实收总额", "欠款总额", "退货单数", "退货总额")
    zhang = next(row for row in rows if row[0] == "张三")
    assert zhang[1:] == (2, 700, 300, 400, 1, -100)
    assert rows[-1][0] == "合计" and rows[-1][2] == 2200


def test_reports_need_their_permission(client, seeded):
    role = make_role("只看客户报表", ["report_customer.view"])
    make_employee("viewer", role=role)
    seeded_session = seeded  # noqa: F841  (data present, permission missing)
    from app.extensions import db

    db.session.commit()
    login(client, "viewer", PASSWORD)
    assert client.get("/report-customer/").status_code == 200
    assert client.get("/report-customer/export.xlsx").status_code == 403
    assert client.get("/report-customer/records?r=province&k=广东省&m=customers").status_code == 200
    for url in ("/report-sales/", "/report-sales/records?r=province&k=x&m=amount", "/report-staff/export.xlsx"):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("url", [
    "/report-customer/?r=province&from=2026-02-30", "/report-customer/?r=province&category=1%20OR%201=1",
    "/report-customer/?r=year&year=99999", "/report-follow-up/?r=day&month=2026-13",
    "/report-customer-sales/?r=customer&debt=maybe", "/report-customer-sales/?r=customer&page=abc",
    "/report-customer/records?r=employee&k=abc&m=customers", "/report-customer/records?r=employee&k=" + "9" * 40,
    "/report-customer/records?r=province&m=nosuch",
    "/report-customer/records?r=province&page=-1", "/report-sales/records?r=year&k=12345&m=amount",
    "/report-customer/?r=province&from=" + "1" * 10000, "/report-customer/export.xlsx?r=province&to=x",
])
def test_crafted_values_get_a_message_never_an_error_page(client, seeded, url):
    login(client)
    response = client.get(url)
    assert response.status_code == 400, url
    assert 'class="alert alert-danger"' in response.get_data(as_text=True)


def test_an_unknown_report_is_404(client, seeded):
    login(client)
    assert client.get("/report-customer/?r=nosuch").status_code == 404
    assert client.get("/report-customer/records?r=nosuch").status_code == 404


def test_the_debt_filter_keeps_its_drill_downs_to_the_customers_it_shows(client, seeded):
    login(client)
    page = client.get("/report-customer-sales/?r=customer&debt=yes").get_data(as_text=True)
    assert "是否有欠款：有欠款" in page
    total = next(href for measure, _, href in _cells(page) if measure == "sales_count" and "k=" not in href)
    count, _, rows, _ = _walk(client, total)
    assert count == rows == 3  # o2, o1 (深圳鼎显) and o3 (郑州创杰); 龙秋菊's settled order is not listed
    assert seeded.orders["o6"].number not in client.get(total).get_data(as_text=True)
