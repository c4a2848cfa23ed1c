"""Item 10: an order's text cannot become a live link or script in a print template, whatever
attribute or text position its placeholder sits in."""

from html.parser import HTMLParser

import pytest

from app.extensions import db as _db
from models.print_templates import PrintTemplate, TemplateKind
from tests.order_factories import make_order
from tests.security.conftest import secure_login

TEMPLATE = ('<p>备注：{$Remark$}</p><a href="{$Remark$}" title="{$Remark$}">备注链接</a>'
            '<img src="{$Remark$}" alt="{$Remark$}"><a href="https://example.com/{$OrderCode$}">订单</a>')
REMARKS = ["javascript:alert(1)//", " JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>",
           "vbscript:msgbox(1)", '"><script>alert(1)</script>', "' onmouseover='alert(1)",
           "java&#x09;script:alert(1)"]


def _tags(html: str) -> list[tuple[str, list]]:
    """Tags and attributes as a browser's parser sees them (entities decoded)."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


def _print_url(app, order_id):
    rule = next(r.rule for r in app.url_map.iter_rules() if r.rule.endswith("/<int:order_id>/print"))
    return rule.replace("<int:order_id>", str(order_id))


@pytest.mark.parametrize("remark", REMARKS)
def test_placeholders_in_links_carry_no_script(app, client, db, remark):
    template = PrintTemplate(kind=TemplateKind.PICKING, name="带链接的配货单", header_html=TEMPLATE,
                             lines_html="", footer_html="", is_default=True)
    _db.session.add(template)
    order = make_order()
    order.remark = remark  # as saved through the order form (备注 is free text)
    _db.session.commit()
    secure_login(client)
    response = client.get(_print_url(app, order.id), query_string={"kind": "picking", "template_id": template.id})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    body = html[html.find("备注："):html.rfind('<script src="/static/crm-ui.js">')]  # the page's own script stays
    tags = _tags(body)
    assert "script" not in {tag for tag, _ in tags}
    for tag, attrs in tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)  # no event handler
            if name in ("href", "src"):
                assert not (value or "").strip().lower().startswith(("javascript:", "data:", "vbscript:")), value
    assert "https://example.com/" + order.number in body  # ordinary links still work


def test_preview_of_unsaved_edits_needs_the_csrf_token(client, db):
    from tests.security.conftest import post

    secure_login(client)
    data = {"kind": "picking", "header_html": "<p>{$OrderCode$}</p>", "lines_html": "", "footer_html": ""}
    assert client.post("/print-template/preview", data=data).status_code == 400
    response = post(client, "/print-template/preview", data=data)
    assert response.status_code == 200 and "XS2015030500001" in response.get_data(as_text=True)
