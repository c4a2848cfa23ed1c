"""What orders and quotes add to the customer screens: 订单历史 and 销售报价 tabs, 销售总额/欠款总额, 有欠款."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.services.customer_extensions import (
    register_detail_tab,
    register_quick_view,
    register_summary_field,
)
from app.services.orders.customer_totals import debt_total, has_debt_condition, sales_total
from app.services.orders.workflow import ORDER_FLOW
from models.customers import Customer
from models.orders import SalesOrder
from models.quotes import Quote, QuoteStatus

TAB_LIMIT = 20


def order_history(customer) -> dict:
    # The customer page is visible (checked by its view), so are its orders: app/services/orders/visibility.py.
    query = select(SalesOrder).where(SalesOrder.customer_id == customer.id)
    orders = db.session.scalars(query.options(selectinload(SalesOrder.lines))
                                .order_by(SalesOrder.order_date.desc(), SalesOrder.id.desc()).limit(TAB_LIMIT)).all()
    return {"orders": orders, "tab_limit": TAB_LIMIT, "payable_ids": {o.id for o in orders if ORDER_FLOW.allows("pay", o)}}


def open_quotes(customer) -> dict:
    query = select(Quote).where(Quote.customer_id == customer.id, Quote.status == QuoteStatus.OPEN)
    quotes = db.session.scalars(query.order_by(Quote.quote_date.desc(), Quote.id.desc()).limit(TAB_LIMIT)).all()
    return {"quotes": quotes, "tab_limit": TAB_LIMIT}


register_detail_tab("orders", "订单历史", "order.view", "admin/orders/customer_orders_tab.html", order_history)
register_detail_tab("quotes", "销售报价", "quote.view", "admin/orders/customer_quotes_tab.html", open_quotes)
register_summary_field("销售总额", sales_total)
register_summary_field("欠款总额", debt_total)
register_quick_view("debt", "有欠款", lambda: has_debt_condition(Customer.id))
