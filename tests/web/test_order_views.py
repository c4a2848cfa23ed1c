"""Order screens through the client: permissions, data scope by id, crafted posts refused, sums and bulk actions."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.services.orders.logistics import save_logistics
from models.base_data import LogisticsCompany
from models.orders import OrderStatus, Payment, SalesOrder
from models.print_templates import PrintTemplate
from tests.helpers import PASSWORD, admin, login, make_employee, make_role
from tests.order_factories import make_customer, make_order, make_product

SELLER_PERMISSIONS = ["order.view", "order.add", "order.edit", "order.pay", "order.export", "order.print"]


def seller(username="seller", permissions=SELLER_PERMISSIONS, scope="self"):
    role = make_role(f"角色{username}", permissions, scopes={"order": scope, "customer": scope})
    return make_employee(username, role=role, real_name=f"销售{username}")


def order_count():
    return db.session.scalar(select(func.count(SalesOrder.id)))


def form_for(customer, product, quantity="1", price="", **extra):
    return {"customer_id": customer.id, "product_id": [product.id], "quantity": [quantity], "unit_price": [price],
            "freight": "0", "discount": "0", "paid": "0", "receiver_name": "顾老板", **extra}


def test_lists_need_the_view_permission(client):
    make_employee("nobody", role=make_role("无订单权限", ["product.view"]))
    db.session.commit()
    login(client, "nobody", PASSWORD)
    for url in ("/order-pending/", "/order-query/", "/quote/", "/order/new"):
        assert client.get(url).status_code == 403


def test_each_list_shows_its_status_with_the_sums_row(client):
    pending = make_order(paid="100")
    picking = make_order(status=OrderStatus.PICKING, paid="660")
    db.session.commit()
    login(client)
    html = client.get("/order-pending/").get_data(as_text=True)
    assert pending.number in html and picking.number not in html
    assert "订单金额汇总" in html and "¥660.00" in html and "¥560.00" in html  # 应付, 欠款
    html = client.get("/order-picking/").get_data(as_text=True)
    assert picking.number in html and pending.number not in html and "物流" in html
    query = client.get("/order-query/").get_data(as_text=True)
    assert pending.number in query and picking.number in query and "¥1,320.00" in query


def test_sums_row_follows_the_search(client):
    first = make_order(paid="0")
    make_order(paid="0")
    db.session.commit()
    login(client)
    html = client.get(f"/order-pending/?search={first.number}").get_data(as_text=True)
    assert 'data-sum="payable">¥660.00' in html and 'data-sum="debt">¥660.00' in html


def test_data_scope_hides_other_peoples_orders_everywhere(client):
    me = seller()
    other = make_order()  # admin's
    mine = make_order(customer=make_customer(owner=me), actor=admin(), owner_id=me.id)
    db.session.commit()
    login(client, "seller", PASSWORD)
    html = client.get("/order-pending/").get_data(as_text=True)
    assert mine.number in html and other.number not in html
    assert client.get(f"/order/{other.id}").status_code == 404
    assert client.get(f"/order/{other.id}/payment").status_code == 404
    assert client.get(f"/order/{other.id}/print?kind=picking").status_code == 404
    assert client.post(f"/order/{other.id}/edit", data=form_for(other.customer, other.lines[0].product)).status_code == 404
    assert client.get(f"/order/{mine.id}").status_code == 200
    found = client.get("/order/lookup/customers?q=安徽").get_json()["results"]
    assert [c["id"] for c in found] == [mine.customer_id]  # the admin's customer of the same name is not offered
    assert found[0]["receiver"]["receiver_name"] == "顾老板"


def test_transitions_need_their_permission_and_a_post(client):
    me = seller()
    order = make_order(customer=make_customer(owner=me), owner_id=me.id)
    db.session.commit()
    login(client, "seller", PASSWORD)
    assert "通过审核" not in client.get(f"/order/{order.id}").get_data(as_text=True)
    assert client.post(f"/order/{order.id}/transition/approve").status_code == 403
    assert client.post(f"/order-pending/row-action/approve/{order.id}").status_code == 403
    assert client.get(f"/order/{order.id}/transition/approve").status_code == 405
    db.session.expire_all()
    assert db.session.get(SalesOrder, order.id).status == OrderStatus.PENDING


def test_approve_from_the_detail_page_and_wrong_state_message(client):
    order = make_order()
    db.session.commit()
    login(client)
    html = client.post(f"/order/{order.id}/transition/approve", follow_redirects=True).get_data(as_text=True)
    assert f"订单 {order.number} 已通过审核，进入正在配货" in html
    html = client.post(f"/order/{order.id}/transition/approve", follow_redirects=True).get_data(as_text=True)
    assert "当前状态为“正在配货”，不能通过审核" in html
    logs = html.split('id="order-logs"')[1]
    assert logs.count("通过审核") == 1 and "系统管理员" in logs


def test_bulk_approve_then_ship_then_complete(client):
    orders = [make_order() for _ in range(3)]
    db.session.commit()
    login(client)
    ids = [str(o.id) for o in orders]
    client.post("/order-pending/action/", data={"action": "approve", "rowid": ids}, follow_redirects=True)
    client.post("/order-picking/action/", data={"action": "ship", "rowid": ids}, follow_redirects=True)
    html = client.post("/order-shipped/action/", data={"action": "complete", "rowid": ids},
                       follow_redirects=True).get_data(as_text=True)
    assert "订单完成：成功 3 个订单" in html
    db.session.expire_all()
    assert {db.session.get(SalesOrder, o.id).status for o in orders} == {OrderStatus.COMPLETED}
    # an action that does not belong to the list is refused
    assert client.post("/order-pending/action/", data={"action": "complete", "rowid": ids}).status_code == 403


@pytest.mark.parametrize(("quantity", "price", "message"), [
    ("0", "", "数量必须大于 0"), ("-1", "", "数量必须大于 0"), ("1", "12.345", "单价最多保留两位小数"),
    ("1", "-3", "单价不能为负数"), ("abc", "", "数量格式不正确")])
def test_crafted_order_posts_are_refused_and_nothing_is_saved(client, quantity, price, message):
    customer, product = make_customer(), make_product()
    db.session.commit()
    login(client)
    html = client.post("/order/new", data=form_for(customer, product, quantity, price)).get_data(as_text=True)
    assert message in html
    assert order_count() == 0


def test_off_shelf_product_posted_by_a_crafted_form_is_refused(client):
    customer, product = make_customer(), make_product("停产产品", on_shelf=False)
    db.session.commit()
    login(client)
    html = client.post("/order/new", data=form_for(customer, product)).get_data(as_text=True)
    assert "产品“停产产品”已下架" in html and order_count() == 0
    assert client.get("/order/lookup/products?q=停产").get_json() == {"results": []}


def test_amounts_are_computed_on_the_server(client):
    customer, product = make_customer(), make_product(price="40.00")
    db.session.commit()
    login(client)
    data = form_for(customer, product, "3", "", freight="10", discount="5", paid="25", payable="1", debt="0")
    client.post("/order/new", data=data)
    order = db.session.scalar(select(SalesOrder))
    assert (order.payable, order.paid, order.debt) == (Decimal("125.00"), Decimal("25.00"), Decimal("100.00"))


def test_editing_a_non_pending_order_by_post_is_refused(client):
    order = make_order(status=OrderStatus.PICKING)
    db.session.commit()
    login(client)
    html = client.post(f"/order/{order.id}/edit", data=form_for(order.customer, make_product(price="1"), "99"),
                       follow_redirects=True).get_data(as_text=True)
    assert "审核通过后的订单不能修改" in html
    db.session.expire_all()
    assert db.session.get(SalesOrder, order.id).payable == Decimal("660.00")


def test_payment_above_the_debt_is_refused_and_a_valid_one_lowers_it(client):
    order = make_order(paid="600")
    db.session.commit()
    login(client)
    html = client.post(f"/order/{order.id}/payment", data={"amount": "60.01", "method": "现金"}).get_data(as_text=True)
    assert "回款金额不能大于欠款金额 ¥60.00" in html
    assert db.session.scalar(select(func.count(Payment.id))) == 0
    html = client.post(f"/order/{order.id}/payment", data={"amount": "20", "method": "现金", "paid_on": "2026-11-29"},
                       follow_redirects=True).get_data(as_text=True)
    assert "回款成功，当前欠款 ¥40.00" in html and "2026-11-29" in html


def test_no_shipping_logistics_then_save_and_ship(client):
    order = make_order(status=OrderStatus.PICKING)
    builtin = db.session.scalar(select(LogisticsCompany).where(LogisticsCompany.is_builtin.is_(True)))
    db.session.commit()
    login(client)
    client.post(f"/order/{order.id}/logistics", data={"logistics_company_id": builtin.id, "button": "save"})
    db.session.expire_all()
    number = db.session.get(SalesOrder, order.id).tracking_number
    assert number.startswith("LP")
    html = client.post(f"/order/{order.id}/logistics", data={"logistics_company_id": builtin.id, "button": "ship"},
                       follow_redirects=True).get_data(as_text=True)
    assert "已保存并发货" in html and number in html
    shipped = client.get("/order-shipped/").get_data(as_text=True)
    assert order.number in shipped and number in shipped and "系统管理员" in shipped


def test_template_html_with_script_is_sanitised_on_save(client):
    login(client)
    client.post("/print-template/new/", data={
        "kind": "picking", "name": "自定义配货单", "header_html": '<h2 onmouseover="x()">配货单</h2><script>alert(1)</script>',
        "lines_html": "<table><tr><td>{$ProductName$}</td></tr></table>", "footer_html": "<p>{$TotalAmountUpper$}</p>"})
    template = db.session.scalar(select(PrintTemplate).where(PrintTemplate.name == "自定义配货单"))
    assert template.header_html == "<h2>配货单</h2>"


def test_export_contains_only_visible_orders(client):
    import io

    from openpyxl import load_workbook

    me = seller()
    mine = make_order(customer=make_customer(owner=me), owner_id=me.id)
    other = make_order()
    db.session.commit()
    login(client, "seller", PASSWORD)
    response = client.get("/order-query/export.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    numbers = [row[0] for row in rows[1:]]
    assert numbers == [mine.number] and other.number not in numbers
    assert rows[0][:4] == ("订单号", "客户名称", "收货人", "应付金额")


def test_bulk_print_of_selected_picking_orders(client):
    first, second = make_order(status=OrderStatus.PICKING), make_order(status=OrderStatus.PICKING)
    db.session.commit()
    login(client)
    response = client.post("/order-picking/action/", data={"action": "print", "rowid": [str(first.id), str(second.id)]})
    assert response.status_code == 302 and "/order/print?" in response.location
    html = client.get(response.location).get_data(as_text=True)
    assert html.count("<h2 style=\"margin:0\">配货单</h2>") == 2
    assert first.number in html and second.number in html and html.count("陆佰陆拾元整") == 2


def test_sales_return_through_the_form_is_limited_to_the_original_order(client):
    product = make_product(price="100")
    original = make_order(lines=[(product, "2", None)], status=OrderStatus.COMPLETED, paid="200")
    db.session.commit()
    login(client)
    page = client.get(f"/order/return/new?original_id={original.id}").get_data(as_text=True)
    assert original.number in page and "退货单的录入与销售订单一样" in page
    data = form_for(original.customer, product, "3", original_id=original.id, paid="0")
    html = client.post("/order/return/new", data=data).get_data(as_text=True)
    assert "退货数量超过原订单可退数量（最多还可退 2）" in html and order_count() == 1
    data = form_for(original.customer, product, "2", original_id=original.id, paid="200")
    html = client.post("/order/return/new", data=data, follow_redirects=True).get_data(as_text=True)
    back = db.session.scalar(select(SalesOrder).where(SalesOrder.is_return.is_(True)))
    assert f"退货单 {back.number} 已提交" in html and (back.payable, back.paid) == (Decimal("-200.00"), Decimal("-200.00"))
    listed = client.get("/order-return/").get_data(as_text=True)
    assert back.number in listed and "¥-200.00" in listed and original.number in listed


def test_editing_a_pending_order_through_the_form(client):
    order = make_order()
    product = make_product("新产品", "12.50")
    db.session.commit()
    login(client)
    form = client.get(f"/order/{order.id}/edit").get_data(as_text=True)
    assert 'name="quantity" value="3"' in form
    html = client.post(f"/order/{order.id}/edit", data=form_for(order.customer, product, "4", paid="10"),
                       follow_redirects=True).get_data(as_text=True)
    assert f"订单 {order.number} 已保存" in html and "¥50.00" in html and "修改订单" in html


def test_comprehensive_query_form_with_several_statuses_and_the_sums_row(client, app):
    pending, picking = make_order(paid="0"), make_order(status=OrderStatus.PICKING, paid="660")
    shipped = make_order(status=OrderStatus.SHIPPED)
    cheap = make_order(lines=[(make_product("签字笔", "5.00"), "2", None)])
    db.session.commit()
    login(client)
    page = client.get("/order-query/").get_data(as_text=True)
    assert 'id="order-query-form"' in page and "退货" in page
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "order_query")
    arg = {flt.name: view.get_filter_arg(i, flt) for i, flt in enumerate(view._filters)}
    html = client.get(f"/order-query/?flt0_{arg['订单状态']}=pending,picking").get_data(as_text=True)
    assert pending.number in html and picking.number in html and cheap.number in html and shipped.number not in html
    assert 'data-sum="payable">¥1,330.00' in html and 'data-sum="paid">¥660.00' in html
    html = client.get(f"/order-query/?flt0_{arg['订单状态']}=pending,picking&flt1_{arg['金额段']}=100-1000"
                      f"&flt2_{arg['产品名称']}=栀子").get_data(as_text=True)
    assert pending.number in html and cheap.number not in html and 'data-sum="payable">¥1,320.00' in html
    html = client.get(f"/order-query/?flt0_{arg['订单状态']}=bogus").get_data(as_text=True)
    assert shipped.number in html  # an unknown status is ignored (and flashed), not an error page


def test_a_crafted_customer_id_is_refused_without_revealing_the_customer(client):
    make_employee("seller", role=make_role("销售", SELLER_PERMISSIONS, scopes={"order": "self", "customer": "self"}))
    secret = make_customer("保密客户有限公司")
    product = make_product()
    db.session.commit()
    login(client, "seller", PASSWORD)
    html = client.post("/order/new", data=form_for(secret, product)).get_data(as_text=True)
    assert "客户不存在或不在您的查看范围内" in html and "保密客户有限公司" not in html
    assert order_count() == 0
    assert client.get(f"/order/new?customer_id={secret.id}").status_code == 404


def test_template_preview_uses_example_data(client):
    template = db.session.scalar(select(PrintTemplate).where(PrintTemplate.name == "默认配货单"))
    db.session.commit()
    login(client)
    html = client.get(f"/print-template/preview/{template.id}").get_data(as_text=True)
    assert "配货单" in html and "合计金额大写：陆佰陆拾元整" in html and "栀子黄色素" in html and "{$" not in html
    assert "预览" in client.get("/print-template/").get_data(as_text=True)


def test_owner_and_logistics_filters(client, app):
    clerk = make_employee("clerk", role=make_role("客服", SELLER_PERMISSIONS, scopes={"order": "all"}))
    mine = make_order(owner_id=clerk.id, status=OrderStatus.PICKING)
    other = make_order(status=OrderStatus.PICKING)
    builtin = db.session.scalar(select(LogisticsCompany).where(LogisticsCompany.is_builtin.is_(True)))
    save_logistics(mine, builtin.id, None, None, admin())
    db.session.commit()
    login(client)
    args = {}
    for endpoint in ("order_query", "order_picking"):
        view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == endpoint)
        args[endpoint] = {flt.name: view.get_filter_arg(i, flt) for i, flt in enumerate(view._filters)}
    html = client.get(f"/order-query/?flt0_{args['order_query']['下单客服']}={clerk.id}").get_data(as_text=True)
    assert mine.number in html and other.number not in html and 'data-sum="payable">¥660.00' in html
    html = client.get(f"/order-picking/?flt0_{args['order_picking']['物流公司']}={builtin.id}").get_data(as_text=True)
    assert mine.number in html and other.number not in html and "LP" in html


def test_comprehensive_query_chips_name_exactly_what_is_filtered(client, app):
    picking, completed = make_order(status=OrderStatus.PICKING), make_order(status=OrderStatus.COMPLETED)
    pending = make_order()
    db.session.commit()
    login(client)
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "order_query")
    arg = {flt.name: view.get_filter_arg(i, flt) for i, flt in enumerate(view._filters)}
    html = client.get(f"/order-query/?flt0_{arg['订单状态']}=picking,completed&flt1_{arg['金额段']}=100-1000"
                      f"&flt2_{arg['客户ID']}={picking.customer_id}").get_data(as_text=True)
    assert "订单状态：正在配货、交易完成" in html and "金额段：100-1000" in html
    assert f"客户：{picking.customer.name}" in html
    assert "订单状态 等于" not in html and "添加筛选条件" not in html
    assert html.count('name="search"') == 1  # the header's 万能检索 only, no second search box
    assert picking.number in html and completed.number not in html and pending.number not in html
    crafted = client.get(f"/order-query/?flt0_{arg['客户ID']}=99999999999999999999")
    assert crafted.status_code == 200
