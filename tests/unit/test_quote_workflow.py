"""报价单 (manual 5.8) on the workflow engine: the shared table-driven cases, the quote log and 转为销售's order."""

from sqlalchemy import func, select

from app.services.orders import quotes
from app.services.orders.lines import LineInput
from app.services.orders.quotes import QUOTE_FLOW
from app.services.workflow import advance
from models.orders import OrderStatus, SalesOrder
from models.quotes import QuoteLog, QuoteStatus
from tests.helpers import admin
from tests.order_factories import make_customer, make_product
from tests.workflow_cases import WorkflowCases


def make_quote(status=QuoteStatus.OPEN, owner=None):
    owner = owner or admin()
    customer = make_customer(owner=owner)
    lines = [LineInput(make_product("来电显示盒", "99.00").id, "2", None)]
    quote = quotes.create_quote(quotes.QuoteInput(customer.id, lines, "陈军", "13798497581"), owner)
    if status == QuoteStatus.CONVERTED:
        quotes.convert_to_order(quote, owner)
    return quote


class TestQuoteWorkflow(WorkflowCases):
    flow = QUOTE_FLOW
    expected = {("convert", QuoteStatus.OPEN): QuoteStatus.CONVERTED}

    def make(self, state, owner=None):
        return make_quote(state, owner)


def test_the_quote_log_tells_who_added_changed_and_converted(db):
    quote = make_quote()
    product = make_product("栀子黄色素", "180.00")
    quotes.update_quote(quote, quotes.QuoteInput(quote.customer_id, [LineInput(product.id, "1")]), admin())
    order = quotes.convert_to_order(quote, admin(), note="客户确认")
    logs = db.session.scalars(select(QuoteLog).where(QuoteLog.quote_id == quote.id).order_by(QuoteLog.id)).all()
    assert [(log.action, log.from_status, log.to_status) for log in logs] == [
        ("添加报价单", None, "open"), ("修改报价单", "open", "open"), ("转为销售", "open", "converted")]
    assert logs[-1].note == "客户确认" and all(log.employee_id == admin().id for log in logs)
    assert quote.converted_at is not None and quote.order_id == order.id and order.status == OrderStatus.PENDING


def test_a_refused_conversion_creates_no_order(db):
    quote = make_quote(QuoteStatus.CONVERTED)
    db.session.commit()
    before = db.session.scalar(select(func.count(SalesOrder.id)))
    result = advance(QUOTE_FLOW, [quote.id], "convert", admin())
    assert result.count == 0 and "不能转为销售" in result.refused[0].message
    assert db.session.scalar(select(func.count(SalesOrder.id))) == before
