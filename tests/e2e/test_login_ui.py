"""Logging in through the captcha form, and the refusals a user sees (manual ch. 2)."""

from playwright.sync_api import expect

from app.extensions import db
from app.security.permissions import MODULE_ORDER
from tests.e2e.conftest import ui_login
from tests.helpers import make_employee, make_role


def test_admin_logs_in_and_sees_the_menu_in_manual_order(page, live):
    page.goto(f"{live}/login")
    expect(page.locator("#captcha-img")).to_be_visible()
    ui_login(page, live)
    expect(page.locator(".crm-user")).to_contain_text("系统管理员")
    titles = page.locator(".crm-menu-title").all_inner_texts()
    assert {"客户管理", "订单管理", "产品管理", "系统设置", "库存管理"} <= set(titles)
    assert titles == [module for module in MODULE_ORDER if module in titles]  # the manual's order
    page.screenshot(path="/tmp/e2e-home.png")


def test_disabled_and_roleless_accounts_are_told_why(page, live):
    role = make_role("测试角色", ["product.view"])
    make_employee("zhangsan", role=role, enabled=False)
    make_employee("lisi", role=None)
    db.session.commit()
    ui_login(page, live, "zhangsan", "secret#123")
    expect(page.locator("#login-error")).to_have_text("该账号已停用，无法登录，请联系管理员")
    ui_login(page, live, "lisi", "secret#123")
    expect(page.locator("#login-error")).to_contain_text("该账号没有设置角色")


def test_wrong_captcha_then_lockout_after_five_wrong_passwords(page, live):
    ui_login(page, live, captcha="ZZZZ")
    expect(page.locator("#login-error")).to_have_text("验证码错误，请重新输入")
    for _ in range(5):
        ui_login(page, live, password="wrong-password")
        expect(page.locator("#login-error")).to_have_text("登录失败！用户名或密码错误！")
    ui_login(page, live)  # right password, but locked now
    expect(page.locator("#login-error")).to_contain_text("已锁定 15 分钟")
