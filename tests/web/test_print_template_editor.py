"""模板管理 editor: the placeholder picker per template type, and 预览 of unsaved edits (POST) with example data or a
real order in the user's scope, sanitised; bad input gets a clear message and nothing is saved."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.services.errors import ValidationFailed
from app.services.orders import print_preview, quotes
from app.services.orders.lines import LineInput
from models.orders import OrderStatus
from models.print_templates import PrintTemplate, TemplateKind
from tests.helpers import PASSWORD, admin, login, make_employee, make_role
from tests.order_factories import make_customer, make_order, make_product

EDITOR = ["print_template.view", "print_template.edit", "order.view"]


def editor(username="designer", permissions=EDITOR):
    role = make_role(f"角色{username}", permissions, scopes={"order": "self", "customer": "self"})
    return make_employee(username, role=role, real_name=f"模板{username}")


def draft(**overrides):
    return {"kind": "picking", "name": "草稿", "header_html": "<h2>配货单</h2><p>客户：{$CustomerName$}</p>",
            "lines_html": "<table><tr><td>{$ProductName$}</td><td>{$Quantity$}</td></tr></table>",
            "footer_html": "<p>{$TotalAmountUpper$}</p>", **overrides}


def test_edit_page_has_the_picker_the_editors_and_preview(client):
    template = db.session.scalar(select(PrintTemplate).where(PrintTemplate.name == "默认配货单"))
    db.session.commit()
    login(client)
    html = client.get(f"/print-template/edit/?id={template.id}").get_data(as_text=True)
    assert 'id="placeholder-picker"' in html and html.count('data-print-editor="') == 3
    assert 'data-print-editor="table"' in html  # 产品明细 opens as source
    for kind in ("picking", "shipping", "quote"):
        assert f'data-kind="{kind}"' in html
    assert 'data-placeholder="{$OrderCode$}"' in html and 'data-placeholder="{$QuoteCode$}"' in html
    assert 'data-placeholder="{$ProductName$}"' in html and ">产品明细字段<" in html
    assert 'formaction="/print-template/preview"' in html and 'formtarget="_blank"' in html
    assert "vendor/quill/quill.js" in html and "js/print_template_editor.js" in html
    assert 'data-placeholder="{$OrderCode$}"' in client.get("/print-template/new/").get_data(as_text=True)


def test_preview_of_unsaved_edits_with_example_data_saves_nothing(client):
    db.session.commit()
    count = db.session.scalar(select(func.count(PrintTemplate.id)))
    login(client)
    response = client.post("/print-template/preview", data=draft())
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "示例数据" in html
    assert "客户：安徽佑逸管业有限公司" in html and "栀子黄色素" in html and "陆佰陆拾元整" in html and "{$" not in html
    assert db.session.scalar(select(func.count(PrintTemplate.id))) == count


def test_preview_with_a_real_order_is_sanitised(client):
    order = make_order(customer=make_customer("成都知客网络技术有限公司"), status=OrderStatus.PICKING)
    db.session.commit()
    login(client)
    data = draft(header_html='<h2 onclick="x()">配货单</h2><script>alert(1)</script><p>客户：{$CustomerName$}</p>'
                             '<a href="javascript:alert(1)">链接</a>')
    html = client.post("/print-template/preview", data={**data, "preview_number": order.number.lower()}
                       ).get_data(as_text=True)
    assert f"订单 {order.number}" in html and "客户：成都知客网络技术有限公司" in html and "蛋白糖100倍" in html
    page = html[html.find('<div class="print-page">'):]
    assert "<script>" not in page and "onclick" not in page and "javascript:" not in page


def test_preview_refuses_bad_input_with_a_clear_message(client):
    make_order()
    db.session.commit()
    login(client)
    cases = [(draft(kind="bogus"), 400, "请选择模板类型"),
             ({**draft(), "preview_number": "XS2099010100001"}, 404, "订单不存在或不在您的查看范围内"),
             ({**draft(kind="quote"), "preview_number": "BJ2099010100001"}, 404, "报价单不存在或不在您的查看范围内")]
    for data, code, message in cases:
        response = client.post("/print-template/preview", data=data)
        assert response.status_code == code and message in response.get_data(as_text=True), message


def test_preview_keeps_to_the_order_scope_and_permissions(client):
    me = editor()
    editor("looker", ["print_template.view"])
    mine = make_order(customer=make_customer("我的客户", owner=me), actor=admin(), owner_id=me.id)
    other = make_order(customer=make_customer("别人的客户"))
    db.session.commit()
    login(client, "designer", PASSWORD)
    html = client.post("/print-template/preview", data={**draft(), "preview_number": mine.number}).get_data(as_text=True)
    assert "客户：我的客户" in html
    response = client.post("/print-template/preview", data={**draft(), "preview_number": other.number})
    assert response.status_code == 404 and "别人的客户" not in response.get_data(as_text=True)
    client.post("/logout")
    login(client, "looker", PASSWORD)
    assert client.post("/print-template/preview", data=draft()).status_code == 403


def test_saving_from_the_editor_still_sanitises(client):
    login(client)
    client.post("/print-template/new/", data=draft(name="编辑器配货单", footer_html='<p class="ql-align-center">'
                                                    '{$TotalAmountUpper$}<img src="x" onerror="alert(1)"></p>'))
    saved = db.session.scalar(select(PrintTemplate).where(PrintTemplate.name == "编辑器配货单"))
    assert saved.kind == TemplateKind.PICKING
    assert saved.footer_html == '<p class="ql-align-center">{$TotalAmountUpper$}<img src="x"></p>'


def test_an_over_long_part_is_refused_before_rendering(db):
    with pytest.raises(ValidationFailed, match="产品明细内容过长"):
        print_preview.draft(TemplateKind.PICKING, "", "x" * 20001, "")


def test_preview_of_a_quote_template_with_a_real_quote(client):
    customer, product = make_customer("深圳鼎显自动化设备有限公司"), make_product("星烛客户管理系统", "2200.00")
    quote = quotes.create_quote(quotes.QuoteInput(customer.id, [LineInput(product.id, "1")], "陈军", "13798497581"),
                                admin())
    db.session.commit()
    login(client)
    data = draft(kind="quote", header_html="<p>{$QuoteCode$} {$CustomerName$} {$ContactName$}</p>",
                 footer_html="<p>{$TotalAmountUpper$}</p>", preview_number=quote.number)
    html = client.post("/print-template/preview", data=data).get_data(as_text=True)
    assert f"{quote.number} 深圳鼎显自动化设备有限公司 陈军" in html and "贰仟贰佰元整" in html
    data["preview_number"] = "XS2015030500001"  # an order number is no quote
    assert client.post("/print-template/preview", data=data).status_code == 404
