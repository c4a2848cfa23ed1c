"""报价单 in the browser: add from the list, 复制, 转为销售 and find the order waiting for approval."""

from playwright.sync_api import expect

from app.extensions import db
from tests.order_factories import make_customer, make_product


def test_add_copy_and_convert_a_quote(admin_page, live):
    page = admin_page
    page.on("dialog", lambda dialog: dialog.accept())
    make_customer("深圳鼎显自动化设备有限公司", contact="陈军", mobile="13798497581")
    make_product("测试产品信息录入", "19000.00", code="PD12442", spec="T450", unit="个")
    db.session.commit()

    page.click("#crm-menu >> text=报价单管理")
    page.click("#add-record")
    page.wait_for_load_state("load")  # the lookup script binds at the end of the page
    page.fill("#customer-search", "深圳鼎显")
    page.click("#customer-results .lookup-item")
    expect(page.locator("#contact_name")).to_have_value("陈军")
    page.fill(".order-line >> nth=0 >> .product-search", "PD124")
    page.click(".order-line >> nth=0 >> .lookup-item")
    page.fill(".order-line >> nth=0 >> .line-price", "18500")
    expect(page.locator("#product-total")).to_have_text("18500.00")
    page.click("#submit-quote")
    expect(page.locator("#quote-total")).to_have_text("¥18,500.00")
    number = page.locator("#quote-number").inner_text()

    page.click("#crm-menu >> text=报价单管理")
    page.locator(f"tr[data-order='{number}'] [data-action=copy]").click()
    expect(page.locator(".alert-success")).to_contain_text(f"已复制报价单 {number}")
    expect(page.locator("#order-sums [data-sum=total]")).to_have_text("¥37,000.00")

    page.locator(f"tr[data-order='{number}'] [data-action=convert]").click()
    message = page.locator(".alert-success")
    expect(message).to_contain_text("已转为销售订单 XS")
    order_number = message.inner_text().split("已转为销售订单 ")[1].split("（")[0]
    expect(page.locator(f"tr[data-order='{number}']")).to_contain_text("已转销售")
    expect(page.locator(f"tr[data-order='{number}'] [data-action=convert]")).to_have_count(0)

    page.click("#crm-menu >> text=等待审核订单")
    row = page.locator(f"tr[data-order='{order_number}']")
    expect(row).to_contain_text("深圳鼎显自动化设备有限公司")
    expect(row).to_contain_text("¥18,500.00")
