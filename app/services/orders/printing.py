"""打印模板 (manual 5.2, 5.3): sanitised HTML parts with {$Placeholder$} fields, rendered per order or quote.

The 产品明细 part is a table; its row that holds a line placeholder ({$ProductName$} ...) is repeated
once per line. Values are HTML-escaped when substituted, and the filled page passes through nh3 (as
does the stored HTML when saved), so neither a template nor an order's text can run script, carry
event handlers or a javascript:/data:/vbscript: link.
"""

import re
from decimal import Decimal

import cn2an
import nh3
from markupsafe import Markup, escape
from sqlalchemy import select, update

from app.extensions import db
from app.services.errors import ValidationFailed
from app.timeutil import format_local
from models.base import utcnow
from models.orders import SalesOrder
from models.print_templates import PrintTemplate, TemplateKind
from models.quotes import Quote

ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"font", "tfoot"}
ALLOWED_ATTRIBUTES = {
    "*": {"style", "class", "align", "valign", "width", "height", "colspan", "rowspan", "border",
          "cellpadding", "cellspacing", "bgcolor"},
    "img": {"src", "alt"},
    "a": {"href", "title"},
    "font": {"size", "color", "face"},
}
ALLOWED_STYLE = {"width", "height", "min-width", "max-width", "text-align", "vertical-align", "font-size",
                 "font-weight", "font-family", "font-style", "color", "background-color", "border", "border-top",
                 "border-bottom", "border-left", "border-right", "border-collapse", "border-color",
                 "border-width", "border-style", "padding", "padding-top", "padding-bottom", "padding-left",
                 "padding-right", "margin", "margin-top", "margin-bottom", "margin-left", "margin-right",
                 "line-height", "letter-spacing", "white-space", "display", "float", "text-decoration"}
MAX_PART = 20000

ORDER_FIELDS = {
    "OrderCode": "订单编号", "OrderDate": "下单日期", "CustomerName": "客户名称", "CustomerCode": "客户编号",
    "Receiver": "收货人", "ReceiverPhone": "座机电话", "ReceiverMobile": "手机", "ReceiverAddress": "送货地址",
    "ReceiverZip": "邮编", "DeliveryTime": "送货时间", "PackageItems": "随包物品", "Remark": "备注",
    "OwnerName": "下单客服", "Warehouse": "仓库", "LogisticsCompany": "物流公司", "TrackingNumber": "物流单号",
    "ShipDate": "发货日期", "PrintDate": "打印日期", "ProductTotal": "产品总额", "Freight": "运费",
    "Discount": "优惠金额", "TotalAmount": "应付金额（合计）", "TotalAmountUpper": "合计金额大写",
    "PaidAmount": "实付金额", "DebtAmount": "欠款金额",
}
QUOTE_FIELDS = {
    "QuoteCode": "报价单号", "QuoteDate": "报价日期", "CustomerName": "客户名称", "CustomerCode": "客户编号",
    "ContactName": "联系人", "ContactPhone": "联系电话", "OwnerName": "报价人", "Remark": "备注",
    "PrintDate": "打印日期", "TotalAmount": "报价总额", "TotalAmountUpper": "合计金额大写",
}
LINE_FIELDS = {
    "RowNo": "序号", "ProductCode": "产品编号", "ProductName": "产品名称", "ProductSpec": "产品规格",
    "ProductUnit": "单位", "UnitPrice": "单价", "Quantity": "数量", "Subtotal": "小计",
}
PLACEHOLDER = re.compile(r"\{\$([A-Za-z]+)\$\}")
ROW = re.compile(r"<tr\b[^>]*>.*?</tr>", re.S | re.I)


def placeholder_groups(kind: TemplateKind) -> list[tuple[str, list[tuple[str, str]]]]:
    """The 占位符 a template of this kind understands, for the editor's picker: the document's fields, then
    the 产品明细 fields (a table row holding one of them is repeated per line)."""
    from app.services.inventory import print_templates as inventory_print

    if kind in inventory_print.KINDS:
        return inventory_print.placeholder_groups(kind, LINE_FIELDS)
    fields = QUOTE_FIELDS if kind == TemplateKind.QUOTE else ORDER_FIELDS
    document = "报价单字段" if kind == TemplateKind.QUOTE else "订单字段"
    return [(document, [(f"{{${name}$}}", label) for name, label in fields.items()]),
            ("产品明细字段", [(f"{{${name}$}}", label) for name, label in LINE_FIELDS.items()])]


def sanitise(html: str | None, label: str = "模板") -> str:
    html = html or ""
    if len(html) > MAX_PART:
        raise ValidationFailed(f"{label}内容过长（最多 {MAX_PART} 个字符）")
    return clean_html(html)


def clean_html(html: str) -> str:
    """nh3 with our tags and attributes; links and images only to http(s) or relative URLs, so no
    javascript:, data: or vbscript: URL survives."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, filter_style_properties=ALLOWED_STYLE,
                     url_schemes={"http", "https"}, link_rel=None)


def save_template(template: PrintTemplate) -> PrintTemplate:
    template.name = (template.name or "").strip()
    if not template.name:
        raise ValidationFailed("模板名称不能为空")
    if len(template.name) > 50:
        raise ValidationFailed("模板名称不能超过 50 个字")
    template.header_html = sanitise(template.header_html, "上部模板")
    template.lines_html = sanitise(template.lines_html, "产品明细")
    template.footer_html = sanitise(template.footer_html, "底部模板")
    db.session.add(template)
    db.session.flush()
    if template.is_default:
        set_default_template(template)
    return template


def set_default_template(template: PrintTemplate) -> None:
    """One default per kind."""
    db.session.execute(update(PrintTemplate).where(PrintTemplate.kind == template.kind,
                                                   PrintTemplate.id != template.id).values(is_default=False))
    template.is_default = True
    db.session.flush()


def templates_of(kind: TemplateKind) -> list[PrintTemplate]:
    return list(db.session.scalars(select(PrintTemplate).where(PrintTemplate.kind == kind)
                                   .order_by(PrintTemplate.is_default.desc(), PrintTemplate.id)))


def pick_template(kind: TemplateKind, template_id=None) -> PrintTemplate:
    templates = templates_of(kind)
    if not templates:
        raise ValidationFailed(f"还没有{kind.label}模板，请先在模板管理中添加")
    if template_id not in (None, ""):
        chosen = next((t for t in templates if str(t.id) == str(template_id)), None)
        if chosen is None:
            raise ValidationFailed("打印模板不存在")
        return chosen
    return templates[0]


def money_text(value: Decimal) -> str:
    return f"{value:.2f}"


def amount_upper(value: Decimal) -> str:
    """合计金额大写: 660 -> 陆佰陆拾元整, 2434.40 -> 贰仟肆佰叁拾肆元肆角."""
    return cn2an.an2cn(f"{value:.2f}", "rmb")


def short_amount(value: Decimal) -> str:
    """¥660 rather than ¥660.00 next to the uppercase amount, as figure 5-8 prints it."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def quantity_text(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _line_values(lines) -> list[dict[str, str]]:
    return [{"RowNo": str(i), "ProductCode": line.product_code, "ProductName": line.product_name,
             "ProductSpec": line.product_spec or "", "ProductUnit": line.product_unit or "",
             "UnitPrice": money_text(line.unit_price), "Quantity": quantity_text(line.quantity),
             "Subtotal": money_text(line.subtotal)} for i, line in enumerate(lines, start=1)]


def order_values(order: SalesOrder) -> dict[str, str]:
    customer = order.customer
    address = "".join(p for p in (order.receiver_province, order.receiver_city, order.receiver_district,
                                  order.receiver_address) if p)
    return {
        "OrderCode": order.number, "OrderDate": format_local(order.order_date, "%Y-%m-%d %H:%M"),
        "CustomerName": customer.name, "CustomerCode": customer.code or "", "Receiver": order.receiver_name or "",
        "ReceiverPhone": order.receiver_phone or "", "ReceiverMobile": order.receiver_mobile or "",
        "ReceiverAddress": address, "ReceiverZip": order.receiver_zip or "", "DeliveryTime": order.delivery_time or "",
        "PackageItems": order.package_items or "", "Remark": order.remark or "",
        "OwnerName": order.owner.real_name if order.owner else "",
        "Warehouse": order.warehouse.name if order.warehouse else "",
        "LogisticsCompany": order.logistics_company.name if order.logistics_company else "",
        "TrackingNumber": order.tracking_number or "",
        "ShipDate": format_local(order.shipped_at, "%Y-%m-%d %H:%M"),
        "PrintDate": format_local(utcnow(), "%Y-%m-%d %H:%M"),
        "ProductTotal": money_text(order.product_total), "Freight": money_text(order.freight),
        "Discount": money_text(order.discount), "TotalAmount": short_amount(order.payable),
        "TotalAmountUpper": amount_upper(order.payable), "PaidAmount": money_text(order.paid),
        "DebtAmount": money_text(order.debt),
    }


def quote_values(quote: Quote) -> dict[str, str]:
    return {
        "QuoteCode": quote.number, "QuoteDate": format_local(quote.quote_date, "%Y-%m-%d %H:%M"),
        "CustomerName": quote.customer.name, "CustomerCode": quote.customer.code or "",
        "ContactName": quote.contact_name or "", "ContactPhone": quote.phone or "",
        "OwnerName": quote.owner.real_name if quote.owner else "", "Remark": quote.remark or "",
        "PrintDate": format_local(utcnow(), "%Y-%m-%d %H:%M"), "TotalAmount": short_amount(quote.total),
        "TotalAmountUpper": amount_upper(quote.total),
    }


def _fill(html: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: str(escape(values[m.group(1)])) if m.group(1) in values else m.group(0), html)


def _line_names() -> set[str]:
    from app.services.inventory.print_templates import STOCKTAKE_LINE_FIELDS

    return set(LINE_FIELDS) | set(STOCKTAKE_LINE_FIELDS)


def _fill_lines(html: str, values: dict[str, str], lines: list[dict[str, str]]) -> str:
    names = _line_names()

    def expand(match):
        row = match.group(0)
        if not any(f"{{${name}$}}" in row for name in names):
            return row
        return "".join(_fill(row, line) for line in lines)

    return _fill(ROW.sub(expand, html), values)


def render(template: PrintTemplate, values: dict[str, str], lines) -> Markup:
    """Fill the placeholders (values HTML-escaped), then sanitise the filled page: a value can land in
    an attribute such as href="{$Remark$}", where escaping alone would keep javascript:alert(1)."""
    lines = list(lines)
    line_values = lines if lines and isinstance(lines[0], dict) else _line_values(lines)  # dicts: ready rows
    parts = [_fill(template.header_html or "", values),
             _fill_lines(template.lines_html or "", values, line_values),
             _fill(template.footer_html or "", values)]
    return Markup(clean_html("\n".join(parts)))


def render_order(template: PrintTemplate, order: SalesOrder) -> Markup:
    return render(template, order_values(order), order.lines)


def render_quote(template: PrintTemplate, quote: Quote) -> Markup:
    return render(template, quote_values(quote), quote.lines)


def render_inventory(template: PrintTemplate, doc) -> Markup:
    """采购进货单, 采购退货单 or 盘点单 (app/services/inventory/print_templates.py)."""
    from app.services.inventory import print_templates as inventory_print

    return render(template, inventory_print.document_values(doc), inventory_print.line_rows(doc))


def sample_values(kind: TemplateKind) -> tuple[dict[str, str], list]:
    """Example data for 预览 (figure 5-8's order), so a template can be checked without a real order."""
    from types import SimpleNamespace

    from app.services.inventory import print_templates as inventory_print

    if kind in inventory_print.KINDS:
        return inventory_print.sample_values(kind)
    lines = [SimpleNamespace(product_code="30", product_name="蛋白糖100倍", product_spec="25KG/袋", product_unit="KG",
                             unit_price=Decimal("40.00"), quantity=Decimal("3"), subtotal=Decimal("120.00")),
             SimpleNamespace(product_code="63", product_name="栀子黄色素", product_spec="1*25/桶", product_unit="KG",
                             unit_price=Decimal("180.00"), quantity=Decimal("3"), subtotal=Decimal("540.00"))]
    total = Decimal("660.00")
    common = {"CustomerName": "安徽佑逸管业有限公司", "CustomerCode": "CT2015030500001", "OwnerName": "超级管理员",
              "Remark": "", "PrintDate": format_local(utcnow(), "%Y-%m-%d %H:%M"), "TotalAmount": short_amount(total),
              "TotalAmountUpper": amount_upper(total)}
    if kind == TemplateKind.QUOTE:
        return {**common, "QuoteCode": "BJ2015030500002", "QuoteDate": "2015-03-05 20:43", "ContactName": "顾老板",
                "ContactPhone": "13800000000"}, lines
    return {**common, "OrderCode": "XS2015030500001", "OrderDate": "2015-03-05 20:42", "Receiver": "顾老板",
            "ReceiverPhone": "", "ReceiverMobile": "13800000000", "ReceiverAddress": "河北省石家庄市长安区湘江北路49号",
            "ReceiverZip": "", "DeliveryTime": "随时", "PackageItems": "", "Warehouse": "默认仓库",
            "LogisticsCompany": "韵达快递", "TrackingNumber": "1201520254894", "ShipDate": "2015-05-31 15:43",
            "ProductTotal": "660.00", "Freight": "0.00", "Discount": "0.00", "PaidAmount": "660.00",
            "DebtAmount": "0.00"}, lines
