"""库存盘点 (12.3): 开始盘点 loads the warehouse's book quantities into a pending 盘点单; actual quantities are
entered (相符 / 盘正 / 盘负 per line); 通过审核 posts the differences (app/services/inventory/postings.py).

The 盘点单 is created at 开始盘点 so the moment the book quantities were read is the server's, not the form's:
movements posted after it are counted and shown on the 盘点单 (and stored at approval) so a count that was
overtaken by a sale or a receipt is not silently wrong.
"""

from decimal import Decimal

from sqlalchemy import or_, select

from app.extensions import db
from app.services.errors import ValidationFailed
from app.services.inventory.documents import (
    claim_pending,
    clean_remark,
    notify_approvers,
    pick_warehouse,
    require_permission,
)
from app.services.inventory.flow import PENDING, STOCKTAKE_FLOW
from app.services.numbering import next_number, provisional_number
from app.services.orders.totals import parse_decimal
from models.base import utcnow
from models.inventory import StockBalance, Stocktake, StocktakeLine
from models.products import Product

MAX_LINES = 3000
QUANTITY_STEP = Decimal("0.001")


def _book_rows(warehouse_id: int) -> list[tuple[Product, Decimal]]:
    """Every on-shelf product and every product with stock history in the warehouse, by product code."""
    query = (select(Product, StockBalance.quantity)
             .outerjoin(StockBalance, (StockBalance.product_id == Product.id)
                        & (StockBalance.warehouse_id == warehouse_id))
             .where(or_(Product.on_shelf.is_(True), StockBalance.id.is_not(None)))
             .order_by(Product.code).limit(MAX_LINES + 1))
    rows = [(product, quantity if quantity is not None else Decimal("0")) for product, quantity in
            db.session.execute(query)]
    if len(rows) > MAX_LINES:
        raise ValidationFailed(f"该仓库需要盘点的产品超过 {MAX_LINES} 个，请先将不再经营的产品下架")
    if not rows:
        raise ValidationFailed("没有可以盘点的产品，请先在产品信息管理中添加产品")
    return rows


def start_stocktake(warehouse_id, actor, remark: str | None = None) -> Stocktake:
    """开始盘点: a pending 盘点单 whose lines hold the book quantities as of now (actual = book to begin with)."""
    require_permission(STOCKTAKE_FLOW, actor, "add")
    warehouse = pick_warehouse(warehouse_id, "库存盘点")
    db.session.flush()
    started = utcnow()
    stocktake = Stocktake(number=provisional_number(), status=PENDING, warehouse_id=warehouse.id,
                          created_by_id=actor.id, started_at=started, remark=clean_remark(remark))
    for position, (product, quantity) in enumerate(_book_rows(warehouse.id), start=1):
        stocktake.lines.append(StocktakeLine(position=position, product_id=product.id, product_code=product.code,
                                             product_name=product.name, product_spec=product.spec,
                                             product_unit=product.unit, book_quantity=quantity,
                                             actual_quantity=quantity))
    db.session.add(stocktake)
    db.session.flush()
    stocktake.number = next_number("PD")
    STOCKTAKE_FLOW.write_log(stocktake, actor, "开始盘点", None, PENDING, f"盘点仓库：{warehouse.name}")
    db.session.flush()
    return stocktake


def parse_actual(value, position: int, label: str = "实际库存") -> Decimal:
    prefix = f"第 {position} 行："
    try:
        quantity = parse_decimal(value, label)
    except ValidationFailed as exc:
        raise ValidationFailed(prefix + exc.message) from None
    if quantity < 0:
        raise ValidationFailed(f"{prefix}{label}不能为负数")
    if quantity != quantity.quantize(QUANTITY_STEP):
        raise ValidationFailed(f"{prefix}{label}最多保留三位小数")
    if quantity >= Decimal("100000000"):
        raise ValidationFailed(f"{prefix}{label}超出允许范围")
    return quantity.quantize(QUANTITY_STEP)


def save_counts(stocktake_id, counts: dict, actor, remark: str | None = None, notify: bool = False,
                action: str = "修改") -> Stocktake:
    """Enter actual quantities: `counts` maps line id (as the form sends it) to the counted quantity."""
    stocktake = STOCKTAKE_FLOW.get(stocktake_id, actor, "edit")
    STOCKTAKE_FLOW.ensure("edit", stocktake, "修改")
    pick_warehouse(stocktake.warehouse_id, "库存盘点")
    claim_pending(STOCKTAKE_FLOW, stocktake, "修改")
    by_id = {str(line.id): line for line in stocktake.lines}
    unknown = [key for key in counts if str(key) not in by_id]
    if unknown:
        raise ValidationFailed("盘点明细不属于该盘点单，请刷新后重试")
    parsed = {str(key): parse_actual(value, by_id[str(key)].position) for key, value in counts.items()}
    stocktake.remark = clean_remark(remark)
    changed = 0
    for key, quantity in parsed.items():
        line = by_id[key]
        if line.actual_quantity != quantity:
            line.actual_quantity = quantity
            changed += 1
    note = f"修改 {changed} 行实际库存" + ("" if action == "修改" else f"（{action}）")
    STOCKTAKE_FLOW.write_log(stocktake, actor, action, None, None, note)
    db.session.flush()
    if notify:
        notify_approvers(STOCKTAKE_FLOW, stocktake, 0, actor)
    return stocktake


def summary(stocktake: Stocktake) -> dict[str, int]:
    counts = {"相符": 0, "盘正": 0, "盘负": 0}
    for line in stocktake.lines:
        counts[line.result] += 1
    return counts
