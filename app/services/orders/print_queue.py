"""订单打印 (manual 5.2-5.4): the orders a user may print, the templates to print them with, and the chosen batch.

Orders are printable once approved: 正在配货 (配货单), 已经发货 and 交易完成 (发货单). Every list and every
printed order goes through the order data scope; an order outside it is "not found".
"""

from dataclasses import dataclass

from sqlalchemy import and_, or_, select

from app.extensions import db
from app.security.scope import apply_scope
from app.services.customers.search import search_condition as customer_condition
from app.services.errors import ValidationFailed
from app.services.orders.printing import templates_of
from app.services.orders.workflow import ORDER_FLOW, SCOPE_MODULE
from models.customers import Customer
from models.orders import STATUS_LABELS, OrderStatus, SalesOrder
from models.print_templates import PrintTemplate, TemplateKind

PRINTABLE = (OrderStatus.PICKING, OrderStatus.SHIPPED, OrderStatus.COMPLETED)
STATUS_CHOICES = [("", "全部")] + [(s.value, STATUS_LABELS[s]) for s in PRINTABLE]
ORDER_KINDS = (TemplateKind.PICKING, TemplateKind.SHIPPING)
PAGE_SIZE = 20
MAX_PAGE = 500  # offset paging stays cheap; narrower searches reach older orders
MAX_BATCH = 100  # orders per printed batch


@dataclass
class PrintQueuePage:
    orders: list[SalesOrder]
    page: int
    has_next: bool


def parse_status(value: str | None) -> OrderStatus | None:
    """The 订单状态 filter: one printable status, or None for all of them (unknown values included)."""
    return next((s for s in PRINTABLE if s.value == (value or "").strip()), None)


def _term_condition(term: str):
    """订单号 or 收货人 starting with the term (B-tree ranges), or a 客户名称 through the customer search index."""
    upper, receiver_end = term.upper(), term + "\uffff"
    conditions = [and_(SalesOrder.number >= upper, SalesOrder.number < upper + "\uffff"),
                  and_(SalesOrder.receiver_name >= term, SalesOrder.receiver_name < receiver_end)]
    customers = customer_condition(term)
    if customers is not None:
        conditions.append(SalesOrder.customer_id.in_(select(Customer.id).where(customers)))
    return or_(*conditions)


def printable_orders(actor, term: str = "", status: OrderStatus | None = None, page: int = 1,
                     page_size: int = PAGE_SIZE) -> PrintQueuePage:
    """One page of the sales orders in the actor's scope that may be printed, newest first."""
    page = min(max(page, 1), MAX_PAGE)
    query = select(SalesOrder).where(SalesOrder.is_return.is_(False),
                                     SalesOrder.status.in_([status] if status else PRINTABLE))
    for word in (term or "").split()[:5]:
        query = query.where(_term_condition(word[:50]))
    query = apply_scope(query, SalesOrder.owner_id, actor, SCOPE_MODULE)
    query = query.order_by(SalesOrder.order_date.desc(), SalesOrder.id.desc())
    rows = list(db.session.scalars(query.offset((page - 1) * page_size).limit(page_size + 1)))
    return PrintQueuePage(rows[:page_size], page, len(rows) > page_size)


def order_templates() -> list[PrintTemplate]:
    """配货单 templates first, then 发货单; the default of each kind first within it."""
    return [t for kind in ORDER_KINDS for t in templates_of(kind)]


def default_template(status: OrderStatus | None) -> PrintTemplate | None:
    """配货单 for orders still being picked (and for the mixed list), 发货单 once shipped."""
    kind = TemplateKind.SHIPPING if status in (OrderStatus.SHIPPED, OrderStatus.COMPLETED) else TemplateKind.PICKING
    templates = templates_of(kind) or order_templates()
    return templates[0] if templates else None


def template_for_print(template_id: int | None) -> PrintTemplate:
    """The chosen 配货单 or 发货单 template; a 报价单 template or an unknown id is refused."""
    template = db.session.get(PrintTemplate, template_id) if template_id else None
    if template is None or template.kind not in ORDER_KINDS:
        raise ValidationFailed("请选择配货单或发货单打印模板")
    return template


def orders_to_print(ids: list[int], actor) -> list[SalesOrder]:
    """The chosen orders in the order given, each checked for order.print and data scope (NotFound outside it)."""
    if not ids:
        raise ValidationFailed("请先勾选要打印的订单")
    if len(ids) > MAX_BATCH:
        raise ValidationFailed(f"一次最多打印 {MAX_BATCH} 个订单")
    return [ORDER_FLOW.get(order_id, actor, "print") for order_id in dict.fromkeys(ids)]
