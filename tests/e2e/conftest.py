"""Browser tests: the real app served on 127.0.0.1 in a thread, driven by Debian's Chromium."""

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import build_schema, make_test_app, reset_data
from tests.helpers import ADMIN_PASSWORD, TEST_CAPTCHA

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Playwright cannot download its own browsers here: use the system Chromium.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "accept_downloads": True,
            "viewport": {"width": 1400, "height": 900}}


@pytest.fixture(autouse=True)
def _no_browser_left_open(browser):
    """Close any browser context a test opened and left open.

    A page left open keeps running its scripts for the rest of the session: the reminder pop-up of a
    logged-out page went on polling the live server, and each answer changed its cookie session while a
    later test was logging in.
    """
    before = set(browser.contexts)
    yield
    for context in browser.contexts:
        if context not in before:
            context.close()


@pytest.fixture()
def second_page(browser, browser_context_args):
    """A page in a browser context of its own (another person at another computer), closed after the test."""
    context = browser.new_context(**browser_context_args)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    application = make_test_app(f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'e2e.db'}",
                                WTF_CSRF_ENABLED=True)
    build_schema(application)
    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    application.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield application
    server.shutdown()


@pytest.fixture()
def live(live_app):
    """Base URL of a freshly seeded app; the test's own app context reads the same database."""
    reset_data(live_app)
    with live_app.app_context():
        yield live_app.config["LIVE_URL"]


def ui_login(page, base_url, username="admin", password=ADMIN_PASSWORD, captcha=TEST_CAPTCHA):
    """Fill the login form as a person would."""
    page.goto(f"{base_url}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.fill("#captcha", captcha)
    page.click("button[type=submit]")


@pytest.fixture()
def admin_page(page, live):
    ui_login(page, live)
    page.wait_for_selector("#crm-menu")
    return page
