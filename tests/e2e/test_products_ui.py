"""产品管理 in the browser: category tree, a product, pinyin search, shelf, export (manual 3.3, 3.4)."""

from openpyxl import load_workbook
from playwright.sync_api import expect


def _create_category(page, base, name, parent=None):
    page.goto(f"{base}/product-category/new/")
    page.fill("#name", name)
    if parent:
        page.select_option("#parent", label=parent, force=True)  # select2 hides the <select>
    page.click("input[type=submit][value='保存']")
    expect(page.locator(".alert-success")).to_contain_text("添加成功")


def test_product_catalogue_from_menu_to_export(admin_page, live, tmp_path):
    page = admin_page
    page.click("#crm-menu >> text=产品类别管理")
    expect(page.locator(".crm-breadcrumb")).to_contain_text("产品管理 >> 产品类别管理")
    _create_category(page, live, "电脑数码")
    _create_category(page, live, "笔记本", parent="电脑数码")
    expect(page.locator("table.model-list")).to_contain_text("└ 笔记本")

    page.click("#crm-menu >> text=产品信息管理")
    page.click("text=添加")
    page.fill("#code", "NB-001")
    page.fill("#name", "联想笔记本电脑")
    page.fill("#spec", "ThinkPad X1")
    page.fill("#unit", "台")
    page.fill("#price", "8999.50")
    page.select_option("#category", label="笔记本", force=True)
    page.click("input[type=submit][value='保存']")
    expect(page.locator(".alert-success")).to_contain_text("添加成功")

    page.fill("main input[name=search]", "lxbjb")  # the list's own box, not the top-bar 万能检索
    page.keyboard.press("Enter")
    row = page.locator("table.model-list tbody tr").first
    expect(row).to_contain_text("联想笔记本电脑")
    expect(row).to_contain_text("lxbjbdn")
    expect(row).to_contain_text("上架")

    row.locator("button[data-action=take_off]").click()
    expect(page.locator(".alert-success")).to_contain_text("产品“联想笔记本电脑”已下架")
    expect(page.locator("table.model-list tbody tr").first).to_contain_text("下架")
    page.screenshot(path="/tmp/e2e-products.png", full_page=True)

    with page.expect_download() as download_info:
        page.click("#export-xlsx")
    path = tmp_path / "products.xlsx"
    download_info.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("产品编号", "产品名称")
    assert rows[1][0] == "NB-001" and rows[1][1] == "联想笔记本电脑" and rows[1][7] == "下架"


def test_setting_a_default_customer_category_clears_the_old_default(admin_page, live):
    page = admin_page
    page.click("#crm-menu >> text=客户类别管理")
    old_default = page.locator("table.model-list tbody tr", has_text="潜在客户")
    expect(old_default).to_contain_text("默认")
    page.locator("table.model-list tbody tr", has_text="正式客户").locator("button[data-action=make_default]").click()
    expect(page.locator(".alert-success")).to_contain_text("已将“正式客户”设为默认")
    expect(page.locator("table.model-list tbody tr", has_text="正式客户")).to_contain_text("默认")
    expect(page.locator("table.model-list tbody tr", has_text="潜在客户").locator("td.col-is_default")).to_have_text("")
