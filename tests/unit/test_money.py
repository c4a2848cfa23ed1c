"""The one money helper: parsing, checking, half-up rounding and the `yuan` filter pages use."""

from decimal import Decimal

import pytest

from app.services import money
from app.services.errors import ValidationFailed
from app.services.orders import totals


@pytest.mark.parametrize(("text", "expected"), [("1,234.5", "1234.50"), ("¥12", "12.00"), ("", "0.00"), (None, "0.00"),
                                                (0.1, "0.10")])
def test_parse_amount_reads_what_users_type(text, expected):
    assert money.parse_amount(text, "实付金额") == Decimal(expected)


@pytest.mark.parametrize(("text", "message"), [("1.005", "实付金额最多保留两位小数"), ("-1", "实付金额不能为负数"),
                                               ("abc", "实付金额格式不正确"), ("NaN", "实付金额格式不正确"),
                                               ("1e16", "实付金额超出允许范围")])
def test_parse_amount_refuses_with_a_chinese_message(text, message):
    with pytest.raises(ValidationFailed, match=message):
        money.parse_amount(text, "实付金额")


def test_rounding_is_half_up_to_cents_and_line_subtotals_use_it():
    assert money.round_money(Decimal("2.675")) == Decimal("2.68")  # float rounding would give 2.67
    assert money.round_money(Decimal("-0.005")) == Decimal("-0.01")
    assert totals.line_subtotal(Decimal("19.995000"), Decimal("3")) == Decimal("59.99")
    assert totals.round_money is money.round_money and totals.parse_amount is money.parse_amount


def test_yuan_shows_amounts_as_the_pages_do(app):
    assert money.yuan(Decimal("1234.5")) == "1234.50"
    assert money.yuan(None) == "0.00"
    assert money.yuan(Decimal("1234567.005"), "¥", grouped=True) == "¥1,234,567.01"
    assert app.jinja_env.from_string("{{ x|yuan }}").render(x=Decimal("88.8")) == "88.80"
