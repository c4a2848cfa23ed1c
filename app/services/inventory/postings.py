"""What each approved document (and each shipped or returned sales order) posts to the stock ledger.

Lines are posted in product-id order, so two documents touching the same products lock the balance rows in the
same order and cannot deadlock each other.
"""

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.services.inventory.ledger import DocRef, post_lines
from models.base_data import Warehouse
from models.inventory import MovementKind, Purchase, PurchaseReturn, StockMovement, Stocktake
from models.orders import SalesOrder


def _sorted(lines):
    return sorted(lines, key=lambda line: (line.product_id, line.position))


def post_purchase(purchase: Purchase, actor) -> None:
    ref = DocRef("purchase", purchase.id, purchase.number)
    post_lines(MovementKind.PURCHASE, purchase.warehouse_id,
               [(line.product_id, line.quantity, line.unit_price) for line in _sorted(purchase.lines)], ref, actor)


def post_purchase_return(doc: PurchaseReturn, actor) -> None:
    """Goods go back at the current moving average (the 退货单价 is what the supplier refunds, not the cost)."""
    ref = DocRef("purchase_return", doc.id, doc.number)
    post_lines(MovementKind.PURCHASE_RETURN, doc.warehouse_id,
               [(line.product_id, line.quantity, None) for line in _sorted(doc.lines)], ref, actor)


def movements_since(stocktake: Stocktake) -> int:
    """Movements of the counted products in the counted warehouse after 开始盘点, other than the stocktake's own."""
    product_ids = [line.product_id for line in stocktake.lines]
    if not product_ids:
        return 0
    query = (select(func.count()).select_from(StockMovement)
             .where(StockMovement.warehouse_id == stocktake.warehouse_id,
                    StockMovement.created_at >= stocktake.started_at,
                    StockMovement.product_id.in_(product_ids),
                    ~((StockMovement.doc_type == "stocktake") & (StockMovement.doc_id == stocktake.id))))
    return db.session.scalar(query) or 0


def post_stocktake(stocktake: Stocktake, actor) -> None:
    """Posts each line's 盘差 (actual - book as counted at 开始盘点): later movements are kept, and flagged."""
    stocktake.moved_since_start = movements_since(stocktake)
    ref = DocRef("stocktake", stocktake.id, stocktake.number)
    differences = [(line.product_id, line.actual_quantity - line.book_quantity) for line in _sorted(stocktake.lines)]
    post_lines(MovementKind.STOCKTAKE_GAIN, stocktake.warehouse_id,
               [(product_id, difference, None) for product_id, difference in differences if difference > 0], ref, actor)
    post_lines(MovementKind.STOCKTAKE_LOSS, stocktake.warehouse_id,
               [(product_id, -difference, None) for product_id, difference in differences if difference < 0], ref,
               actor)
    db.session.flush()


def _order_warehouse(order: SalesOrder) -> int | None:
    if order.warehouse_id:
        return order.warehouse_id
    return db.session.scalar(select(Warehouse.id).where(Warehouse.is_default.is_(True)))


def _order_quantities(order: SalesOrder) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for line in order.lines:
        totals[line.product_id] += line.quantity
    return totals


def post_order_shipped(order: SalesOrder, actor) -> None:
    """发货 of a sales order: 销售出库 from its warehouse (negative stock is allowed, manual 12.4)."""
    warehouse_id = _order_warehouse(order)
    if order.is_return or warehouse_id is None:
        return
    ref = DocRef("order", order.id, order.number)
    post_lines(MovementKind.SALE, warehouse_id,
               [(product_id, quantity, None) for product_id, quantity in sorted(_order_quantities(order).items())],
               ref, actor)


def post_return_completed(order: SalesOrder, actor) -> None:
    """A 销售退货 order's completion: the goods are back, 退货入库 at the current average."""
    warehouse_id = _order_warehouse(order)
    if not order.is_return or warehouse_id is None:
        return
    ref = DocRef("order", order.id, order.number)
    post_lines(MovementKind.SALE_RETURN, warehouse_id,
               [(product_id, quantity, None) for product_id, quantity in sorted(_order_quantities(order).items())],
               ref, actor)
