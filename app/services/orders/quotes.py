"""报价单 (manual 5.8): add, edit, 复制, 删除, 转为销售. Quotes share the orders' data scope."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from app.extensions import db
from app.security.permissions import can
from app.services.errors import Forbidden, ValidationFailed
from app.services.numbering import next_number
from app.services.orders import screens  # noqa: F401  (registers the quote.* codes first)
from app.services.orders.lines import LineInput, fill_line, price_lines
from app.services.orders.orders import OrderInput, create_order, receiver_defaults, visible_customer
from app.services.orders.totals import round_money
from app.services.orders.visibility import through_customer
from app.services.orders.workflow import SCOPE_MODULE
from app.services.workflow import NOW, Change, DocumentType, Step, advance_one
from models.base import utcnow
from models.orders import SalesOrder
from models.quotes import Quote, QuoteLine, QuoteLog, QuoteStatus

OPEN, CONVERTED = QuoteStatus.OPEN, QuoteStatus.CONVERTED


@dataclass
class QuoteInput:
    customer_id: int | str | None
    lines: list[LineInput]
    contact_name: str | None = None
    phone: str | None = None
    remark: str | None = None
    quote_date: datetime | None = None
    extra: dict = field(default_factory=dict)


def _create_sale(change: Change) -> None:
    """转为销售 creates the 等待审核 order once the quote's guarded UPDATE has won."""
    quote, actor = change.doc, change.actor
    lines = [LineInput(line.product_id, line.quantity, line.unit_price) for line in quote.lines]
    customer = visible_customer(quote.customer_id, actor)
    texts = receiver_defaults(customer)
    texts["receiver_name"] = quote.contact_name or texts["receiver_name"]
    texts["remark"] = f"由报价单 {quote.number} 转为销售"
    order = create_order(OrderInput(customer.id, lines, texts=texts), actor, note=f"报价单 {quote.number} 转为销售")
    quote.order_id = order.id
    db.session.flush()


QUOTE_FLOW = DocumentType(
    code="quote", label="报价单", screen_label="报价单管理", module="订单管理", model=Quote, log=QuoteLog,
    log_key="quote_id", states=QuoteStatus, scope_module=SCOPE_MODULE, also_visible=through_customer,
    transitions=[
        Step("convert", {OPEN}, CONVERTED, "quote.convert", "转为销售", confirm="确定将该报价单转为销售订单吗？",
             done="报价单 {number} 已转为销售订单 {doc.order.number}（等待审核）", stamps={"converted_at": NOW},
             bulk=False, style="success"),
    ],
    capabilities={"edit": {OPEN}, "delete": {OPEN, CONVERTED}, "copy": {OPEN, CONVERTED}},
    after={"convert": [_create_sale]},
)


def ensure_quote_access(quote: Quote, actor, action: str) -> None:
    QUOTE_FLOW.ensure_access(quote, actor, action)


def get_quote(quote_id, actor, action: str = "view") -> Quote:
    return QUOTE_FLOW.get(quote_id, actor, action)


def _fill(quote: Quote, data: QuoteInput) -> None:
    priced = price_lines(data.lines)
    for name, label, limit in (("contact_name", "联系人", 50), ("phone", "联系电话", 50), ("remark", "备注", 500)):
        value = (getattr(data, name) or "").strip() or None
        if value and len(value) > limit:
            raise ValidationFailed(f"{label}不能超过 {limit} 个字")
        setattr(quote, name, value)
    quote.quote_date = data.quote_date or quote.quote_date or utcnow()
    quote.total = round_money(sum((p.subtotal for p in priced), Decimal("0")))
    existing = list(quote.lines)
    quote.lines = [fill_line(existing[i - 1] if i <= len(existing) else QuoteLine(), i, line)
                   for i, line in enumerate(priced, start=1)]


def create_quote(data: QuoteInput, actor) -> Quote:
    if not can("quote.add", actor):
        raise Forbidden("您没有执行此操作的权限")
    customer = visible_customer(data.customer_id, actor)
    quote = Quote(customer_id=customer.id, owner_id=actor.id, status=QuoteStatus.OPEN, number="")
    _fill(quote, data)
    quote.number = next_number("BJ")
    db.session.add(quote)
    db.session.flush()
    QUOTE_FLOW.write_log(quote, actor, "添加报价单", None, OPEN)
    db.session.flush()
    return quote


def update_quote(quote: Quote, data: QuoteInput, actor) -> Quote:
    ensure_quote_access(quote, actor, "edit")
    if not QUOTE_FLOW.allows("edit", quote):
        raise ValidationFailed(f"报价单 {quote.number} 已转为销售订单，不能修改")
    _fill(quote, data)
    quote.updated_at = utcnow()
    db.session.flush()
    QUOTE_FLOW.write_log(quote, actor, "修改报价单", quote.status, quote.status)
    db.session.flush()
    return quote


def copy_quote(quote: Quote, actor) -> Quote:
    """复制: a new quote with the same content, today's date and a new number."""
    ensure_quote_access(quote, actor, "add")
    lines = [LineInput(line.product_id, line.quantity, line.unit_price) for line in quote.lines]
    data = QuoteInput(quote.customer_id, lines, quote.contact_name, quote.phone, quote.remark)
    return create_quote(data, actor)


def convert_to_order(quote: Quote, actor, note: str | None = None) -> SalesOrder:
    """转为销售: a 等待审核 order with the quote's lines and prices; the quote leaves 销售报价 (once)."""
    advance_one(QUOTE_FLOW, quote, "convert", actor, note)
    return db.session.get(SalesOrder, quote.order_id)
