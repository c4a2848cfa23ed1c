"""Money is Decimal everywhere: parsed, checked, rounded half-up to 0.01 and shown in this one place.

Precision: amounts (prices, subtotals, payable, paid, debt) are Numeric(18, 2); the moving-average unit cost
of inventory is Numeric(18, 6) (models/inventory.py), rounded to cents only when it becomes an amount.
Pages show amounts as 1234.50 (two decimals, no thousands separators); the order lists' 金额 columns show
¥1,234.50. Templates use the `yuan` filter (registered by create_app), never '%.2f'|format.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.services.errors import ValidationFailed

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1e16")  # Numeric(18, 2) holds 16 digits before the point


def parse_decimal(value, label: str) -> Decimal:
    """A finite Decimal from user input ("1,234.5", "¥12") or a number; never a float's binary noise."""
    if isinstance(value, Decimal):
        amount = value
    else:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValidationFailed(f"{label}不能为空")
        if isinstance(value, float):
            value = repr(value)
        try:
            amount = Decimal(str(value).strip().replace(",", "").replace("¥", ""))
        except InvalidOperation:
            raise ValidationFailed(f"{label}格式不正确") from None
    if not amount.is_finite():
        raise ValidationFailed(f"{label}格式不正确")
    return amount


def check_money(value: Decimal, field_label: str = "金额", allow_negative: bool = False) -> Decimal:
    """Refuse amounts with more than two decimals or below zero instead of silently rounding."""
    if value is None:
        raise ValidationFailed(f"{field_label}不能为空")
    amount = Decimal(value)
    if amount != amount.quantize(CENT):
        raise ValidationFailed(f"{field_label}最多保留两位小数")
    if not allow_negative and amount < 0:
        raise ValidationFailed(f"{field_label}不能为负数")
    if abs(amount) >= MAX_AMOUNT:
        raise ValidationFailed(f"{field_label}超出允许范围")
    return amount.quantize(CENT)


def parse_amount(value, label: str, default_zero: bool = True) -> Decimal:
    """A non-negative amount typed by a user, at most two decimals; 3 decimals are refused, not rounded."""
    if default_zero and (value is None or (isinstance(value, str) and not value.strip())):
        return Decimal("0.00")
    return check_money(parse_decimal(value, label), label)


def round_money(value: Decimal) -> Decimal:
    """A computed amount (price x quantity, an average cost's value) rounded half-up to cents."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def yuan(value, symbol: str = "", grouped: bool = False) -> str:
    """An amount as pages show it: 1234.50; yuan(x, "¥", grouped=True) gives ¥1,234.50. None shows as 0.00."""
    amount = round_money(Decimal(0 if value is None else value))
    return f"{symbol}{amount:,.2f}" if grouped else f"{symbol}{amount:.2f}"
