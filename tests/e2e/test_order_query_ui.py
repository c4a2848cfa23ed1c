"""订单综合查询 (manual 5.7, issue 11 item 7): one search form; the chips show exactly what is filtered."""

from playwright.sync_api import expect

from app.extensions import db
from models.orders import OrderStatus
from tests.order_factories import make_order


def test_ticking_two_statuses_shows_both_in_the_chips(admin_page, live):
    page = admin_page
    pending = make_order()
    picking = make_order(status=OrderStatus.PICKING)
    completed = make_order(status=OrderStatus.COMPLETED)
    db.session.commit()
    page.click("#crm-menu >> text=订单综合查询")
    page.wait_for_load_state("load")  # the form script joins the ticked statuses on submit
    expect(page.locator("text=添加筛选条件")).to_have_count(0)  # the form is the one search tool
    page.check("#order-query-form .q-status[value=picking]")
    page.check("#order-query-form .q-status[value=completed]")
    page.click("#q-submit")
    chips = page.locator("#query-chips .query-chip")
    expect(chips).to_have_count(1)
    expect(chips.first).to_contain_text("订单状态：正在配货、交易完成")
    expect(page.locator("body")).not_to_contain_text("等待审核订单状态")
    expect(page.locator(f"tr[data-order='{pending.number}']")).to_have_count(0)
    expect(page.locator(f"tr[data-order='{picking.number}']")).to_be_visible()
    expect(page.locator(f"tr[data-order='{completed.number}']")).to_be_visible()
    page.wait_for_load_state("load")
    page.fill("#q-amount", "100-")
    page.click("#q-submit")
    expect(chips).to_have_count(2)
    expect(page.locator("#query-chips")).to_contain_text("金额段：100-")
    page.screenshot(path="/tmp/daily-order-query.png", full_page=True)
    page.click("#query-chips a[aria-label='去掉条件 订单状态']")
    expect(chips).to_have_count(1)
    expect(page.locator(f"tr[data-order='{pending.number}']")).to_be_visible()
    expect(page.locator("#order-query-form .q-status[value=picking]")).not_to_be_checked()
