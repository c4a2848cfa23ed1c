"""员工信息管理 and 修改密码 in the browser (manual 3.7, 9.1)."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import ui_login
from tests.helpers import ADMIN_PASSWORD


def test_add_employee_log_in_as_them_then_disable(admin_page, live, second_page):
    page = admin_page
    page.click("#crm-menu >> text=员工信息管理")
    page.click("text=添加")
    page.fill("#username", "wangwu")
    page.fill("#real_name", "王五")
    page.fill("#password", "123")
    page.select_option("#role", label="销售一部销售员", force=True)  # select2 hides the <select>
    page.click("input[type=submit][value='保存']")
    expect(page.locator(".alert-danger").first).to_contain_text("密码至少需要 8 个字符")
    page.fill("#password", "Wangwu#2026")
    page.click("input[type=submit][value='保存']")
    expect(page.locator(".alert-success")).to_contain_text("添加成功")
    row = page.locator("table.model-list tbody tr", has_text="wangwu")
    expect(row).to_contain_text("王五")
    expect(row).to_contain_text("销售一部销售员")

    other = second_page
    ui_login(other, live, "wangwu", "Wangwu#2026")
    expect(other.locator(".crm-user")).to_contain_text("王五")
    other.goto(f"{live}/employee/")  # 查看自己: only the own account is listed
    expect(other.locator("table.model-list tbody tr")).to_have_count(1)

    page.once("dialog", lambda dialog: dialog.accept())  # 停用后该账号将无法登录，确定停用吗？
    row.locator("button[data-action=disable]").click()
    expect(page.locator(".alert-success")).to_contain_text("账号“wangwu”已停用")
    other.goto(f"{live}/employee/")
    expect(other).to_have_url(re.compile(r"/login\?next=/employee/"))  # the disabled account's session ends


def test_change_own_password_from_the_header(admin_page, live):
    page = admin_page
    page.click("text=修改密码")
    expect(page.locator("#crm-menu")).to_be_visible()  # the page keeps the left menu
    page.fill("#old_password", "wrong-old")
    page.fill("#new_password", "Admin#2027x")
    page.fill("#confirm_password", "Admin#2027x")
    page.click("#password-form button[type=submit]")
    expect(page.locator("#password-error")).to_have_text("原密码不正确")
    page.fill("#old_password", ADMIN_PASSWORD)
    page.fill("#new_password", "Admin#2027x")
    page.fill("#confirm_password", "Admin#2027x")
    page.click("#password-form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("密码已修改")
    page.click("text=退出系统")
    ui_login(page, live, password="Admin#2027x")
    expect(page.locator(".crm-user")).to_contain_text("系统管理员")
