"""Workflow buttons in the browser: the confirmation is asked (no inline script), a refusal changes nothing,
the 批量操作 reports each order, and the quote's 转为销售 lands in its 报价单日志."""

from playwright.sync_api import expect

from app.extensions import db
from models.orders import OrderStatus, SalesOrder
from tests.order_factories import make_order
from tests.unit.test_quote_workflow import make_quote


def status_of(order_id):
    db.session.expire_all()
    return db.session.get(SalesOrder, order_id).status


def test_dismissing_the_confirmation_keeps_the_order_and_accepting_moves_it(admin_page, live):
    page = admin_page
    order = make_order()
    db.session.commit()
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.click("#crm-menu >> text=等待审核订单")
    page.wait_for_load_state("load")  # workflow.js binds at the end of the page
    page.locator(f"tr[data-order='{order.number}'] [data-transition=approve]").click()
    page.wait_for_timeout(300)
    assert asked == ["确定审核通过该订单吗？"] and status_of(order.id) == OrderStatus.PENDING
    page.remove_listener("dialog", dismiss)
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator(f"tr[data-order='{order.number}'] [data-transition=approve]").click()
    expect(page.locator(".alert-success")).to_contain_text(f"订单 {order.number} 已通过审核，进入正在配货")
    assert status_of(order.id) == OrderStatus.PICKING


def test_bulk_ship_reports_the_orders_it_could_not_move(admin_page, live, tmp_path):
    page = admin_page
    page.on("dialog", lambda dialog: dialog.accept())
    picking = [make_order(status=OrderStatus.PICKING) for _ in range(2)]
    db.session.commit()
    page.click("#crm-menu >> text=正在配货订单")
    for order in picking:
        page.locator(f"tr[data-order='{order.number}'] .action-checkbox").check()
    # Someone else ships the first one while this list is open.
    from app.services.orders.workflow import transition
    from tests.helpers import admin
    transition(db.session.get(SalesOrder, picking[0].id), "ship", admin())
    db.session.commit()
    page.click("text=批量操作")
    page.click(".dropdown-menu >> text=发货")
    alert = page.locator(".alert-warning")
    expect(alert).to_contain_text("发货：成功 1 个订单，1 个未处理")
    expect(alert).to_contain_text(f"订单 {picking[0].number} 当前状态为“已经发货”，不能发货")
    page.screenshot(path=str(tmp_path / "workflow-bulk.png"), full_page=True)
    assert {status_of(o.id) for o in picking} == {OrderStatus.SHIPPED}


def test_quote_convert_from_the_detail_page_shows_in_the_quote_log(admin_page, live, tmp_path):
    page = admin_page
    page.on("dialog", lambda dialog: dialog.accept())
    quote = make_quote()
    db.session.commit()
    page.goto(f"{live}/quote/{quote.id}")
    page.click("#quote-actions [data-transition=convert]")
    expect(page.locator(".alert-success")).to_contain_text(f"报价单 {quote.number} 已转为销售订单 XS")
    expect(page.locator("#quote-status")).to_have_text("已转销售")
    expect(page.locator("#quote-actions [data-transition=convert]")).to_have_count(0)
    logs = page.locator("#quote-logs tbody tr")
    expect(logs).to_have_count(2)
    expect(logs.nth(1)).to_contain_text("转为销售")
    expect(logs.nth(1)).to_contain_text("已转销售")
    page.screenshot(path=str(tmp_path / "quote-log.png"), full_page=True)
