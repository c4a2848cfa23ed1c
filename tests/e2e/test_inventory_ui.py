"""库存管理 in the browser: 采购进货 with the product picker -> 通过审核 -> ship an order -> its return -> 库存盘点,
checking 当前库存, 库存均价 and 库存流水 on screen at each step."""

from playwright.sync_api import expect

from app.extensions import db
from app.services.orders.returns import create_return
from app.services.orders.workflow import transition
from models.orders import OrderStatus
from tests.helpers import admin
from tests.inventory_factories import supplier
from tests.order_factories import make_customer, make_order, make_product, order_input


def _stock_row(page, live, code):
    page.goto(f"{live}/stock/?search={code}")
    return page.locator("table.model-list tbody tr").first


def test_purchase_approve_ship_return_and_stocktake(admin_page, live):
    page = admin_page
    page.on("dialog", lambda dialog: dialog.accept())
    item = make_product("热灸油", price="30.00", code="rjy", spec="100ml", unit="瓶")
    supplier("测试公司")
    customer = make_customer()
    db.session.commit()

    # 采购进货: pick the product by its pinyin, 10 @ 100.00, then 通过审核 from 待审采购单.
    page.click("#crm-menu >> text=库存管理")
    page.click("#crm-menu >> text=采购进货管理")
    page.click("#add-record")
    page.select_option("#supplier_id", label="测试公司")
    page.fill("#product-q", "rjy")
    page.click("#product-search")
    page.locator(".picker-row .picker-add").first.click()
    page.fill("#line-body .line-price", "100.00")
    page.fill("#line-body .line-quantity", "10")
    page.fill("#paid", "200")
    expect(page.locator("#payable")).to_have_text("1000.00")
    expect(page.locator("#debt")).to_have_text("800.00")
    page.screenshot(path="/tmp/e2e-purchase-form.png", full_page=True)
    page.click("#doc-save")
    expect(page.locator("#doc-status")).to_have_text("待审核")
    number = page.locator("#doc-number").inner_text()
    page.goto(f"{live}/purchase/")
    page.locator(f"tr[data-order='{number}'] [data-action=approve]").click()
    expect(page.locator(".alert-success")).to_contain_text(f"采购单 {number} 已通过审核")
    row = _stock_row(page, live, "rjy")
    expect(row.locator(".col-quantity")).to_have_text("10.00")
    expect(row.locator(".col-average_cost")).to_have_text("100.0000")

    # A second purchase at 130 moves the average to 115.
    page.goto(f"{live}/purchase-pages/add")
    page.select_option("#supplier_id", label="测试公司")
    page.fill("#product-q", "热灸")
    page.click("#product-search")
    expect(page.locator(".picker-row").first).to_contain_text("100.00")  # 上次进价
    expect(page.locator(".picker-row").first).to_contain_text("10.00")  # 当前库存
    page.locator(".picker-row .picker-history").first.click()
    expect(page.locator("#history-table")).to_contain_text(number)  # 进货记录
    page.locator(".picker-row .picker-add").first.click()
    page.fill("#line-body .line-price", "130.00")
    page.fill("#line-body .line-quantity", "10")
    page.click("#doc-save")
    page.click("[data-transition=approve]")
    expect(page.locator("#doc-status")).to_have_text("已审核")
    row = _stock_row(page, live, "rjy")
    expect(row.locator(".col-average_cost")).to_have_text("115.0000")

    # Ship an order of 5: 销售出库, the average stays.
    order = make_order(customer, lines=[(item, "5", "200.00")], status=OrderStatus.PICKING)
    db.session.commit()
    page.goto(f"{live}/order/{order.id}")
    page.click("[data-transition=ship]")
    expect(page.locator("#order-status")).to_have_text("已经发货")
    row = _stock_row(page, live, "rjy")
    expect(row.locator(".col-quantity")).to_have_text("15.00")
    expect(row.locator(".col-average_cost")).to_have_text("115.0000")
    expect(row.locator(".col-value")).to_have_text("1725.00")

    # The customer sends 1 back: the return order's 订单完成 posts 退货入库 at the current average.
    db.session.expire_all()  # the browser shipped it
    back = create_return(order_input(customer, [(item, "1", "200.00")]), admin(), original_order_id=order.id)
    for step in ("approve", "ship"):
        transition(back, step, admin())
    db.session.commit()
    page.goto(f"{live}/order/{back.id}")
    page.click("[data-transition=complete]")
    expect(page.locator("#order-status")).to_have_text("交易完成")
    row = _stock_row(page, live, "rjy")
    expect(row.locator(".col-quantity")).to_have_text("16.00")
    expect(row.locator(".col-average_cost")).to_have_text("115.0000")

    # 库存盘点: 开始盘点, count 14 (盘负 2), 通过审核.
    page.goto(f"{live}/stocktake/")
    page.click("#add-record")
    page.click("#stocktake-begin")
    line = page.locator("#stocktake-lines tr[data-code='rjy']")
    expect(line.locator(".book")).to_have_text("16.00")
    line.locator(".actual").fill("14")
    expect(line.locator(".result")).to_have_text("盘负")
    page.screenshot(path="/tmp/e2e-stocktake.png", full_page=True)
    page.click("#stocktake-save")
    expect(page.locator("#stocktake-summary")).to_contain_text("盘负 1")
    page.click("[data-transition=approve]")
    expect(page.locator("#doc-status")).to_have_text("已审核")
    row = _stock_row(page, live, "rjy")
    expect(row.locator(".col-quantity")).to_have_text("14.00")
    expect(row.locator(".col-average_cost")).to_have_text("115.0000")
    page.screenshot(path="/tmp/e2e-stock.png", full_page=True)

    # 库存流水: every movement with its balance and a link to its document.
    page.goto(f"{live}/stock-movement/?search=rjy")
    kinds = page.locator("table.model-list tbody td.col-kind").all_inner_texts()
    assert kinds == ["库存盘负", "退货入库", "销售出库", "采购进货", "采购进货"]
    balances = page.locator("table.model-list tbody td.col-balance_after").all_inner_texts()
    assert balances == ["14.00", "16.00", "15.00", "20.00", "10.00"]
    page.screenshot(path="/tmp/e2e-ledger.png", full_page=True)
    page.click(f"table.model-list >> text={number}")
    expect(page.locator("#doc-number")).to_have_text(number)
