"""销售退货 (manual 5.5): entered like an order, stored with negative 应付/实付, limited to the original order."""

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.services.errors import ValidationFailed
from app.services.orders.orders import OrderInput, create_order, get_order
from app.services.orders.totals import parse_quantity
from app.services.orders.workflow import ORDER_FLOW
from models.orders import OrderStatus, SalesOrder, SalesOrderLine


def returned_quantities(original_id: int, excluding_id: int | None = None) -> dict[int, Decimal]:
    """Quantities per product already on (not cancelled) returns of the original order."""
    query = (select(SalesOrderLine.product_id, SalesOrderLine.quantity)
             .join(SalesOrder, SalesOrderLine.order_id == SalesOrder.id)
             .where(SalesOrder.original_order_id == original_id, SalesOrder.is_return.is_(True),
                    SalesOrder.status != OrderStatus.CANCELLED))
    if excluding_id:
        query = query.where(SalesOrder.id != excluding_id)
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for product_id, quantity in db.session.execute(query):
        totals[product_id] += Decimal(quantity)
    return totals


def returnable_quantities(original: SalesOrder) -> dict[int, Decimal]:
    sold: dict[int, Decimal] = defaultdict(Decimal)
    for line in original.lines:
        sold[line.product_id] += line.quantity
    done = returned_quantities(original.id)
    return {pid: qty - done.get(pid, Decimal("0")) for pid, qty in sold.items()}


def create_return(data: OrderInput, actor, original_order_id=None) -> SalesOrder:
    original = None
    if original_order_id not in (None, ""):
        original = get_order(original_order_id, actor)
        if original.is_return:
            raise ValidationFailed("退货单不能再退货")
        if not ORDER_FLOW.allows("return", original):
            raise ValidationFailed(
                f"订单 {original.number} 当前状态为“{original.status_label}”，只有已发货或已完成的订单可以退货")
        if str(original.customer_id) != str(data.customer_id):
            raise ValidationFailed("退货单的客户必须与原订单一致")
        left = returnable_quantities(original)
        wanted: dict[int, Decimal] = defaultdict(Decimal)
        for position, line in enumerate(data.lines, start=1):
            try:
                product_id = int(line.product_id)
            except (TypeError, ValueError):
                raise ValidationFailed(f"第 {position} 行：请选择产品") from None
            if product_id not in left:
                raise ValidationFailed(f"第 {position} 行：该产品不在原订单 {original.number} 中")
            try:
                wanted[product_id] += parse_quantity(line.quantity)
            except ValidationFailed as exc:
                raise ValidationFailed(f"第 {position} 行：{exc.message}") from None
        for product_id, quantity in wanted.items():
            if quantity > left[product_id]:
                raise ValidationFailed(f"退货数量超过原订单可退数量（最多还可退 {left[product_id].normalize():f}）")
    # Goods coming back may have been taken off the shelf since: the shelf check is for selling only.
    return create_order(data, actor, is_return=True, original_order_id=original.id if original else None,
                        sellable_only=False)
