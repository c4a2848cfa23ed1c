"""Orders whose stock is posted (销售出库 / 退货入库) cannot be deleted: row button, bulk action, crafted POST."""

from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.services.orders.returns import create_return
from app.services.orders.workflow import transition
from models.inventory import StockMovement
from models.orders import OrderStatus, SalesOrder
from tests.helpers import admin, login
from tests.inventory_factories import assert_invariants, balance, make_purchase, product, warehouse
from tests.order_factories import make_customer, make_order, order_input


def _completed_sale(item, quantity="2"):
    return make_order(make_customer(), lines=[(item, quantity, "30.00")], status=OrderStatus.COMPLETED)


def _exists(order_id) -> bool:
    db.session.expire_all()
    return db.session.get(SalesOrder, order_id) is not None


def _movements() -> int:
    return db.session.scalar(select(func.count(StockMovement.id)))


def test_row_delete_of_a_completed_shipped_order_is_refused(client):
    item = product()
    make_purchase([(item, 10, "10.00")], approve=True)
    order = _completed_sale(item)
    db.session.commit()
    login(client)
    page = client.post("/order-completed/delete/", data={"id": str(order.id)}, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert f"订单 {order.number} 已出库，不能删除；如需冲销请做销售退货" in html
    assert _exists(order.id) and balance(warehouse(), item).quantity == Decimal("8")
    assert_invariants()


def test_bulk_delete_with_one_posted_order_deletes_nothing(client):
    item = product()
    posted = _completed_sale(item)
    cancelled = make_order(make_customer("另一家公司"), lines=[(item, "1", "30.00")], status=OrderStatus.CANCELLED)
    db.session.commit()
    login(client)
    page = client.post("/order-completed/action/", data={"action": "delete", "rowid": [str(posted.id)]},
                       follow_redirects=True)
    assert "已出库，不能删除" in page.get_data(as_text=True) and _exists(posted.id)
    page = client.post("/order-cancelled/action/", data={"action": "delete", "rowid": [str(cancelled.id)]},
                       follow_redirects=True)
    assert "已删除 1 条" in page.get_data(as_text=True) and not _exists(cancelled.id)  # never shipped: deletable


def test_crafted_post_to_the_order_page_delete_is_refused(client):
    item = product()
    order = _completed_sale(item, "3")
    db.session.commit()
    before = _movements()
    login(client)
    html = client.post(f"/order/{order.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "已出库，不能删除" in html and _exists(order.id) and _movements() == before


def test_a_completed_return_with_its_stock_back_cannot_be_deleted(client):
    item = product()
    customer = make_customer()
    sold = make_order(customer, lines=[(item, "4", "30.00")], status=OrderStatus.SHIPPED)
    back = create_return(order_input(customer, [(item, "1", "30.00")]), admin(), original_order_id=sold.id)
    for step in ("approve", "ship", "complete"):
        transition(back, step, admin())
    db.session.commit()
    login(client)
    html = client.post(f"/order/{back.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert f"退货单 {back.number} 已入库，不能删除" in html and _exists(back.id)
    page = client.post("/order-return/delete/", data={"id": str(back.id)}, follow_redirects=True)
    assert "已入库，不能删除" in page.get_data(as_text=True) and _exists(back.id)
    assert balance(warehouse(), item).quantity == Decimal("-3")
