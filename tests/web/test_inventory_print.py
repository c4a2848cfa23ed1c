"""打印 of 采购进货单, 采购退货单 and 盘点单 through 模板管理's templates (seeded defaults, RMB uppercase, choice)."""

from sqlalchemy import select

from app.extensions import db
from app.services.inventory.flow import STOCKTAKE_FLOW
from app.services.inventory.stocktakes import save_counts
from models.print_templates import PrintTemplate, TemplateKind
from tests.helpers import PASSWORD, admin, login, make_employee, make_role
from tests.inventory_factories import approve, make_purchase, make_return, make_stocktake, product


def default_template(kind):
    return db.session.scalar(select(PrintTemplate).where(PrintTemplate.kind == kind,
                                                         PrintTemplate.is_default.is_(True)))


def page_of(html: str) -> str:
    return html[html.find('<div class="print-page">'):]


def test_each_inventory_kind_has_a_seeded_default_template(db):
    for kind, name in ((TemplateKind.PURCHASE, "默认采购进货单"), (TemplateKind.PURCHASE_RETURN, "默认采购退货单"),
                       (TemplateKind.STOCKTAKE, "默认盘点单")):
        assert default_template(kind).name == name


def test_a_purchase_prints_with_the_seeded_template_and_the_rmb_uppercase_total(client):
    doc = make_purchase([(product("测试产品"), 8, "125.50")], approve=True, remark='<script>alert(1)</script>')
    db.session.commit()
    login(client)
    response = client.get(f"/purchase-pages/{doc.id}/print")
    html = response.get_data(as_text=True)
    page = page_of(html)
    assert response.status_code == 200 and "默认采购进货单" in html  # the toolbar names the template
    assert "采购进货单" in page and f"单号：{doc.number}" in page and "测试产品" in page and "125.50" in page
    assert "合计金额大写：壹仟零肆元整" in page and "¥1004" in page and "{$" not in page
    assert "<script>" not in page and "&lt;script&gt;" in page  # the remark is text


def test_the_print_follows_an_edited_template_and_another_can_be_chosen(client):
    doc = make_purchase([(product(), 2, "10.00")], approve=True)
    template = default_template(TemplateKind.PURCHASE)
    template.header_html = "<h1>我司进货单 {$DocCode$}</h1>"
    other = PrintTemplate(kind=TemplateKind.PURCHASE, name="简版进货单", header_html="<p>简版 {$SupplierName$}</p>",
                          lines_html="<table><tr><td>{$ProductName$}×{$Quantity$}</td></tr></table>",
                          footer_html="<p>{$TotalAmountUpper$}</p>")
    db.session.add(other)
    db.session.commit()
    login(client)
    page = page_of(client.get(f"/purchase-pages/{doc.id}/print").get_data(as_text=True))
    assert f"我司进货单 {doc.number}" in page
    page = page_of(client.get(f"/purchase-pages/{doc.id}/print?template_id={other.id}").get_data(as_text=True))
    assert "简版 " in page and "热灸油×2" in page and "贰拾元整" in page
    quote = default_template(TemplateKind.QUOTE)
    for bad in (quote.id, "abc", 99999999):  # another kind's template or a crafted id
        response = client.get(f"/purchase-pages/{doc.id}/print?template_id={bad}")
        assert response.status_code == 400 and "打印模板不存在" in response.get_data(as_text=True)


def test_a_purchase_return_and_a_stocktake_print_with_their_templates(client):
    item = product("测试产品")
    make_purchase([(item, 9, "20.00")], approve=True)
    back = make_return([(item, 1, "20.00")], approve=True)
    sheet = make_stocktake()
    line = next(line for line in sheet.lines if line.product_id == item.id)
    save_counts(sheet.id, {str(line.id): "10"}, admin())
    db.session.commit()
    login(client)
    page = page_of(client.get(f"/purchase-return-pages/{back.id}/print").get_data(as_text=True))
    assert "采购退货单" in page and back.number in page and "退货日期" in page and "合计金额大写：贰拾元整" in page
    page = page_of(client.get(f"/stocktake-pages/{sheet.id}/print").get_data(as_text=True))
    assert "库存盘点单" in page and sheet.number in page and "盘正" in page and "{$" not in page
    row = page[page.find("测试产品"):]
    assert row.split("</tr>")[0].count(">8<") == 1 and ">10<" in row.split("</tr>")[0]  # book 8, actual 10


def test_without_a_template_of_the_kind_the_print_says_so(client):
    doc = make_purchase([(product(), 1, "10.00")], approve=True)
    sheet = make_stocktake()
    approve(STOCKTAKE_FLOW, sheet)
    for template in db.session.scalars(select(PrintTemplate).where(
            PrintTemplate.kind.in_([TemplateKind.PURCHASE, TemplateKind.STOCKTAKE]))):
        db.session.delete(template)
    db.session.commit()
    login(client)
    response = client.get(f"/purchase-pages/{doc.id}/print")
    assert response.status_code == 400 and "还没有采购进货单模板，请先在模板管理中添加" in response.get_data(as_text=True)
    assert "还没有盘点单模板" in client.get(f"/stocktake-pages/{sheet.id}/print").get_data(as_text=True)


def test_template_management_offers_the_inventory_kinds_and_their_placeholders(client):
    doc = make_purchase([(product("测试产品"), 3, "10.00")], approve=True)
    db.session.commit()
    login(client)
    html = client.get("/print-template/new/").get_data(as_text=True)
    for kind in ("purchase", "purchase_return", "stocktake"):
        assert f'value="{kind}"' in html
    assert 'data-placeholder="{$SupplierName$}"' in html and 'data-placeholder="{$BookQuantity$}"' in html
    client.post("/print-template/new/", data={
        "kind": "purchase", "name": "我的进货单", "header_html": "<p>进货 {$DocCode$}</p><script>x()</script>",
        "lines_html": "<table><tr><td>{$ProductName$}</td></tr></table>", "footer_html": ""})
    saved = db.session.scalar(select(PrintTemplate).where(PrintTemplate.name == "我的进货单"))
    assert saved.kind == TemplateKind.PURCHASE and saved.header_html == "<p>进货 {$DocCode$}</p>"
    draft = {"kind": "purchase", "header_html": "<p>供方 {$SupplierName$} {$DocCode$}</p>",
             "lines_html": "<table><tr><td>{$ProductName$}</td></tr></table>", "footer_html": "{$TotalAmountUpper$}"}
    html = client.post("/print-template/preview", data=draft).get_data(as_text=True)
    assert "示例数据" in html and "JH2015030600001" in html and "陆佰陆拾元整" in html
    html = client.post("/print-template/preview", data={**draft, "preview_number": doc.number}).get_data(as_text=True)
    assert f"采购进货单 {doc.number}" in html and "测试产品" in html and "叁拾元整" in html
    response = client.post("/print-template/preview", data={**draft, "preview_number": "JH2099010100001"})
    assert response.status_code == 404 and "采购进货单不存在或不在您的查看范围内" in response.get_data(as_text=True)


def test_preview_of_a_real_stocktake_needs_its_view_permission(client):
    product()
    sheet = make_stocktake()
    make_employee("designer", role=make_role("角色-designer", ["print_template.view", "print_template.add"]))
    db.session.commit()
    login(client, "designer", PASSWORD)
    draft = {"kind": "stocktake", "header_html": "{$DocCode$}", "lines_html": "", "footer_html": "",
             "preview_number": sheet.number}
    assert client.post("/print-template/preview", data=draft).status_code == 403


def test_the_inventory_lists_link_to_template_management(client):
    login(client)
    for url in ("/purchase/", "/purchase-return-approved/", "/stocktake/"):
        assert 'href="/print-template/"' in client.get(url).get_data(as_text=True), url


def test_the_template_management_tab_needs_its_permission(client):
    make_employee("buyer", role=make_role("角色-buyer", ["purchase.view"]))
    db.session.commit()
    login(client, "buyer", PASSWORD)
    html = client.get("/purchase/").get_data(as_text=True)
    assert "待审采购单" in html and 'href="/print-template/"' not in html
