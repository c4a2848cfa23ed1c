"""Money is Decimal everywhere, rounded half-up to 0.01 in this one place."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.services.errors import ValidationFailed

CENT = Decimal("0.01")


def to_money(value, field_label: str = "金额") -> Decimal:
    """Parse user input or a number into a Decimal rounded half-up to cents."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return Decimal("0.00")
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationFailed(f"{field_label}格式不正确") from None
    if not amount.is_finite():
        raise ValidationFailed(f"{field_label}格式不正确")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def check_money(value: Decimal, field_label: str = "金额", allow_negative: bool = False) -> Decimal:
    """Refuse amounts with more than two decimals or below zero instead of silently rounding."""
    if value is None:
        raise ValidationFailed(f"{field_label}不能为空")
    amount = Decimal(value)
    if amount != amount.quantize(CENT):
        raise ValidationFailed(f"{field_label}最多保留两位小数")
    if not allow_negative and amount < 0:
        raise ValidationFailed(f"{field_label}不能为负数")
    if abs(amount) >= Decimal("1e16"):
        raise ValidationFailed(f"{field_label}超出允许范围")
    return amount.quantize(CENT)
