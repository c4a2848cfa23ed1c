"""模板管理 > 预览: a template as typed in the editor (not yet saved), filled with a real order or quote the user
may see, or with the example of figure 5-8, and sanitised exactly as a print is."""

from markupsafe import Markup
from sqlalchemy import select

from app.extensions import db
from app.services.errors import NotFound, ValidationFailed
from app.services.inventory import print_templates as inventory_print
from app.services.orders import printing
from app.services.orders.quotes import QUOTE_FLOW
from app.services.orders.workflow import ORDER_FLOW
from models.orders import SalesOrder
from models.print_templates import PrintTemplate, TemplateKind
from models.quotes import Quote


def parse_kind(value: str | None) -> TemplateKind:
    try:
        return TemplateKind((value or "").strip())
    except ValueError:
        raise ValidationFailed("请选择模板类型（配货单、发货单、报价单、采购进货单、采购退货单或盘点单）") from None


def draft(kind: TemplateKind, header: str | None, lines: str | None, footer: str | None) -> PrintTemplate:
    """An unsaved template with its parts sanitised and length-checked as on save; never added to the session."""
    return PrintTemplate(kind=kind, name="预览", header_html=printing.sanitise(header, "上部模板"),
                         lines_html=printing.sanitise(lines, "产品明细"),
                         footer_html=printing.sanitise(footer, "底部模板"))


def source_of(kind: TemplateKind, number: str | None, actor) -> tuple[dict[str, str], list, str]:
    """The values, lines and a caption: the order (or quote) with this number if the actor may see it,
    else NotFound; the example data when no number is given."""
    number = (number or "").strip().upper()[:20]
    if not number:
        values, lines = printing.sample_values(kind)
        return values, lines, "示例数据"
    if kind in inventory_print.KINDS:
        return inventory_print.by_number(kind, number, actor)
    if kind == TemplateKind.QUOTE:
        quote = db.session.scalar(select(Quote).where(Quote.number == number))
        if quote is None:
            raise NotFound("报价单不存在或不在您的查看范围内")
        QUOTE_FLOW.ensure_access(quote, actor, "view")
        return printing.quote_values(quote), list(quote.lines), f"报价单 {quote.number}"
    order = db.session.scalar(select(SalesOrder).where(SalesOrder.number == number))
    if order is None:
        raise NotFound("订单不存在或不在您的查看范围内")
    ORDER_FLOW.ensure_access(order, actor, "view")
    return printing.order_values(order), list(order.lines), f"订单 {order.number}"


def preview(kind_value, header, lines, footer, number, actor) -> tuple[PrintTemplate, Markup, str]:
    kind = parse_kind(kind_value)
    template = draft(kind, header, lines, footer)
    values, line_rows, caption = source_of(kind, number, actor)
    return template, printing.render(template, values, line_rows), caption
