"""分配权限 in the browser: ticking a screen in the tree makes its menu appear for that role's staff."""

from playwright.sync_api import expect

from app.extensions import db
from tests.e2e.conftest import ui_login
from tests.helpers import PASSWORD, make_employee, make_role


def test_permission_ticked_in_the_tree_shows_the_menu(page, second_page, live):
    role = make_role("库房助理", ["product.view"])
    make_employee("cangku", role=role, real_name="仓库小王")
    db.session.commit()

    ui_login(page, live)
    page.click("#crm-menu >> text=系统角色管理")
    page.locator("table.model-list tbody tr", has_text="库房助理").locator("text=分配权限").click()
    expect(page.locator("#role-name")).to_have_text("库房助理")
    page.check("input[data-code='warehouse.view']")
    page.check("input[data-code='supplier.view']")
    page.click("text=保存权限")
    expect(page.locator(".alert-success")).to_contain_text("角色“库房助理”的权限已保存")

    other = second_page
    ui_login(other, live, "cangku", PASSWORD)
    menu = other.locator("#crm-menu")
    expect(menu).to_contain_text("仓库信息管理")
    expect(menu).to_contain_text("供应商管理")
    expect(menu).not_to_contain_text("员工信息管理")
    other.goto(f"{live}/employee/")
    expect(other.locator(".error-message")).to_have_text("您没有执行此操作的权限")
