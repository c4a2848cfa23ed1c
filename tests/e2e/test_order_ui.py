"""Orders in the browser: add, approve, 无需物流, ship, complete; 回款 and the customer's totals; 发货单 print."""

import re

from playwright.sync_api import expect

from app.extensions import db
from models.orders import OrderStatus
from tests.order_factories import make_customer, make_order, make_product


def accept_dialogs(page):
    page.on("dialog", lambda dialog: dialog.accept())


def test_order_from_lookup_to_completion(admin_page, live):
    page = admin_page
    accept_dialogs(page)
    customer = make_customer("安徽佑逸管业有限公司")
    make_product("蛋白糖100倍", "40.00", code="P30")
    make_product("栀子黄色素", "180.00", code="P63", spec="1*25/桶")
    db.session.commit()

    page.click("#crm-menu >> text=等待审核订单")
    page.click("#add-record")
    page.wait_for_load_state("load")  # the lookup script binds at the end of the page
    page.fill("#customer-search", "安徽佑逸")
    page.click("#customer-results .lookup-item")
    expect(page.locator("#customer-name")).to_contain_text(customer.name)
    expect(page.locator("#receiver_name")).to_have_value("顾老板")
    page.fill(".order-line >> nth=0 >> .product-search", "蛋白")
    page.click(".order-line >> nth=0 >> .lookup-item")
    page.fill(".order-line >> nth=0 >> .line-quantity", "3")
    page.click("#add-line")
    page.fill(".order-line >> nth=1 >> .product-search", "zzh")  # pinyin initials of 栀子黄
    page.click(".order-line >> nth=1 >> .lookup-item")
    page.fill(".order-line >> nth=1 >> .line-quantity", "3")
    page.fill("#paid", "660")
    expect(page.locator("#payable")).to_have_text("660.00")
    page.click("#submit-order")

    expect(page.locator("#order-status")).to_have_text("等待审核")
    expect(page.locator("#order-payable")).to_have_text("¥660.00")
    number = page.locator("#order-number").inner_text()
    assert re.fullmatch(r"XS\d{13}", number)

    page.click("[data-transition=approve]")
    expect(page.locator("#order-status")).to_have_text("正在配货")
    page.click("#order-actions >> text=物流")
    page.select_option("#logistics_company_id", label="无需物流")
    page.click("#logistics-save")
    expect(page.locator("#order-tracking")).to_have_text(re.compile(r"^LP\d{10}$"))
    tracking = page.locator("#order-tracking").inner_text()
    page.click("#order-actions >> text=物流")
    page.click("#logistics-ship")
    expect(page.locator("#order-status")).to_have_text("已经发货")

    page.click("#crm-menu >> text=已经发货订单")
    row = page.locator(f"tr[data-order='{number}']")
    expect(row).to_contain_text(tracking)
    expect(row).to_contain_text("无需物流")
    expect(row).to_contain_text("系统管理员")
    row.locator("[data-action=complete]").click()
    expect(page.locator(".alert-success")).to_contain_text("已标记为交易完成")
    page.click("#crm-menu >> text=交易完成订单")
    expect(page.locator(f"tr[data-order='{number}']")).to_be_visible()
    page.screenshot(path="/tmp/e2e-order-completed.png")


def test_partial_payment_changes_debt_and_customer_totals(admin_page, live):
    page = admin_page
    customer = make_customer("成都知客网络技术有限公司", contact="张先生")
    order = make_order(customer, [(make_product("立式减震器弹簧拆装器", "690.00"), "10", None)],
                       status=OrderStatus.PICKING, paid="1000")
    db.session.commit()

    page.goto(f"{live}/customer/details/?id={customer.id}")
    expect(page.locator("text=销售总额").locator("xpath=following-sibling::td[1]")).to_have_text("6900.00")
    expect(page.locator("text=欠款总额").locator("xpath=following-sibling::td[1]")).to_have_text("5900.00")

    page.click("#crm-menu >> text=正在配货订单")
    page.locator(f"tr[data-order='{order.number}'] [data-action=回款]").click()
    page.fill("#amount", "900")
    page.select_option("#method", "银行转账")
    page.click("#payment-submit")
    expect(page.locator(".alert-success")).to_contain_text("当前欠款 ¥5,000.00")
    expect(page.locator("#order-debt")).to_have_text("¥5,000.00")
    expect(page.locator("#payment-list")).to_contain_text("银行转账")

    page.goto(f"{live}/customer/details/?id={customer.id}")
    expect(page.locator("text=欠款总额").locator("xpath=following-sibling::td[1]")).to_have_text("5000.00")
    expect(page.locator("text=销售总额").locator("xpath=following-sibling::td[1]")).to_have_text("6900.00")

    page.goto(f"{live}/order/{order.id}/payment")
    page.fill("#amount", "5000.01")
    page.click("#payment-submit")
    expect(page.locator(".alert-danger, .alert-error")).to_contain_text("回款金额不能大于欠款金额 ¥5000.00")


def test_print_a_shipping_note_with_the_uppercase_total(admin_page, live):
    page = admin_page
    order = make_order(lines=[(make_product("星烛客户管理系统", "2200.00", code="RJ0001", spec="标准版", unit="套"), "1", None),
                              (make_product("电池", "234.40", unit="台"), "1", None)], status=OrderStatus.SHIPPED)
    db.session.commit()
    page.goto(f"{live}/order/{order.id}")
    page.select_option("#print-template", label="发货单：默认发货单（默认）")
    with page.context.expect_page() as printed:
        page.click("#print-button")
    sheet = printed.value
    sheet.wait_for_load_state()
    expect(sheet.locator("h2")).to_have_text("发货单")
    expect(sheet.locator("body")).to_contain_text("合计金额大写：贰仟肆佰叁拾肆元肆角")
    expect(sheet.locator("body")).to_contain_text("¥2434.4")
    expect(sheet.locator("body")).to_contain_text(order.number)
    sheet.screenshot(path="/tmp/e2e-shipping-note.png")


def test_add_an_order_from_the_customer_order_history_tab(admin_page, live):
    page = admin_page
    customer = make_customer("湖北剑杰通达商贸有限公司", contact="林生")
    make_product("来电显示盒", "99.00", code="LD001", spec="一路")
    db.session.commit()
    page.goto(f"{live}/customer/details/?id={customer.id}")
    page.click("#customer-detail-tabs >> text=订单历史")
    page.click("#add-order")
    page.wait_for_load_state("load")
    expect(page.locator("#customer-name")).to_have_text(customer.name)
    expect(page.locator("#receiver_name")).to_have_value("林生")
    page.fill(".order-line >> nth=0 >> .product-search", "LD0")
    page.click(".order-line >> nth=0 >> .lookup-item")
    page.fill(".order-line >> nth=0 >> .line-quantity", "16.08")
    expect(page.locator("#payable")).to_have_text("1591.92")
    page.click("#submit-order")
    expect(page.locator("#order-payable")).to_have_text("¥1,591.92")
    number = page.locator("#order-number").inner_text()
    page.goto(f"{live}/customer/details/?id={customer.id}")
    page.click("#customer-detail-tabs >> text=订单历史")
    history = page.locator(f".customer-order[data-order='{number}']")
    expect(history).to_contain_text("等待审核")
    expect(history).to_contain_text("来电显示盒")
    expect(page.locator("text=销售总额").locator("xpath=following-sibling::td[1]")).to_have_text("0.00")


def test_comprehensive_query_form_filters_and_sums(admin_page, live):
    page = admin_page
    product = make_product("藻蓝色素", "260.00", spec="1*25/桶")
    pending = make_order(lines=[(product, "1.12", None)])
    picking = make_order(lines=[(product, "2", None)], status=OrderStatus.PICKING, paid="100")
    shipped = make_order(lines=[(product, "3", None)], status=OrderStatus.SHIPPED)
    db.session.commit()
    page.click("#crm-menu >> text=订单综合查询")
    page.wait_for_load_state("load")  # the form script joins the ticked statuses on submit
    expect(page.locator("#order-sums [data-sum=payable]")).to_have_text("¥1,591.20")
    page.check("#order-query-form .q-status[value=pending]")
    page.check("#order-query-form .q-status[value=picking]")
    page.click("#q-submit")
    expect(page.locator(f"tr[data-order='{shipped.number}']")).to_have_count(0)
    expect(page.locator(f"tr[data-order='{pending.number}']")).to_be_visible()
    expect(page.locator(f"tr[data-order='{picking.number}']")).to_be_visible()
    expect(page.locator("#order-sums [data-sum=payable]")).to_have_text("¥811.20")
    expect(page.locator("#order-sums [data-sum=debt]")).to_have_text("¥711.20")
    expect(page.locator("#order-query-form .q-status[value=picking]")).to_be_checked()
    page.wait_for_load_state("load")
    page.fill("#q-amount", "500-1000")
    page.click("#q-submit")
    expect(page.locator(f"tr[data-order='{pending.number}']")).to_have_count(0)
    expect(page.locator("#order-sums [data-sum=payable]")).to_have_text("¥520.00")
