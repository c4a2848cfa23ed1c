"""Line items shared by orders, returns and quotes: product checks, price and quantity parsing."""

from dataclasses import dataclass
from decimal import Decimal

from app.extensions import db
from app.services.errors import ValidationFailed
from app.services.orders.totals import line_subtotal, parse_amount, parse_quantity
from app.services.products import ensure_sellable
from models.products import Product

MAX_LINES = 200


@dataclass
class LineInput:
    product_id: int | str | None
    quantity: str | Decimal | None
    unit_price: str | Decimal | None = None  # empty -> the product's price


@dataclass
class PricedLine:
    product: Product
    unit_price: Decimal
    quantity: Decimal
    subtotal: Decimal


def price_lines(lines: list[LineInput], sellable_only: bool = True) -> list[PricedLine]:
    """Validate every line; the first bad one is refused with its position, so nothing is half-saved."""
    if not lines:
        raise ValidationFailed("请至少添加一个产品")
    if len(lines) > MAX_LINES:
        raise ValidationFailed(f"一张单据最多 {MAX_LINES} 个产品")
    priced = []
    for position, line in enumerate(lines, start=1):
        prefix = f"第 {position} 行："
        try:
            product_id = int(line.product_id)
        except (TypeError, ValueError):
            raise ValidationFailed(f"{prefix}请选择产品") from None
        product = db.session.get(Product, product_id)
        try:
            if sellable_only:
                ensure_sellable(product)
            elif product is None:
                raise ValidationFailed("产品不存在")
            empty_price = line.unit_price is None or (isinstance(line.unit_price, str) and not line.unit_price.strip())
            price = product.price if empty_price else parse_amount(line.unit_price, "单价", default_zero=False)
            quantity = parse_quantity(line.quantity)
        except ValidationFailed as exc:
            raise ValidationFailed(prefix + exc.message) from None
        priced.append(PricedLine(product, price, quantity, line_subtotal(price, quantity)))
    return priced


def fill_line(row, position: int, line: PricedLine):
    """Copy a priced line onto an order or quote line row, keeping the product as it was sold."""
    row.position = position
    row.product_id = line.product.id
    row.product_code = line.product.code
    row.product_name = line.product.name
    row.product_spec = line.product.spec
    row.product_unit = line.product.unit
    row.unit_price = line.unit_price
    row.quantity = line.quantity
    row.subtotal = line.subtotal
    return row
