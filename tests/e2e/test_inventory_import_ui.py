"""导入实盘数量 and the template-based 打印 in the browser: download the 盘点 template, upload it filled in, then print
an approved 采购进货单 through its seeded template."""

from io import BytesIO

from openpyxl import load_workbook
from playwright.sync_api import expect

from app.extensions import db
from tests.inventory_factories import make_purchase, make_stocktake
from tests.order_factories import make_product


def test_import_counts_from_the_downloaded_template_and_print_a_purchase(admin_page, live, tmp_path):
    page = admin_page
    item = make_product("热灸油", price="30.00", code="rjy", spec="100ml", unit="瓶")
    purchase = make_purchase([(item, 10, "100.00")], approve=True)
    sheet = make_stocktake()
    db.session.commit()

    page.goto(f"{live}/stocktake-pages/{sheet.id}/edit")
    with page.expect_download() as download:
        page.click("#stocktake-import-template")
    book = load_workbook(BytesIO(download.value.path().read_bytes()))
    for row in book.active.iter_rows(min_row=2):
        if row[0].value == "rjy":
            row[4].value = 7
    filled = tmp_path / "盘点.xlsx"
    book.save(filled)
    page.set_input_files("#import-file", str(filled))
    page.click("#stocktake-import-submit")
    expect(page.locator(".alert-success")).to_contain_text(f"盘点单 {sheet.number} 已导入")
    expect(page.locator("#stocktake-lines tr[data-code='rjy'] .result")).to_have_text("盘负")
    page.screenshot(path="/tmp/e2e-stocktake-import.png", full_page=True)

    page.goto(f"{live}/purchase-pages/{purchase.id}/print")
    expect(page.locator(".print-page")).to_contain_text("合计金额大写：壹仟元整")
    expect(page.locator("#print-toolbar")).to_contain_text("默认采购进货单")
    page.screenshot(path="/tmp/e2e-purchase-print.png", full_page=True)
