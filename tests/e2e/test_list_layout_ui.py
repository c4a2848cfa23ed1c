"""Order lists at 1366 px (issue 11.9): headers on one line, the delete button labelled."""

import os

from playwright.sync_api import expect

from app.extensions import db
from tests.order_factories import make_customer, make_order, make_product

SHOTS = os.environ.get("CRM_SCREENSHOTS")  # a directory to keep the screenshot in, when set


def test_order_list_headers_stay_on_one_line_at_1366(admin_page, live):
    product = make_product(name="蛋白糖100倍")
    customer = make_customer(name="深圳市晶显电子科技有限公司")
    for _ in range(3):
        make_order(customer, [(product, "2", "40.00")],
                   texts={"receiver_name": "欧阳晓明", "receiver_address": "深圳市南山区科技园"})
    db.session.commit()
    page = admin_page
    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto(f"{live}/order-pending/")
    expect(page.locator("table.model-list tbody tr")).to_have_count(3)
    heights = page.eval_on_selector_all(
        "table.model-list thead th", "ths => ths.map(th => [th.innerText.trim(), th.getBoundingClientRect().height])")
    line = min(h for _, h in heights)
    wrapped = [text for text, h in heights if h > line * 1.5]
    assert not wrapped, wrapped
    cells = page.eval_on_selector_all(
        "table.model-list tbody td.col-receiver_name, table.model-list tbody td.col-owner",
        "tds => tds.map(td => td.getBoundingClientRect().height)")
    assert cells and max(cells) < line * 1.5
    if page.locator("button.crm-delete-button").count():
        expect(page.locator("button.crm-delete-button").first).to_have_text("删除")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "order-list-1366.png"), full_page=True)
