"""Read-side helpers of 库存管理: the product picker's 上次进价 and 当前库存, 进货记录 of one product."""

from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.services.inventory.flow import APPROVED
from app.services.products import search_condition
from models.inventory import Purchase, PurchaseLine, StockBalance
from models.products import Product

PICKER_LIMIT = 20


def pick_products(term: str, warehouse_id: int | None) -> list[dict]:
    """产品 picker of fig. 12-2: code, name, pinyin initials or spec, with 上次进价 and 当前库存 in the warehouse."""
    term = (term or "").strip()[:50]
    if not term:
        return []
    products = db.session.scalars(select(Product).where(search_condition(term)).order_by(Product.code)
                                  .limit(PICKER_LIMIT)).all()
    ids = [p.id for p in products]
    stock = {}
    if ids and warehouse_id:
        stock = dict(db.session.execute(select(StockBalance.product_id, StockBalance.quantity).where(
            StockBalance.warehouse_id == warehouse_id, StockBalance.product_id.in_(ids))).all())
    last = last_prices(ids)
    return [{"id": p.id, "code": p.code, "name": p.name, "spec": p.spec or "", "unit": p.unit or "",
             "text": f"{p.code} {p.name} {p.spec or ''}".strip(),
             "last_price": f"{last[p.id]:.2f}" if p.id in last else "",
             "stock": f"{stock.get(p.id, Decimal('0')):.2f}"} for p in products]


def last_prices(product_ids: list[int]) -> dict[int, Decimal]:
    """上次进价: the unit price on each product's latest approved purchase line."""
    if not product_ids:
        return {}
    newest = (select(func.max(PurchaseLine.id)).join(Purchase, Purchase.id == PurchaseLine.purchase_id)
              .where(PurchaseLine.product_id.in_(product_ids), Purchase.status == APPROVED)
              .group_by(PurchaseLine.product_id))
    rows = db.session.execute(select(PurchaseLine.product_id, PurchaseLine.unit_price)
                              .where(PurchaseLine.id.in_(newest)))
    return {product_id: price for product_id, price in rows}


def purchase_history(product_id: int, limit: int = 20) -> list[tuple[Purchase, PurchaseLine]]:
    """进货记录 of one product: its latest purchase lines, newest first."""
    query = (select(Purchase, PurchaseLine).join(PurchaseLine, Purchase.id == PurchaseLine.purchase_id)
             .where(PurchaseLine.product_id == product_id).order_by(PurchaseLine.id.desc()).limit(limit))
    return [(purchase, line) for purchase, line in db.session.execute(query)]
