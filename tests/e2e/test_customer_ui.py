"""客户管理 in the browser: duplicate refusal, 万能检索, 等待回访, 放弃/领用, import errors, export (manual ch. 4)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.services.customer_demo import make_customer
from models.customers import Customer
from tests.e2e.conftest import ui_login
from tests.helpers import admin, make_employee, make_role

SELLER = ["customer.view", "customer.add", "customer.edit", "follow_up.view", "follow_up.add", "my_customer.view",
          "my_customer.abandon", "my_customer.share", "customer_pool.view", "customer_pool.claim"]


def test_duplicate_mobile_shows_the_manual_message(admin_page, live):
    zhang = make_employee("zhangsan", real_name="张三")
    first = make_customer(zhang, name="北京世纪城有限公司", mobile="13800138000")
    db.session.commit()
    page = admin_page
    page.click("text=客户资料管理")
    page.click("a.nav-link:has-text('添加')")
    page.fill("#name", "另一家公司")
    page.fill("#mobile", "138 0013 8000")
    page.click("#save")
    expect(page.locator("#customer-error")).to_have_text(
        f"手机已存在,客户编号:{first.code},客户名称:北京世纪城有限公司,客服专员:张三")
    page.fill("#mobile", "13900001111")
    page.select_option("#province", "广东省")
    page.select_option("#city", "深圳市")
    page.select_option("#district", "福田区")
    page.click("#save")
    expect(page.locator("table.model-list")).to_contain_text("另一家公司")
    assert db.session.scalar(select(Customer.district).where(Customer.name == "另一家公司")) == "福田区"


def test_universal_search_by_pinyin_initials_and_last_four_digits(admin_page, live):
    make_customer(admin(), name="重庆银河商行", mobile="13632132345")
    make_customer(admin(), name="北京宏达科技公司", mobile="13900007777")
    db.session.commit()
    page = admin_page
    page.fill("#universal-search-input", "cqyhsh")
    page.press("#universal-search-input", "Enter")
    rows = page.locator("table.model-list tbody")
    expect(rows).to_contain_text("重庆银河商行")
    expect(rows).not_to_contain_text("北京宏达科技公司")
    page.fill("#universal-search-input", "7777")
    page.press("#universal-search-input", "Enter")
    expect(rows).to_contain_text("北京宏达科技公司")
    expect(rows).not_to_contain_text("重庆银河商行")


def test_follow_up_with_appointment_appears_in_waiting_list(admin_page, live):
    customer = make_customer(admin(), name="深圳晶显自动化设备有限公司")
    db.session.commit()
    page = admin_page
    page.goto(f"{live}/customer/details/?id={customer.id}")
    page.click("#add-follow-up")
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    page.fill("#contacted_at", (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#content", "电话咨询了TC50自动化设备的采购价格")
    page.fill("#next_contact_at", (now - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#next_goal", "去客户处签订合同")
    page.click("#save-follow-up")
    expect(page.locator("#follow-up-table")).to_contain_text("电话咨询了TC50自动化设备的采购价格")
    page.click("text=等待回访客户")
    expect(page.locator("table.model-list")).to_contain_text("深圳晶显自动化设备有限公司")
    expect(page.locator("table.model-list")).to_contain_text("去客户处签订合同")


def test_abandon_then_claim_as_another_employee(page, live):
    role = make_role("销售员", SELLER, scopes={"customer": "self"})
    zhang = make_employee("zhangsan", role=role, real_name="张三")
    make_employee("lisi", role=role, real_name="李四")
    make_customer(zhang, name="张三的客户")
    db.session.commit()
    ui_login(page, live, "zhangsan", "secret#123")
    page.click("text=我的客户列表")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[data-action=abandon]")
    expect(page.locator(".alert")).to_contain_text("已进入公共客户池")
    page.click("text=退出系统")
    ui_login(page, live, "lisi", "secret#123")
    page.click("text=公共客户管理")
    expect(page.locator("table.model-list")).to_contain_text("张三的客户")
    page.click("button[data-action=claim]")
    expect(page.locator(".alert")).to_contain_text("已领用客户“张三的客户”")
    page.click("text=我的客户列表")
    page.click("text=我的领用")
    expect(page.locator("table.model-list")).to_contain_text("张三的客户")


def test_import_shows_the_bad_rows_error(admin_page, live, tmp_path):
    page = admin_page
    page.click("text=客户资料导入")
    with page.expect_download() as download:
        page.click("#download-template")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    workbook = load_workbook(template)
    sheet = workbook.active
    headers = [c.value for c in sheet[1]]
    for name, mobile in (("北京卡特新网络有限公司", "13212344321"), ("", "13212344322")):
        row = [None] * len(headers)
        row[headers.index("客户名称")] = name
        row[headers.index("联系手机")] = mobile
        sheet.append(row)
    workbook.save(template)
    page.set_input_files("#import-file", str(template))
    page.click("#import-check")
    expect(page.locator("#import-summary")).to_contain_text("可以导入 1 行")
    expect(page.locator("#import-errors")).to_contain_text("客户名称不能为空")
    expect(page.locator("#import-errors tbody tr td").first).to_have_text("3")  # the row number in the sheet
    page.click("#import-start")
    expect(page.locator("#job-message")).to_contain_text("成功导入 1 个客户")


def test_export_and_read_the_file_back(admin_page, live, tmp_path):
    make_customer(admin(), name="=HYPERLINK(\"evil\")", contact_name="陈平", mobile="13632132345")
    make_customer(admin(), name="北京成多科技有限公司", contact_name="陈丽", mobile="13212344321")
    db.session.commit()
    page = admin_page
    page.click("text=客户资料管理")
    with page.expect_download() as download:
        page.click("#export-xlsx")
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["客户资料", "联系人"]
    names = [row[1] for row in workbook["客户资料"].iter_rows(min_row=2, values_only=True)]
    assert "北京成多科技有限公司" in names and "=HYPERLINK(\"evil\")" in names
    contacts = [row[2] for row in workbook["联系人"].iter_rows(min_row=2, values_only=True)]
    assert sorted(contacts) == ["陈丽", "陈平"]




def test_share_a_customer_then_take_the_share_back(page, live):
    role = make_role("销售员", SELLER + ["customer_share.view"], scopes={"customer": "self"})
    zhang = make_employee("zhangsan", role=role, real_name="张三")
    make_employee("lisi", role=role, real_name="李四")
    make_customer(zhang, name="张三的共享客户")
    db.session.commit()
    ui_login(page, live, "zhangsan", "secret#123")
    page.click("text=我的客户列表")
    page.click("table.model-list a:has-text('共享')")
    page.check("#share-form label:has-text('李四')")
    page.click("#share-form button[type=submit]")
    expect(page.locator(".alert")).to_contain_text("已将客户“张三的共享客户”共享给 1 位员工")
    page.click("text=退出系统")
    ui_login(page, live, "lisi", "secret#123")
    page.click("#crm-menu >> text=共享客户列表")
    expect(page.locator("table.model-list")).to_contain_text("张三的共享客户")  # 共享给我
    page.click("table.model-list a:has-text('张三的共享客户')")
    expect(page.locator("body")).to_contain_text("张三的共享客户")  # the shared customer's detail page opens
    page.click("text=退出系统")
    ui_login(page, live, "zhangsan", "secret#123")
    page.click("#crm-menu >> text=共享客户列表")
    page.click("text=我的共享")
    expect(page.locator("table.model-list")).to_contain_text("李四")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.wait_for_load_state("load")  # the confirmation is crm-ui.js's, loaded at the end of the page
    page.click("button[data-action=unshare]")
    expect(page.locator("table.model-list")).not_to_contain_text("张三的共享客户")
    assert asked == ["确定取消共享该客户吗？"]


def test_bulk_change_of_customer_category(admin_page, live):
    first = make_customer(admin(), name="北京成多科技有限公司")
    second = make_customer(admin(), name="重庆银河商行")
    make_customer(admin(), name="不选的客户")
    db.session.commit()
    page = admin_page
    page.click("text=客户资料管理")
    for customer in (first, second):
        page.check(f"input.action-checkbox[value='{customer.id}']")
    page.click("a.dropdown-toggle:has-text('批量操作')")
    page.click(".dropdown-menu a:has-text('批量修改客户类别')")
    expect(page.locator("#bulk-form")).to_contain_text("已选择 2 个客户")
    page.select_option("#target", label="正式客户")
    page.click("#bulk-form button[type=submit]")
    expect(page.locator(".alert")).to_contain_text("已批量修改客户类别 2 个客户")
    db.session.expire_all()
    categories = {c.name: c.category.name for c in db.session.scalars(select(Customer))}
    assert categories["北京成多科技有限公司"] == categories["重庆银河商行"] == "正式客户"
    assert categories["不选的客户"] != "正式客户"
