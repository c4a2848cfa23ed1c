"""产品信息 rules (manual 3.4): codes, pinyin initials, shelf status, deletion, search."""

from decimal import Decimal

from sqlalchemy import or_, select

from app.extensions import db
from app.services.base_data import referencing_rows, subtree_ids
from app.services.errors import ValidationFailed
from app.services.money import check_money
from app.services.pinyin import initials
from models.products import Product, ProductCategory


def prepare_product(product: Product) -> None:
    """Validate and derive fields before a product is saved (form or import)."""
    product.code = (product.code or "").strip()
    product.name = (product.name or "").strip()
    if not product.code:
        raise ValidationFailed("产品编号不能为空")
    if not product.name:
        raise ValidationFailed("产品名称不能为空")
    product.price = check_money(product.price if product.price is not None else Decimal("0"), "单价")
    with db.session.no_autoflush:
        query = select(Product.id).where(Product.code == product.code)
        if product.id is not None:
            query = query.where(Product.id != product.id)
        duplicate = db.session.execute(query.limit(1)).first()
    if duplicate:
        raise ValidationFailed(f"产品编号“{product.code}”已存在")
    product.pinyin = initials(product.name)


def set_shelf(ids: list[int], on_shelf: bool) -> int:
    """上架/下架 the given products; returns how many changed."""
    products = db.session.scalars(select(Product).where(Product.id.in_(ids))).all()
    changed = 0
    for product in products:
        if product.on_shelf != on_shelf:
            product.on_shelf = on_shelf
            changed += 1
    db.session.flush()
    return changed


def ensure_deletable(product: Product) -> None:
    """Products used by documents stay; the manual advises taking them off the shelf instead."""
    used_by = referencing_rows(product)
    if used_by:
        raise ValidationFailed(f"产品“{product.name}”已被{used_by}使用，不能删除；如不再销售，请将其下架")


def ensure_sellable(product: Product | None) -> Product:
    """Off-shelf products cannot be sold or purchased (manual 3.4.7)."""
    if product is None:
        raise ValidationFailed("产品不存在")
    if not product.on_shelf:
        raise ValidationFailed(f"产品“{product.name}”已下架，不能用于销售或采购")
    return product


def search_condition(term: str):
    """One search box for 编号, 名称, 拼音简码 and 规格."""
    term = term.strip()
    like = f"%{term.replace('%', '').replace('_', '')}%"
    conditions = [Product.code.like(like), Product.name.like(like), Product.spec.like(like)]
    lowered = term.lower()
    if lowered.isascii() and lowered.isalnum():
        conditions.append(Product.pinyin.like(f"%{lowered}%"))
    return or_(*conditions)


def category_condition(category_id: int):
    return Product.category_id.in_(subtree_ids(ProductCategory, category_id))


def category_choices() -> list[tuple[int, str]]:
    """产品类别 as a tree in display order, indented by depth, for pickers (添加订单 picks products by category)."""
    rows = db.session.scalars(select(ProductCategory).order_by(ProductCategory.sort_order, ProductCategory.id)).all()
    children: dict[int | None, list[ProductCategory]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    chosen: list[tuple[int, str]] = []

    def walk(parent_id, depth):
        for row in children.get(parent_id, []):
            if len(chosen) < 500 and depth < 10:
                chosen.append((row.id, "　" * depth + row.name))
                walk(row.id, depth + 1)

    walk(None, 0)
    return chosen
