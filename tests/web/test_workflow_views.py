"""Buttons and endpoints drawn from the transition tables: what each list and detail page offers, and attacks on them."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.services.orders.quotes import QUOTE_FLOW
from app.services.orders.workflow import ORDER_FLOW
from models.orders import OrderLog, OrderStatus, SalesOrder
from models.quotes import Quote, QuoteStatus
from tests.helpers import PASSWORD, login, make_employee, make_role
from tests.order_factories import make_customer, make_order
from tests.unit.test_quote_workflow import make_quote

LISTS = {"/order-pending/": ["approve"], "/order-picking/": ["ship"], "/order-shipped/": ["complete"],
         "/order-completed/": [], "/order-cancelled/": []}


def user(client, codes, scope="all", name="wf"):
    make_employee(name, role=make_role(f"角色{name}", codes, scopes={"order": scope, "customer": scope}))
    db.session.commit()
    login(client, name, PASSWORD)


def status_of(order_id):
    db.session.expire_all()
    return db.session.get(SalesOrder, order_id).status


@pytest.mark.parametrize(("url", "steps"), LISTS.items())
def test_each_list_draws_its_row_buttons_from_the_table_with_the_confirmation(client, url, steps):
    for status in OrderStatus:
        make_order(status=status)
    db.session.commit()
    login(client)
    html = client.get(url).get_data(as_text=True)
    for name, step in ORDER_FLOW.steps.items():
        assert (f'data-transition="{name}"' in html) == (name in steps), (url, name)
        if name in steps:
            assert f'data-confirm="{step.confirm}"' in html and step.label in html
    forms = [part.split("</form>")[0] for part in html.split("crm-step-form")[1:]]
    assert len(forms) == len(steps)  # one order per status: one button on its list
    assert not any("onclick=" in form for form in forms)  # the confirmation comes from workflow.js


def test_the_detail_page_offers_exactly_the_steps_of_its_status_that_the_user_holds(client):
    picking = make_order(status=OrderStatus.PICKING)
    db.session.commit()
    user(client, ["order.view", "order.ship"])
    html = client.get(f"/order/{picking.id}").get_data(as_text=True)
    assert 'data-transition="ship"' in html and 'data-transition="cancel"' not in html  # no order.cancel
    assert 'data-transition="approve"' not in html and "/static/workflow.js" in html


def test_a_row_button_post_moves_the_order_and_says_the_steps_message(client):
    order = make_order()
    db.session.commit()
    login(client)
    html = client.post(f"/order-pending/row-action/approve/{order.id}", follow_redirects=True).get_data(as_text=True)
    assert f"订单 {order.number} 已通过审核，进入正在配货" in html and status_of(order.id) == OrderStatus.PICKING
    html = client.post(f"/order-pending/row-action/approve/{order.id}", follow_redirects=True).get_data(as_text=True)
    assert "当前状态为“正在配货”，不能通过审核" in html
    assert db.session.scalar(select(func.count(OrderLog.id)).where(OrderLog.order_id == order.id,
                                                                   OrderLog.action == "通过审核")) == 1


def test_steps_without_permission_are_403_and_other_users_orders_are_404(client):
    mine_owner = make_employee("owner", role=make_role("下单", ["order.view"], scopes={"order": "self"}))
    other = make_order()  # the administrator's
    db.session.commit()
    user(client, ["order.view", "order.approve"], scope="self", name="checker")
    assert client.post(f"/order-picking/row-action/ship/{other.id}").status_code == 403
    assert client.post(f"/order/{other.id}/transition/ship").status_code == 403
    assert client.post(f"/order-pending/row-action/approve/{other.id}").status_code == 404
    assert client.post(f"/order/{other.id}/transition/approve").status_code == 404
    assert status_of(other.id) == OrderStatus.PENDING and mine_owner.id


@pytest.mark.parametrize("record_id", ["abc", "9" * 30, "1%00", "-1"])
def test_crafted_ids_answer_404_never_an_error(client, record_id):
    login(client)
    assert client.post(f"/order-pending/row-action/approve/{record_id}").status_code == 404
    assert client.post(f"/quote/row-action/convert/{record_id}").status_code == 404


def test_unknown_steps_and_steps_of_another_list_are_404(client):
    order = make_order(status=OrderStatus.SHIPPED)
    db.session.commit()
    login(client)
    assert client.post(f"/order/{order.id}/transition/delete").status_code == 404
    assert client.post(f"/order-pending/row-action/complete/{order.id}").status_code == 404
    assert client.get(f"/order-shipped/row-action/complete/{order.id}").status_code == 405
    assert status_of(order.id) == OrderStatus.SHIPPED


def test_bulk_step_reports_each_order_and_moves_the_others(client):
    pending = [make_order() for _ in range(2)]
    picking = make_order(status=OrderStatus.PICKING)
    db.session.commit()
    login(client)
    ids = [str(o.id) for o in pending] + [str(picking.id), "abc", "9" * 30]
    html = client.post("/order-pending/action/", data={"action": "approve", "rowid": ids},
                       follow_redirects=True).get_data(as_text=True)
    assert "通过审核：成功 2 个订单，3 个未处理" in html and f"订单 {picking.number} 当前状态为“正在配货”" in html
    assert {status_of(o.id) for o in pending} == {OrderStatus.PICKING}
    assert status_of(picking.id) == OrderStatus.PICKING


def test_bulk_step_without_permission_is_refused(client):
    order = make_order()
    db.session.commit()
    user(client, ["order.view"])
    response = client.post("/order-pending/action/", data={"action": "approve", "rowid": [str(order.id)]})
    assert response.status_code == 403 and status_of(order.id) == OrderStatus.PENDING


def test_quote_detail_shows_the_convert_button_then_the_log(client):
    quote = make_quote()
    db.session.commit()
    login(client)
    html = client.get(f"/quote/{quote.id}").get_data(as_text=True)
    assert 'data-transition="convert"' in html and QUOTE_FLOW.steps["convert"].confirm in html
    assert "onclick=" not in html.split('id="quote-actions"')[1].split("</div>")[0]
    html = client.post(f"/quote/row-action/convert/{quote.id}?url=/quote/{quote.id}",
                       follow_redirects=True).get_data(as_text=True)
    order = db.session.scalar(select(SalesOrder).order_by(SalesOrder.id.desc()))
    assert f"报价单 {quote.number} 已转为销售订单 {order.number}（等待审核）" in html
    assert 'data-transition="convert"' not in html
    logs = html.split('id="quote-logs"')[1]
    assert "添加报价单" in logs and "转为销售" in logs and "已转销售" in logs and "系统管理员" in logs
    db.session.expire_all()
    assert db.session.get(Quote, quote.id).status == QuoteStatus.CONVERTED


def test_another_users_quote_cannot_be_converted(client):
    quote = make_quote(owner=make_employee("boss", role=make_role("老板", ["quote.view", "quote.add"])))
    db.session.commit()
    make_customer()
    user(client, ["quote.view", "quote.convert", "order.add"], scope="self", name="sales")
    assert client.post(f"/quote/row-action/convert/{quote.id}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Quote, quote.id).status == QuoteStatus.OPEN
