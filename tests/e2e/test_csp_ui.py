"""The main screens run under the Content-Security-Policy without a single violation (issue 9, item 8).

Chromium reports every refused inline script, inline event handler or javascript: link both as a
console error and as a `securitypolicyviolation` event; the test collects both while a person's usual
clicks run: login, 我的桌面, customer list / add / detail, bulk menu, filters, order add with its line
editor, order detail, 分配权限, 员工信息管理, print preview and an error page.
"""

import pytest
from playwright.sync_api import expect

from app.extensions import db
from models.accounts import Role
from tests.e2e.conftest import ui_login
from tests.order_factories import make_customer, make_order, make_product

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile + ':' + e.lineNumber);
});
"""


@pytest.fixture()
def watched(page):
    messages = []
    page.on("console", lambda message: messages.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text else None)
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("dialog", lambda dialog: dialog.accept())
    checked = []

    def check(where):
        violations = page.evaluate("window.__cspViolations || []")
        assert not violations and not messages, (where, violations, messages)
        checked.append(where)

    page.check_csp = check
    yield page
    assert checked


def test_main_screens_have_no_csp_violation(watched, live):
    page = watched
    customer = make_customer("安徽佑逸管业有限公司")
    make_product("蛋白糖100倍", "40.00", code="P30")
    order = make_order(customer=customer)
    db.session.commit()
    role_id = db.session.scalar(db.select(Role.id).where(Role.name == "销售一部销售员"))

    response = page.goto(f"{live}/login")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page.click("#captcha-img")  # a new image through crm-ui.js, not an inline handler
    page.check_csp("login")
    ui_login(page, live)
    page.wait_for_selector("#crm-menu")
    page.check_csp("我的桌面")

    page.click("#crm-menu >> text=客户资料管理")
    page.wait_for_load_state("load")  # crm-ui.js, at the end of the page, cancels inert links
    page.click("a.nav-link.active:has-text('列表')")  # Flask-Admin's javascript:void(0) tab
    page.click("a.dropdown-toggle:has-text('添加筛选条件')")
    page.click(".field-filters a.filter >> nth=0")
    expect(page.locator("#filter_form .filter-val").first).to_be_visible()
    page.check_csp("customer list filters")
    page.click("a.dropdown-toggle:has-text('批量操作')")
    page.click(".dropdown-menu a[data-model-action] >> nth=0")  # nothing selected: Flask-Admin's alert
    page.check(f"input.action-checkbox[value='{customer.id}']")
    page.click("a.dropdown-toggle:has-text('批量操作')")
    page.click(".dropdown-menu a:has-text('批量修改客户类别')")
    expect(page.locator("#bulk-form")).to_contain_text("已选择 1 个客户")
    page.check_csp("bulk action")

    page.goto(f"{live}/customer/new/")
    page.wait_for_load_state("load")
    page.check_csp("customer add")
    page.goto(f"{live}/customer/details/?id={customer.id}")
    page.wait_for_load_state("load")
    page.check_csp("customer detail")

    page.click("#crm-menu >> text=等待审核订单")
    page.click("#add-record")
    page.wait_for_load_state("load")
    page.fill("#customer-search", "安徽佑逸")
    page.click("#customer-results .lookup-item")
    page.fill(".order-line >> nth=0 >> .product-search", "蛋白")
    page.click(".order-line >> nth=0 >> .lookup-item")
    page.fill(".order-line >> nth=0 >> .line-quantity", "3")
    page.click("#add-line")
    expect(page.locator(".order-line")).to_have_count(2)
    page.check_csp("order add with its line editor")

    page.goto(f"{live}/order/{order.id}")
    page.wait_for_load_state("load")
    page.check_csp("order detail")

    page.goto(f"{live}/role/permissions/{role_id}")
    page.wait_for_load_state("load")
    page.check_csp("分配权限")
    page.click("#crm-menu >> text=员工信息管理")
    page.wait_for_load_state("load")
    page.check_csp("员工信息管理")
    page.goto(f"{live}/customer/details/?id=999999999")
    page.click("text=返回上一页")
    page.wait_for_load_state("load")
    page.check_csp("error page")
