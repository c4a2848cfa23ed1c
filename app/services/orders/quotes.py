"""报价单 (manual 5.8): add, edit, 复制, 删除, 转为销售. Quotes share the orders' data scope."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import update

from app.extensions import db
from app.security.permissions import can
from app.security.scope import can_see_owner
from app.services.errors import Forbidden, NotFound, ValidationFailed
from app.services.numbering import next_number
from app.services.orders.lines import LineInput, fill_line, price_lines
from app.services.orders.orders import OrderInput, create_order, receiver_defaults, visible_customer
from app.services.orders.totals import round_money
from app.services.orders.workflow import SCOPE_MODULE
from models.base import utcnow
from models.orders import SalesOrder
from models.quotes import Quote, QuoteLine, QuoteStatus

# The quote's own transition table: 报价中 -(转为销售)-> 已转销售.
QUOTE_TRANSITIONS = {"convert": (QuoteStatus.OPEN, QuoteStatus.CONVERTED)}


@dataclass
class QuoteInput:
    customer_id: int | str | None
    lines: list[LineInput]
    contact_name: str | None = None
    phone: str | None = None
    remark: str | None = None
    quote_date: datetime | None = None
    extra: dict = field(default_factory=dict)


def ensure_quote_access(quote: Quote, actor, action: str) -> None:
    if not can(f"quote.{action}", actor):
        raise Forbidden("您没有执行此操作的权限")
    if not can_see_owner(actor, SCOPE_MODULE, quote.owner_id):
        raise NotFound("报价单不存在或不在您的查看范围内")


def get_quote(quote_id, actor, action: str = "view") -> Quote:
    try:
        quote = db.session.get(Quote, int(quote_id))
    except (TypeError, ValueError):
        quote = None
    if quote is None:
        raise NotFound("报价单不存在或不在您的查看范围内")
    ensure_quote_access(quote, actor, action)
    return quote


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
    return quote


def is_open(quote: Quote) -> bool:
    """An open quote can still be edited and turned into a sale (once)."""
    return quote.status == QUOTE_TRANSITIONS["convert"][0]


def _ensure_open(quote: Quote, doing: str) -> None:
    if not is_open(quote):
        raise ValidationFailed(f"报价单 {quote.number} 已转为销售订单，不能{doing}")


def update_quote(quote: Quote, data: QuoteInput, actor) -> Quote:
    ensure_quote_access(quote, actor, "edit")
    _ensure_open(quote, "修改")
    _fill(quote, data)
    db.session.flush()
    return quote


def copy_quote(quote: Quote, actor) -> Quote:
    """复制: a new quote with the same content, today's date and a new number."""
    ensure_quote_access(quote, actor, "add")
    lines = [LineInput(line.product_id, line.quantity, line.unit_price) for line in quote.lines]
    data = QuoteInput(quote.customer_id, lines, quote.contact_name, quote.phone, quote.remark)
    return create_quote(data, actor)


def delete_quote(quote: Quote, actor) -> None:
    ensure_quote_access(quote, actor, "delete")
    db.session.delete(quote)
    db.session.flush()


def convert_to_order(quote: Quote, actor) -> SalesOrder:
    """转为销售: a 等待审核 order with the quote's lines and prices; the quote leaves 销售报价."""
    ensure_quote_access(quote, actor, "convert")
    source, target = QUOTE_TRANSITIONS["convert"]
    _ensure_open(quote, "再次转为销售")
    lines = [LineInput(line.product_id, line.quantity, line.unit_price) for line in quote.lines]
    customer = visible_customer(quote.customer_id, actor)
    texts = receiver_defaults(customer)
    texts["receiver_name"] = quote.contact_name or texts["receiver_name"]
    texts["remark"] = f"由报价单 {quote.number} 转为销售"
    order = create_order(OrderInput(customer.id, lines, texts=texts), actor, note=f"报价单 {quote.number} 转为销售")
    db.session.flush()
    result = db.session.execute(
        update(Quote).where(Quote.id == quote.id, Quote.status == source)
        .values(status=target, order_id=order.id, converted_at=utcnow(), updated_at=utcnow())
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise ValidationFailed(f"报价单 {quote.number} 已转为销售订单，不能再次转为销售")
    db.session.expire(quote)
    db.session.flush()
    return order
