"""In the browser: a crafted next= after logging in and a javascript: 取消 link lead nowhere but our pages."""

from playwright.sync_api import expect

from app.extensions import db
from app.services.customer_demo import make_customer
from tests.helpers import ADMIN_PASSWORD, TEST_CAPTCHA, admin


def test_login_with_a_crafted_next_ends_on_our_own_page(page, live):
    page.goto(f"{live}/login?next=/%09/evil.example")
    page.fill("#username", "admin")
    page.fill("#password", ADMIN_PASSWORD)
    page.fill("#captcha", TEST_CAPTCHA)
    page.click("button[type=submit]")
    page.wait_for_selector("#crm-menu")
    assert page.url.startswith(live + "/"), page.url
    assert "evil" not in page.url


def test_javascript_cancel_link_is_a_local_path_and_runs_nothing(admin_page, live):
    customer = make_customer(admin(), name="被攻击的客户")
    db.session.commit()
    dialogs = []
    admin_page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    admin_page.goto(f"{live}/customer/bulk/category?ids={customer.id}&url=javascript:alert(document.domain)")
    cancel = admin_page.get_by_role("link", name="取消", exact=True)
    href = cancel.get_attribute("href")
    assert href.startswith("/") and not href.startswith("//"), href
    cancel.click()
    expect(admin_page).to_have_url(f"{live}/customer/")
    assert dialogs == []
    admin_page.screenshot(path="/tmp/e2e-security-cancel.png")


def test_login_then_next_to_a_real_page(page, live):
    page.goto(f"{live}/customer/")
    assert "/login?next=" in page.url
    page.fill("#username", "admin")
    page.fill("#password", ADMIN_PASSWORD)
    page.fill("#captcha", TEST_CAPTCHA)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live}/customer/")

