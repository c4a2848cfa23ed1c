"""打印模板: placeholders, repeated product rows, uppercase RMB totals and sanitised HTML."""

from decimal import Decimal

import pytest

from app.services.errors import ValidationFailed
from app.services.orders import printing
from app.services.orders.workflow import transition
from models.orders import OrderStatus
from models.print_templates import PrintTemplate, TemplateKind
from tests.helpers import admin
from tests.order_factories import make_order, make_product


@pytest.mark.parametrize(("amount", "upper"), [
    ("660", "陆佰陆拾元整"), ("2434.40", "贰仟肆佰叁拾肆元肆角"), ("2200", "贰仟贰佰元整"), ("0.05", "伍分"),
    ("1001.05", "壹仟零壹元零伍分"), ("-336", "负叁佰叁拾陆元整")])
def test_uppercase_rmb(amount, upper):
    assert printing.amount_upper(Decimal(amount)) == upper


def test_default_shipping_template_prints_figure_5_16(db):
    order = make_order(lines=[(make_product("星烛客户管理系统", "2200.00", code="RJ0001", spec="标准版", unit="套"), "1", None)],
                       status=OrderStatus.PICKING)
    transition(order, "ship", admin())
    html = str(printing.render_order(printing.pick_template(TemplateKind.SHIPPING), order))
    assert "发货单" in html and order.number in html and "货运单" in html
    assert "<td style=\"border:1px solid #333;padding:4px\">RJ0001</td>" in html
    assert "合计金额大写：贰仟贰佰元整" in html and "¥2200" in html
    assert "{$" not in html


def test_product_row_repeats_per_line_and_values_are_escaped(db):
    order = make_order(lines=[(make_product("<b>粗</b>", "1.00"), "2", None), (make_product("B", "3.00"), "1", None)],
                       texts={"receiver_name": "<script>x</script>"})
    template = PrintTemplate(kind=TemplateKind.PICKING, name="测试", header_html="<p>{$Receiver$}</p>",
                             lines_html="<table><tr><th>名称</th></tr><tr><td>{$RowNo$}.{$ProductName$}</td></tr></table>",
                             footer_html="<p>{$TotalAmountUpper$} {$Unknown$}</p>")
    html = str(printing.render_order(template, order))
    assert "<td>1.&lt;b&gt;粗&lt;/b&gt;</td>" in html and "<td>2.B</td>" in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "伍元整" in html and "{$Unknown$}" in html


def test_saving_a_template_strips_script_and_event_handlers(db):
    template = PrintTemplate(kind=TemplateKind.PICKING, name="恶意模板",
                             header_html='<h2 onclick="steal()" style="color:red;background:url(javascript:x)">配货单</h2>'
                                         '<script>alert(1)</script><img src="javascript:alert(1)" onerror="x()">',
                             lines_html="<table><tr><td>{$ProductName$}</td></tr></table>",
                             footer_html='<a href="javascript:alert(1)">链接</a><iframe src="http://x"></iframe>')
    printing.save_template(template)
    stored = template.header_html + template.footer_html
    for bad in ("<script", "onclick", "onerror", "javascript:", "<iframe", "background"):
        assert bad not in stored
    assert '<h2 style="color:red">配货单</h2>' in template.header_html


def test_one_default_template_per_kind(db):
    first = printing.pick_template(TemplateKind.PICKING)
    second = printing.save_template(PrintTemplate(kind=TemplateKind.PICKING, name="第二个", is_default=True))
    assert second.is_default and not first.is_default
    assert printing.pick_template(TemplateKind.PICKING) is second
    assert printing.pick_template(TemplateKind.SHIPPING).is_default


def test_template_name_is_required(db):
    with pytest.raises(ValidationFailed, match="模板名称不能为空"):
        printing.save_template(PrintTemplate(kind=TemplateKind.QUOTE, name=" "))
