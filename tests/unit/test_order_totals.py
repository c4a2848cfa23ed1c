"""Order arithmetic in Decimal: half-up to cents, refusals instead of silent rounding."""

from decimal import Decimal

import pytest

from app.services.errors import ValidationFailed
from app.services.orders.totals import line_subtotal, order_totals, parse_amount, parse_quantity

D = Decimal


@pytest.mark.parametrize(("price", "quantity", "subtotal"), [
    ("260.00", "1.12", "291.20"),      # figure 5-7: 藻蓝色素 260 x 1.12
    ("0.10", "3", "0.30"),             # 0.1 * 3 is exactly 0.30, unlike in binary floats
    ("99.99", "0.005", "0.50"),        # 0.49995 rounds half-up
    ("0.01", "0.5", "0.01"),           # 0.005 -> 0.01 (half-up, not banker's 0.00)
    ("0.01", "0.4", "0.00"),
    ("19000.00", "1", "19000.00"),
    ("99999999.99", "1000", "99999999990.00"),
])
def test_line_subtotal_rounds_half_up_to_cents(price, quantity, subtotal):
    assert line_subtotal(D(price), D(quantity)) == D(subtotal)


def test_order_totals_follow_the_manual_formulae():
    totals = order_totals([D("2200.00"), D("234.40")], freight=D("10.00"), discount=D("10.00"), paid=D("2430.00"))
    assert (totals.product_total, totals.payable, totals.paid, totals.debt) == (
        D("2434.40"), D("2434.40"), D("2430.00"), D("4.40"))


def test_return_totals_are_negative():
    totals = order_totals([D("336.00")], freight=D("0"), discount=D("0"), paid=D("336.00"), is_return=True)
    assert (totals.payable, totals.paid, totals.debt) == (D("-336.00"), D("-336.00"), D("0.00"))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"discount": D("700.01")}, "优惠金额不能大于产品总额与运费之和"),
    ({"paid": D("700.01")}, "实付金额不能大于应付金额"),
])
def test_impossible_amounts_are_refused(kwargs, message):
    args = {"freight": D("0"), "discount": D("0"), "paid": D("0")} | kwargs
    with pytest.raises(ValidationFailed, match=message):
        order_totals([D("660.00"), D("40.00")], **args)


@pytest.mark.parametrize(("text", "message"), [
    ("12.345", "单价最多保留两位小数"),
    ("-1", "单价不能为负数"),
    ("abc", "单价格式不正确"),
    ("NaN", "单价格式不正确"),
    ("Infinity", "单价格式不正确"),
    ("1e20", "单价超出允许范围"),
])
def test_bad_prices_are_refused_not_rounded(text, message):
    with pytest.raises(ValidationFailed, match=message):
        parse_amount(text, "单价", default_zero=False)


def test_prices_accept_separators_and_keep_cents():
    assert parse_amount("1,234.5", "单价") == D("1234.50")
    assert parse_amount("", "运费") == D("0.00")
    with pytest.raises(ValidationFailed, match="单价不能为空"):
        parse_amount("  ", "单价", default_zero=False)


@pytest.mark.parametrize(("text", "message"), [
    ("0", "数量必须大于 0"),
    ("-2", "数量必须大于 0"),
    ("0.0001", "数量最多保留三位小数"),
    ("", "数量不能为空"),
    ("一", "数量格式不正确"),
    ("1e9", "数量超出允许范围"),
])
def test_bad_quantities_are_refused(text, message):
    with pytest.raises(ValidationFailed, match=message):
        parse_quantity(text)


def test_decimal_quantities_are_kept():
    assert parse_quantity("1.12") == D("1.120")
    assert parse_quantity("3.05") == D("3.050")
