"""Item 5: a user-supplied return URL is never rendered as a link without the same check."""

import re
from html import unescape
from urllib.parse import quote

import pytest

from app.services.customer_demo import make_customer
from tests.helpers import admin
from tests.security.conftest import EVIL, assert_links_local, secure_login

PAGES = ["/customer/bulk/category?ids={id}", "/customer/bulk/source?ids={id}", "/customer/bulk/assign?ids={id}",
"/follow-up/new/?customer_id={id}", "/customer/edit/?id={id}",
         "/customer/new/?x=1", "/warehouse/new/?x=1"]


@pytest.mark.parametrize("screen_url", PAGES)
def test_the_cancel_link_never_carries_a_crafted_url(client, db, screen_url):
    customer = make_customer(admin(), name="被攻击的客户")
    db.session.commit()
    secure_login(client)
    for target in ["javascript:alert(document.domain)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
                   "data:text/html,<script>alert(1)</script>", *EVIL]:
        response = client.get(screen_url.format(id=customer.id) + "&url=" + quote(target, safe=""))
        assert response.status_code == 200, (screen_url, response.status_code)
        html = response.get_data(as_text=True)
        assert_links_local(html)
        assert "alert(" not in html.replace("&#39;", "'"), (screen_url, target)


def test_bulk_cancel_link_is_the_list(client, db):
    customer = make_customer(admin(), name="被攻击的客户")
    db.session.commit()
    secure_login(client)
    html = client.get(f"/customer/bulk/category?ids={customer.id}&url=javascript:alert(document.domain)"
                      ).get_data(as_text=True)
    cancel = re.search(r'<a class="btn btn-link" href="([^"]*)">取消</a>', html)
    assert cancel and unescape(cancel.group(1)) == "/customer/"
    hidden = re.search(r'name="url" value="([^"]*)"', html)
    assert hidden and unescape(hidden.group(1)) == "/customer/"
