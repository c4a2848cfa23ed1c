"""报价单管理 through the client: add, sums row, 复制, 转为销售, print, scope."""

from sqlalchemy import func, select

from app.extensions import db
from app.services.orders import quotes
from app.services.orders.lines import LineInput
from models.orders import OrderStatus, SalesOrder
from models.quotes import Quote, QuoteStatus
from tests.helpers import PASSWORD, admin, login, make_employee, make_role
from tests.order_factories import make_customer, make_product


def make_quote(customer=None, actor=None):
    customer = customer or make_customer()
    product = make_product("星烛客户管理系统", "2200.00", spec="标准版", unit="套")
    return quotes.create_quote(quotes.QuoteInput(customer.id, [LineInput(product.id, "1")], "陈军", "13798497581"),
                               actor or admin())


def test_add_a_quote_from_the_form(client):
    customer, product = make_customer(), make_product(price="99.00")
    db.session.commit()
    login(client)
    html = client.post("/quote/add", data={"customer_id": customer.id, "product_id": [product.id], "quantity": ["2"],
                                           "unit_price": ["95.5"], "contact_name": "陈军"},
                       follow_redirects=True).get_data(as_text=True)
    quote = db.session.scalar(select(Quote))
    assert quote.number in html and "¥191.00" in html


def test_list_sums_copy_convert_and_print(client):
    quote = make_quote()
    db.session.commit()
    login(client)
    html = client.get("/quote/").get_data(as_text=True)
    assert quote.number in html and "报价单金额汇总" in html and 'data-sum="total">¥2,200.00' in html
    html = client.post(f"/quote/row-action/copy/{quote.id}", follow_redirects=True).get_data(as_text=True)
    assert f"已复制报价单 {quote.number}" in html
    assert db.session.scalar(select(func.count(Quote.id))) == 2
    html = client.post(f"/quote/row-action/convert/{quote.id}", follow_redirects=True).get_data(as_text=True)
    order = db.session.scalar(select(SalesOrder))
    assert f"已转为销售订单 {order.number}" in html and order.status == OrderStatus.PENDING
    db.session.expire_all()
    assert db.session.get(Quote, quote.id).status == QuoteStatus.CONVERTED
    html = client.post(f"/quote/row-action/convert/{quote.id}", follow_redirects=True).get_data(as_text=True)
    assert "当前状态为“已转销售”，不能转为销售" in html and db.session.scalar(select(func.count(SalesOrder.id))) == 1
    printed = client.get(f"/quote/{quote.id}/print").get_data(as_text=True)
    assert "报价单" in printed and "贰仟贰佰元整" in printed and quote.number in printed


def test_quotes_of_others_are_not_found(client):
    role = make_role("销售", ["quote.view", "quote.add", "quote.edit"], scopes={"order": "self", "customer": "self"})
    make_employee("seller", role=role)
    quote = make_quote()
    db.session.commit()
    login(client, "seller", PASSWORD)
    assert quote.number not in client.get("/quote/").get_data(as_text=True)
    assert client.get(f"/quote/{quote.id}").status_code == 404
    assert client.get(f"/quote/{quote.id}/edit").status_code == 404
    assert client.post(f"/quote/row-action/copy/{quote.id}").status_code == 404


def test_the_customer_quotes_tab_lists_open_quotes_and_deletes_one(client):
    customer = make_customer("深圳鼎显自动化设备有限公司")
    kept, gone = make_quote(customer), make_quote(customer)
    converted = make_quote(customer)
    quotes.convert_to_order(converted, admin())
    db.session.commit()
    login(client)
    page = client.get(f"/customer/details/?id={customer.id}").get_data(as_text=True)
    tab = page.split('id="customer-quotes-tab"')[1].split("</table>")[0]
    assert kept.number in tab and gone.number in tab and converted.number not in tab
    response = client.post(f"/quote/delete/?url=/customer/details/?id={customer.id}", data={"id": gone.id})
    assert response.status_code == 302
    assert db.session.get(Quote, gone.id) is None and db.session.get(Quote, kept.id) is not None


def test_the_quote_list_searches_and_sums_quotes_without_order_behaviour(client):
    from admin_views.orders import OrderListView
    from admin_views.quotes import QuoteView
    from tests.order_factories import make_order

    assert not issubclass(QuoteView, OrderListView)
    customer = make_customer()
    chen = make_quote(customer)
    product = make_product("星烛呼叫中心", "500.00")
    wang = quotes.create_quote(quotes.QuoteInput(customer.id, [LineInput(product.id, "3")], "王芳", "13900000000"),
                               admin())
    order = make_order(customer)
    db.session.commit()
    login(client)
    html = client.get("/quote/").get_data(as_text=True)
    assert chen.number in html and wang.number in html and order.number not in html
    assert 'data-sum="total">¥3,700.00' in html
    html = client.get("/quote/?search=王").get_data(as_text=True)
    assert wang.number in html and chen.number not in html
    assert 'data-sum="total">¥1,500.00' in html and "报价单金额汇总" in html
    html = client.get(f"/quote/?search={chen.number.lower()}").get_data(as_text=True)
    assert chen.number in html and wang.number not in html
    for order_only in ("订单金额汇总", 'data-sum="payable"', "回款记录", 'value="print"', "order-list-tabs"):
        assert order_only not in html
