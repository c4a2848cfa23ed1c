"""统计报表 in the browser: open a report from the menu, click a bar of its SVG chart, land on its records."""

import os

from playwright.sync_api import expect

from tests.reports_seed import seed

SHOTS = os.environ.get("REPORT_SCREENSHOTS")  # a folder: also keep screenshots of the pages


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_click_a_bar_and_see_its_orders_with_the_filters(admin_page, live):
    data = seed()
    page = admin_page
    page.click("#crm-menu >> text=公司销售报表")
    expect(page.locator("#report-tabs .active")).to_have_text("按省份统计")
    page.fill("#f-from", "2026-04-01")
    page.fill("#f-to", "2026-04-30")
    page.click("#report-submit")
    expect(page.locator("#report-chips")).to_contain_text("下单日期：2026-04-01 至 2026-04-30")
    expect(page.locator("#report-chart svg")).to_be_visible()
    shot(page, "sales-province")

    page.locator("#report-chart svg .bar").filter(has_text="广东省").locator("rect").click()
    expect(page.locator("#drill-chips")).to_contain_text("省份：广东省")
    expect(page.locator("#drill-chips")).to_contain_text("下单日期：2026-04-01 至 2026-04-30")
    expect(page.locator("#drill-count")).to_have_text("2")  # o2 and the return r1
    expect(page.locator(".drill-sum[data-measure=amount]")).to_have_text("400.00")
    expect(page.locator("#drill-table")).to_contain_text(data.orders["o2"].number)
    expect(page.locator("#drill-table")).not_to_contain_text(data.orders["o1"].number)
    shot(page, "sales-province-drill")


def test_follow_up_days_and_customer_sales_pages(admin_page, live):
    seed()
    page = admin_page
    page.click("#crm-menu >> text=客户跟进报表")
    page.click("#report-tabs >> text=按天统计")
    page.fill("#f-month", "2026-04")
    page.click("#report-submit")
    expect(page.locator("#report-table")).to_contain_text("2026年4月15日")
    shot(page, "follow-up-days")
    page.click("#crm-menu >> text=客户销售报表")
    page.select_option("#f-debt", label="有欠款")
    page.click("#report-submit")
    expect(page.locator("#report-table tbody tr")).to_have_count(2)
    shot(page, "customer-sales")
    page.click("#crm-menu >> text=产品销售报表")
    expect(page.locator("#report-table")).to_contain_text("栀子黄色素")
    shot(page, "product-sales")


def test_ticket_report_bar_opens_the_tickets_it_counts(admin_page, live):
    data = seed()
    page = admin_page
    page.click("#crm-menu >> text=售后工单报表")
    expect(page.locator("#report-tabs .active")).to_have_text("按状态统计")
    expect(page.locator("#report-table")).to_contain_text("已关闭")
    shot(page, "ticket-status")
    page.locator("#report-chart svg .bar").filter(has_text="已分配").locator("rect").click()
    expect(page.locator("#drill-chips")).to_contain_text("工单状态：已分配")
    expect(page.locator("#drill-count")).to_have_text("2")
    expect(page.locator("#drill-table")).to_contain_text(data.tickets["t1"].number)
    page.locator("#drill-table").get_by_role("link", name=data.tickets["t1"].number, exact=True).click()
    expect(page.locator("#ticket-number")).to_have_text(data.tickets["t1"].number)

    page.goto(f"{live}/report-ticket/?r=assignee")
    row = page.locator("#report-table tbody tr").filter(has_text="李四")
    expect(row).to_contain_text("2")
    row.locator("a[data-measure=solved]").click()
    expect(page.locator("#drill-chips")).to_contain_text("处理人：李四")
    expect(page.locator("#drill-chips")).to_contain_text("工单状态：已解决、已关闭")
    expect(page.locator("#drill-table")).to_contain_text(data.tickets["t4"].number)
    shot(page, "ticket-assignee-drill")
