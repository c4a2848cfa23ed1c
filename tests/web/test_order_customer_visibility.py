"""One visibility rule (issue 11, item 3): whoever may see a customer sees and opens its orders and quotes,
whoever entered them; the order lists keep the order scope."""

from app.extensions import db
from app.services.customers import records, sharing
from models.orders import OrderStatus
from tests.helpers import PASSWORD, admin, login, make_employee, make_role
from tests.order_factories import make_customer, make_order
from tests.web.test_quote_views import make_quote

REP_PERMISSIONS = ["customer.view", "order.view", "order.pay", "order.print", "quote.view"]


def rep(username):
    role = make_role(f"角色{username}", REP_PERMISSIONS, scopes={"order": "self", "customer": "self"})
    return make_employee(username, role=role, real_name=f"业务员{username}")


def assigned_customer_with_orders(rep_employee):
    """The administrator enters the orders, then 客户指派 hands the customer to the rep."""
    customer = make_customer(name="合肥星烛贸易有限公司", owner=admin())
    order = make_order(customer=customer, status=OrderStatus.PICKING)
    quote = make_quote(customer=customer)
    records.assign_owner([customer], rep_employee.id, admin())
    return customer, order, quote


def test_assigned_rep_sees_the_tab_the_totals_and_opens_the_order(client):
    me = rep("zhang")
    customer, order, quote = assigned_customer_with_orders(me)
    db.session.commit()
    login(client, "zhang", PASSWORD)
    html = client.get(f"/customer/details/?id={customer.id}").get_data(as_text=True)
    assert order.number in html and quote.number in html
    assert "660.00" in html  # 销售总额 counts the same order the tab shows
    assert "该客户还没有订单" not in html
    assert client.get(f"/order/{order.id}").status_code == 200
    assert client.get(f"/order/{order.id}/payment").status_code == 200  # the rep now works the customer
    assert client.get(f"/order/{order.id}/print?kind=picking").status_code == 200
    assert client.get(f"/quote/{quote.id}").status_code == 200


def test_order_lists_keep_the_order_scope(client):
    me = rep("zhang")
    _customer, order, _quote = assigned_customer_with_orders(me)
    db.session.commit()
    login(client, "zhang", PASSWORD)
    assert order.number not in client.get("/order-picking/").get_data(as_text=True)
    assert order.number not in client.get("/order-query/").get_data(as_text=True)


def test_a_share_opens_the_order_but_does_not_act_on_it(client):
    me, colleague = rep("zhang"), rep("li")
    customer, order, _quote = assigned_customer_with_orders(me)
    sharing.share(customer, [colleague.id], me)
    db.session.commit()
    login(client, "li", PASSWORD)
    assert order.number in client.get(f"/customer/details/?id={customer.id}").get_data(as_text=True)
    assert client.get(f"/order/{order.id}").status_code == 200
    assert client.get(f"/order/{order.id}/payment").status_code == 404


def test_someone_who_cannot_see_the_customer_gets_404(client):
    me = rep("zhang")
    rep("wang")
    customer, order, quote = assigned_customer_with_orders(me)
    db.session.commit()
    login(client, "wang", PASSWORD)
    assert client.get(f"/customer/details/?id={customer.id}").status_code == 404
    assert client.get(f"/order/{order.id}").status_code == 404
    assert client.get(f"/quote/{quote.id}").status_code == 404
    assert client.get("/order/abc").status_code == 404
