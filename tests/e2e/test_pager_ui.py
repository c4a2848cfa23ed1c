"""The list pager in the browser: click a page number, type a page number (issue 11.1)."""

from playwright.sync_api import expect

from app.extensions import db
from tests.order_factories import make_product


def test_click_a_page_link_and_type_a_page_number(admin_page, live):
    for i in range(45):
        make_product(name=f"分页产品{i:02d}")
    db.session.commit()
    page = admin_page
    page.click("#crm-menu >> text=产品信息管理")
    summary = page.locator("#pager-summary")
    expect(summary).to_have_text("当前第1页，每页20条，共45条记录")

    page.click("#list-pager >> a.page-link:text-is('2')")
    expect(summary).to_have_text("当前第2页，每页20条，共45条记录")
    expect(page.locator("table.model-list tbody tr")).to_have_count(20)

    page.fill("#pager-goto-page", "3")
    page.click("#pager-goto button[type=submit]")
    expect(summary).to_have_text("当前第3页，每页20条，共45条记录")
    expect(page.locator("table.model-list tbody tr")).to_have_count(5)
    expect(page.locator("#last-page")).not_to_have_attribute("href", "")

    page.fill("#pager-goto-page", "第五页")  # not a number: back to page 1, no error page
    page.keyboard.press("Enter")
    expect(summary).to_have_text("当前第1页，每页20条，共45条记录")
    page.click("#last-page")
    expect(summary).to_have_text("当前第3页，每页20条，共45条记录")
