"""订单打印 (5.2/5.3): the printable list in scope, the batch printed one page per order, permissions and crafted ids."""

from sqlalchemy import select

from app.extensions import db
from models.orders import OrderStatus
from models.print_templates import PrintTemplate, TemplateKind
from tests.helpers import PASSWORD, admin, login, make_employee, make_role
from tests.order_factories import make_customer, make_order

PRINTER = ["order.view", "order.print"]


def printer(username="printer", permissions=PRINTER, scope="self"):
    role = make_role(f"角色{username}", permissions, scopes={"order": scope, "customer": scope})
    return make_employee(username, role=role, real_name=f"打印{username}")


def template(kind):
    return db.session.scalar(select(PrintTemplate).where(PrintTemplate.kind == kind, PrintTemplate.is_default.is_(True)))


def test_the_list_shows_approved_orders_with_status_filter_and_search(client):
    pending = make_order()
    picking = make_order(status=OrderStatus.PICKING)
    shipped = make_order(customer=make_customer("成都知客网络技术有限公司", contact="张先生"), status=OrderStatus.SHIPPED)
    db.session.commit()
    login(client)
    html = client.get("/order-print/").get_data(as_text=True)
    assert picking.number in html and shipped.number in html and pending.number not in html
    assert "订单列表" in html and "模板管理" in html and 'id="print-template"' in html
    html = client.get("/order-print/?status=shipped").get_data(as_text=True)
    assert shipped.number in html and picking.number not in html
    assert f'<option value="{template(TemplateKind.SHIPPING).id}" selected' in html  # 发货单 for shipped orders
    html = client.get("/order-print/?q=知客").get_data(as_text=True)  # 客户名称
    assert shipped.number in html and picking.number not in html
    html = client.get(f"/order-print/?q={picking.number.lower()}").get_data(as_text=True)  # 订单号
    assert picking.number in html and shipped.number not in html
    html = client.get("/order-print/?status=bogus&page=abc").get_data(as_text=True)  # crafted: ignored
    assert picking.number in html and shipped.number in html


def test_menu_entry_under_order_management(client):
    login(client)
    html = client.get("/order-picking/").get_data(as_text=True)
    assert html.index("已经发货订单") < html.index('href="/order-print/"') < html.index("交易完成订单")


def test_printing_the_chosen_orders_one_page_each(client):
    first, second = make_order(status=OrderStatus.PICKING), make_order(status=OrderStatus.SHIPPED)
    db.session.commit()
    login(client)
    picking = template(TemplateKind.PICKING)
    html = client.get("/order-print/print", query_string={"id": [first.id, second.id], "template_id": picking.id}
                      ).get_data(as_text=True)
    assert html.count('<div class="print-page">') == 2 and html.count("陆佰陆拾元整") == 2
    assert html.index(first.number) < html.index(second.number)
    shipping = template(TemplateKind.SHIPPING)
    html = client.get("/order-print/print", query_string={"id": [second.id], "template_id": shipping.id}
                      ).get_data(as_text=True)
    assert "<h2" in html and "发货单" in html and second.number in html and first.number not in html


def test_bad_choices_get_a_clear_message(client):
    order = make_order(status=OrderStatus.PICKING)
    quote_template = template(TemplateKind.QUOTE)
    db.session.commit()
    login(client)
    picking = template(TemplateKind.PICKING).id
    for args, message in (({"template_id": picking}, "请先勾选要打印的订单"),
                          ({"id": ["abc", "-1", "1e3"], "template_id": picking}, "请先勾选要打印的订单"),
                          ({"id": [order.id]}, "请选择配货单或发货单打印模板"),
                          ({"id": [order.id], "template_id": quote_template.id}, "请选择配货单或发货单打印模板"),
                          ({"id": [order.id], "template_id": "99999999999999999999"}, "请选择配货单或发货单打印模板"),
                          ({"id": list(range(1, 103)), "template_id": picking}, "一次最多打印 100 个订单")):
        response = client.get("/order-print/print", query_string=args, follow_redirects=True)
        assert response.status_code == 200 and message in response.get_data(as_text=True), args


def test_scope_limits_the_list_and_the_printed_orders(client):
    me = printer()
    mine = make_order(customer=make_customer(owner=me), actor=admin(), owner_id=me.id, status=OrderStatus.PICKING)
    other = make_order(status=OrderStatus.PICKING)
    db.session.commit()
    login(client, "printer", PASSWORD)
    html = client.get("/order-print/").get_data(as_text=True)
    assert mine.number in html and other.number not in html
    picking = template(TemplateKind.PICKING).id
    assert client.get("/order-print/print", query_string={"id": [mine.id, other.id], "template_id": picking}
                      ).status_code == 404
    html = client.get("/order-print/print", query_string={"id": [mine.id], "template_id": picking}).get_data(as_text=True)
    assert mine.number in html and other.number not in html
    assert client.get("/order-print/print", query_string={"id": [10**9], "template_id": picking}).status_code == 404


def test_the_print_permission_is_needed(client):
    printer("viewer", ["order.view"])
    make_order(status=OrderStatus.PICKING)
    db.session.commit()
    login(client, "viewer", PASSWORD)
    assert client.get("/order-print/").status_code == 403
    assert client.get("/order-print/print?id=1&template_id=1").status_code == 403
    html = client.get("/order-picking/").get_data(as_text=True)
    assert 'href="/order-print/"' not in html


def test_tabs_join_the_lists_the_print_screen_and_the_templates(client):
    login(client)
    html = client.get("/order-print/?status=shipped").get_data(as_text=True)
    tabs = html[html.index('id="order-list-tabs"'):html.index("</ul>", html.index('id="order-list-tabs"'))]
    assert 'href="/order-shipped/"' in tabs and 'href="/print-template/"' in tabs
    html = client.get("/print-template/").get_data(as_text=True)
    tabs = html[html.index('id="order-list-tabs"'):html.index("</ul>", html.index('id="order-list-tabs"'))]
    assert 'href="/order-picking/"' in tabs and 'href="/order-print/"' in tabs and "默认配货单" in html
