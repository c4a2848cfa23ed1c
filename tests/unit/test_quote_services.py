"""报价单 (manual 5.8): BJ numbers, 复制, 编辑, 转为销售 (once), scope shared with orders."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.services.errors import NotFound, ValidationFailed
from app.services.orders import quotes
from app.services.orders.customer_totals import customer_totals
from app.services.orders.lines import LineInput
from app.services.orders.workflow import transition
from models.orders import OrderStatus, SalesOrder
from models.quotes import Quote, QuoteStatus
from tests.helpers import admin, make_employee, make_role
from tests.order_factories import make_customer, make_product


def make_quote(customer=None, actor=None):
    customer = customer or make_customer()
    lines = [LineInput(make_product("星烛客户管理系统", "2200.00", spec="标准版", unit="套").id, "2", "2100.00"),
             LineInput(make_product("来电显示盒", "99.00").id, "1.5", None)]
    return quotes.create_quote(quotes.QuoteInput(customer.id, lines, "陈军", "13798497581", "含安装"), actor or admin())


def test_quote_gets_a_bj_number_and_server_side_total(db):
    quote = make_quote()
    assert quote.number.startswith("BJ") and len(quote.number) == 15
    assert quote.total == Decimal("4348.50") and quote.status == QuoteStatus.OPEN
    assert [line.subtotal for line in quote.lines] == [Decimal("4200.00"), Decimal("148.50")]


def test_copy_makes_a_new_quote_with_the_same_content(db):
    quote = make_quote()
    copy = quotes.copy_quote(quote, admin())
    assert copy.id != quote.id and copy.number != quote.number
    assert (copy.customer_id, copy.contact_name, copy.phone, copy.remark, copy.total) == (
        quote.customer_id, quote.contact_name, quote.phone, quote.remark, quote.total)
    assert [(line.product_id, line.quantity, line.unit_price) for line in copy.lines] == [
        (line.product_id, line.quantity, line.unit_price) for line in quote.lines]


def test_convert_creates_a_pending_order_once_and_the_quote_leaves_the_open_list(db):
    customer = make_customer()
    quote = make_quote(customer)
    order = quotes.convert_to_order(quote, admin())
    assert order.status == OrderStatus.PENDING and order.customer_id == customer.id
    assert order.payable == quote.total == Decimal("4348.50")
    assert [(line.product_id, line.quantity, line.unit_price) for line in order.lines] == [
        (line.product_id, line.quantity, line.unit_price) for line in quote.lines]
    assert quote.status == QuoteStatus.CONVERTED and quote.order_id == order.id
    assert order.receiver_name == "陈军" and quote.number in order.remark
    with pytest.raises(ValidationFailed, match=f"报价单 {quote.number} 当前状态为“已转销售”，不能转为销售"):
        quotes.convert_to_order(quote, admin())
    with pytest.raises(ValidationFailed, match="已转为销售订单，不能修改"):
        quotes.update_quote(quote, quotes.QuoteInput(customer.id, [LineInput(quote.lines[0].product_id, "1")]),
                            admin())
    assert db.session.scalar(select(Quote.id).where(Quote.customer_id == customer.id,
                                                    Quote.status == QuoteStatus.OPEN)) is None
    assert customer_totals(customer.id) == (Decimal("0.00"), Decimal("0.00"))  # 等待审核 is not counted yet
    transition(order, "approve", admin())
    assert customer_totals(customer.id) == (Decimal("4348.50"), Decimal("4348.50"))


def test_convert_refuses_products_taken_off_the_shelf_since(db):
    quote = make_quote()
    quote.lines[1].product.on_shelf = False
    with pytest.raises(ValidationFailed, match="已下架"):
        quotes.convert_to_order(quote, admin())
    assert db.session.scalar(select(SalesOrder.id)) is None


def test_quotes_follow_the_order_data_scope(db):
    """Outside the order scope a quote is reachable only through its customer (app/services/orders/visibility.py)."""
    seller = make_employee("seller", role=make_role("销售", ["quote.view", "quote.add", "quote.convert", "order.add"],
                                                    scopes={"order": "self", "customer": "self"}))
    quote = make_quote()
    with pytest.raises(NotFound):
        quotes.get_quote(quote.id, seller)
    with pytest.raises(NotFound):
        quotes.convert_to_order(quote, seller)
    own = make_quote(customer=make_customer(owner=seller), actor=seller)
    assert quotes.get_quote(own.id, seller) is own
    quote.customer.owner_id = seller.id  # 客户指派: the seller now works the customer, and its quotes
    assert quotes.get_quote(quote.id, seller) is quote


def test_only_open_quotes_show_edit_and_convert(db):
    flow = quotes.QUOTE_FLOW
    quote = make_quote()
    assert flow.allows("edit", quote) and flow.can_take(quote, "convert")
    quotes.convert_to_order(quote, admin())
    assert not flow.allows("edit", quote) and not flow.can_take(quote, "convert")
    assert flow.allows("copy", quote) and flow.allows("delete", quote)
