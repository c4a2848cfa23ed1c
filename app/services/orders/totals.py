"""Order and quote arithmetic: Decimal only, half-up to cents, recomputed on the server from lines."""

from dataclasses import dataclass
from decimal import Decimal

from app.services.errors import ValidationFailed
from app.services.money import (  # noqa: F401  (parse_amount: the order and inventory services import it here)
    parse_amount,
    parse_decimal,
    round_money,
)

QUANTITY_STEP = Decimal("0.001")
MAX_QUANTITY = Decimal("100000000")


def parse_quantity(value, label: str = "数量") -> Decimal:
    quantity = parse_decimal(value, label)
    if quantity <= 0:
        raise ValidationFailed(f"{label}必须大于 0")
    if quantity != quantity.quantize(QUANTITY_STEP):
        raise ValidationFailed(f"{label}最多保留三位小数")
    if quantity >= MAX_QUANTITY:
        raise ValidationFailed(f"{label}超出允许范围")
    return quantity.quantize(QUANTITY_STEP)


def line_subtotal(unit_price: Decimal, quantity: Decimal) -> Decimal:
    return round_money(unit_price * quantity)


@dataclass(frozen=True)
class Totals:
    product_total: Decimal
    freight: Decimal
    discount: Decimal
    payable: Decimal
    paid: Decimal
    debt: Decimal


def order_totals(subtotals, freight: Decimal, discount: Decimal, paid: Decimal, is_return: bool = False) -> Totals:
    """应付 = 产品总额 + 运费 - 优惠; 欠款 = 应付 - 实付. A return stores 应付/实付 negative."""
    product_total = round_money(sum(subtotals, Decimal("0")))
    if discount > product_total + freight:
        raise ValidationFailed("优惠金额不能大于产品总额与运费之和")
    payable = round_money(product_total + freight - discount)
    if paid > payable:
        raise ValidationFailed("实付金额不能大于应付金额")
    if is_return:
        payable, paid = -payable, -paid
    return Totals(product_total, freight, discount, payable, paid, round_money(payable - paid))
