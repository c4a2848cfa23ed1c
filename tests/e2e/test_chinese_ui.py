"""A Chinese-only UI (issue 11.5): every menu page, its create form and one 详情 page carry no English word.

Words that are data (usernames, codes, e-mail addresses), brand or protocol names and units are
allowed; everything else a Flask-Admin string or a widget puts on the screen must be Chinese.
"""

import re

from playwright.sync_api import expect

from app.extensions import db
from tests.order_factories import make_customer, make_product

ALLOWED = {
    "Email", "E-mail", "QQ", "SMTP", "SSL", "TLS", "POP", "IMAP", "Excel", "URL", "IP", "ID", "SMS", "KG", "CSV",
    "XLSX", "PDF", "HTML", "admin", "Admin", "ICS", "iCalendar", "API", "Key", "AccessKey", "Secret",
    "AppID", "OA", "MSSQL", "SQLite", "PostgreSQL", "SQL", "Server", "S3", "Redis", "CT", "XS", "BJ", "JH", "PD",
    "GD", "LP", "RMB", "STARTTLS", "AccessKeyId", "chinese-calendar",
    # file formats named in upload hints
    "jpg", "jpeg", "gif", "png", "bmp", "rar", "zip", "txt", "doc", "docx", "xls", "xlsx", "ppt", "pptx",
}
# Data the seeded database shows: codes and numbers (letters followed by digits), addresses, usernames.
DATA = re.compile(r"\b[A-Za-z]+[-_]?\d[\w-]*|\b[\w.+-]+@[\w.-]+|\bhttps?://\S+|\{\$\w+\$\}"
                  r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)+\b|chinese-calendar")
WORD = re.compile(r"[A-Za-z][A-Za-z']+")

SCAN = """() => {
  const SKIP = 'script,style,noscript,desc,[data-crm-data],.crm-data,td.col-code,td.col-number,td.col-user_agent';
  const parts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || el.closest(SKIP)) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    parts.push(node.textContent);
  }
  document.querySelectorAll('[title],[placeholder],[aria-label],input[type=submit],input[type=button]').forEach(el => {
    if (el.closest('[data-crm-data]')) return;
    ['title', 'placeholder', 'aria-label'].forEach(a => { if (el.getAttribute(a)) parts.push(el.getAttribute(a)); });
    if (el.matches('input[type=submit],input[type=button]')) parts.push(el.value);
  });
  return parts.join('\\n');
}"""


def english_words(text: str, data=frozenset()) -> set[str]:
    text = DATA.sub(" ", text)
    return {w for w in WORD.findall(text) if w not in ALLOWED and w not in data}


def _seed() -> frozenset[str]:
    """Seeded records; returns their data words (pinyin initials shown in lists and the change log)."""
    customer = make_customer(name="深圳晶显电子有限公司")
    product = make_product(name="蛋白糖100倍")
    db.session.commit()
    return frozenset({customer.pinyin, product.pinyin} - {None})


def _menu_urls(page) -> list[str]:
    return page.eval_on_selector_all("#crm-menu a", "els => els.map(e => e.href)")


def test_every_menu_page_is_chinese(admin_page, live):
    data = _seed()
    page = admin_page
    found: dict[str, set[str]] = {}

    def scan(url):
        response = page.goto(url)
        assert response.status < 500, url
        words = english_words(page.evaluate(SCAN), data)
        if words:
            found[url.replace(live, "")] = words

    menu = _menu_urls(page)
    assert len(menu) > 40
    for url in menu:
        scan(url)
        extra = []
        create = page.locator("main a[href*='/new/']").first
        if create.count():
            extra.append(create.get_attribute("href"))
        details = page.locator("main a[href*='/details/']").first
        if details.count():
            extra.append(details.get_attribute("href"))
        for href in extra:
            scan(href if href.startswith("http") else live + href)
    for url in ("/account/password", "/account/reminders"):
        scan(live + url)
    assert found == {}


def test_page_size_menu_says_tiao(admin_page, live):
    _seed()
    page = admin_page
    page.goto(f"{live}/product/")
    menu = page.locator("a.dropdown-toggle", has_text="每页")
    expect(menu).to_have_text("每页20条")
    menu.click()
    page.locator(".dropdown-menu.show a", has_text="每页50条").click()
    expect(page.locator("#pager-summary")).to_contain_text("每页50条")
    expect(page.locator("a.dropdown-toggle", has_text="每页")).to_have_text("每页50条")
