"""模板管理 and 订单打印 in the browser: a placeholder from the picker, 预览 of unsaved edits with a real order,
保存, then printing the order with the edited template."""

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from models.orders import OrderStatus
from models.print_templates import PrintTemplate
from tests.order_factories import make_customer, make_order


def _template(name):
    db.session.expire_all()
    return db.session.scalar(select(PrintTemplate).where(PrintTemplate.name == name))


def test_edit_with_the_picker_preview_save_and_print(admin_page, live):
    page = admin_page
    order = make_order(customer=make_customer("成都知客网络技术有限公司", contact="张先生"), status=OrderStatus.PICKING)
    db.session.commit()
    before = _template("默认配货单")
    page.goto(f"{live}/order-print/")
    page.click("#order-list-tabs >> text=模板管理")
    page.locator("tr", has_text="默认配货单").locator("a[title='编辑记录']").click()

    footer = page.locator("[data-part=footer_html]")
    expect(footer).to_have_attribute("data-mode", "visual")  # no table: the rich-text editor
    expect(page.locator("[data-part=lines_html]")).to_have_attribute("data-mode", "source")  # the table stays source
    expect(page.locator("[data-part=header_html] .print-part-note")).to_contain_text("此部分含表格")
    editor = footer.locator(".ql-editor")
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" 客户：")
    page.locator("#placeholder-picker [data-placeholder='{$CustomerName$}']:visible").click()
    expect(editor).to_contain_text("客户：{$CustomerName$}")
    expect(page.locator("#placeholder-picker [data-placeholder='{$QuoteCode$}']:visible")).to_have_count(0)

    header = page.locator("#header_html")
    header.evaluate("area => { area.focus(); area.setSelectionRange(area.value.length, area.value.length); }")
    page.locator("#placeholder-picker [data-placeholder='{$Warehouse$}']:visible").click()
    expect(header).to_have_value(before.header_html + "{$Warehouse$}")
    page.screenshot(path="/tmp/e2e-template-editor.png", full_page=True)

    page.fill("#preview_number", order.number)
    with page.context.expect_page() as previewed:
        page.click("#preview-template")
    sheet = previewed.value
    sheet.wait_for_load_state()
    expect(sheet.locator("#preview-caption")).to_contain_text(order.number)
    expect(sheet.locator("body")).to_contain_text("客户：成都知客网络技术有限公司")
    expect(sheet.locator("body")).to_contain_text("合计金额大写：陆佰陆拾元整")
    sheet.close()
    assert "{$CustomerName$}" not in _template("默认配货单").footer_html  # 预览 saves nothing

    page.click("#save-template")
    expect(page.locator(".alert-success")).to_be_visible()
    saved = _template("默认配货单")
    assert saved.footer_html == "<p>说明：对配货单信息如有疑问，请拨打电话 0379-65508337 客户：{$CustomerName$}</p>"
    assert saved.header_html.endswith("{$Warehouse$}")
    assert saved.lines_html == before.lines_html  # the source-mode table is kept as it was

    page.goto(f"{live}/order-print/")
    page.locator("tr", has_text=order.number).locator("input.print-pick").check()
    page.select_option("#print-template", label="配货单：默认配货单（默认）")
    with page.context.expect_page() as printed:
        page.click("#print-button")
    sheet = printed.value
    sheet.wait_for_load_state()
    expect(sheet.locator(".print-page")).to_have_count(1)
    expect(sheet.locator("body")).to_contain_text(order.number)
    expect(sheet.locator("body")).to_contain_text("客户：成都知客网络技术有限公司")
    sheet.screenshot(path="/tmp/e2e-order-print.png")


def test_printing_with_nothing_ticked_says_so(admin_page, live):
    page = admin_page
    make_order(status=OrderStatus.PICKING)
    db.session.commit()
    page.goto(f"{live}/order-print/")
    messages = []
    page.on("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    page.click("#print-button")
    page.wait_for_timeout(300)
    assert messages == ["请先勾选要打印的订单"] and len(page.context.pages) == 1
    page.check("#print-toggle-all")
    expect(page.locator("input.print-pick:checked")).to_have_count(1)
    page.screenshot(path="/tmp/e2e-order-print-list.png", full_page=True)
