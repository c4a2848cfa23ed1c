"""收货人 search of the order lists through the order search index: one character anywhere in the name, longer
terms, edits and deletes keeping the index in step, totals and sums that follow the search."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.services.orders import search as order_search
from app.services.orders.orders import delete_order, get_order
from models.orders import SalesOrderSearchToken
from tests.helpers import admin, login
from tests.order_factories import make_customer, make_order, make_product
from tests.web.test_order_views import form_for


def order_for(receiver, customer=None, paid="0"):
    texts = {"receiver_name": receiver, "receiver_address": "湘江北路49号"}
    return make_order(customer=customer, texts=texts, paid=paid)


def shown_numbers(html):
    return set(re.findall(r"XS\d{13}", html))


def summary(html):
    return html.split('id="pager-summary">', 1)[1].split("<", 1)[0]


def index_of(order_id):
    return set(db.session.scalars(select(SalesOrderSearchToken.token).where(SalesOrderSearchToken.order_id == order_id)))


@pytest.fixture
def receivers(db):
    customer = make_customer()
    orders = {name: order_for(name, customer) for name in ("王小明", "李王芳", "陈晓王", "张三", "Tom Lee")}
    db.session.commit()
    return orders


@pytest.mark.parametrize("url", ["/order-query/", "/order-pending/"])
def test_one_character_at_the_start_middle_or_end_of_the_name(client, receivers, url):
    login(client)
    html = client.get(f"{url}?search=王").get_data(as_text=True)
    wanted = {receivers[name].number for name in ("王小明", "李王芳", "陈晓王")}
    assert shown_numbers(html) == wanted
    assert summary(html) == "当前第1页，每页20条，共3条记录"
    assert "¥1,980.00" in html  # 订单金额汇总: three orders of ¥660.00


def test_absent_character_finds_nothing(client, receivers):
    login(client)
    html = client.get("/order-query/?search=龘").get_data(as_text=True)
    assert shown_numbers(html) == set()
    assert summary(html) == "当前第1页，每页20条，共0条记录"


def test_longer_terms_ascii_case_and_the_order_number(client, receivers):
    login(client)
    assert shown_numbers(client.get("/order-query/?search=小明").get_data(as_text=True)) == {receivers["王小明"].number}
    assert shown_numbers(client.get("/order-query/?search=明小").get_data(as_text=True)) == set()
    assert shown_numbers(client.get("/order-query/?search=lee").get_data(as_text=True)) == {receivers["Tom Lee"].number}
    number = receivers["张三"].number
    assert shown_numbers(client.get(f"/order-query/?search={number}").get_data(as_text=True)) == {number}
    # Two terms: both must match.
    assert shown_numbers(client.get("/order-query/?search=王+芳").get_data(as_text=True)) == {receivers["李王芳"].number}


def test_newest_first_scan_finds_the_same_page_in_the_same_order(client, receivers, monkeypatch):
    login(client)
    plain = client.get("/order-query/?search=王").get_data(as_text=True)
    monkeypatch.setattr(order_search, "highest_order_id", lambda: 0)  # every match count is then "dense"
    scanned = client.get("/order-query/?search=王").get_data(as_text=True)
    order = re.findall(r"XS\d{13}", plain)
    assert order and re.findall(r"XS\d{13}", scanned) == order
    assert summary(scanned) == summary(plain)


def test_editing_the_receiver_moves_the_order_in_the_index(client, receivers):
    order = receivers["张三"]
    product = make_product("新产品", "12.50")
    db.session.commit()
    login(client)
    response = client.post(f"/order/{order.id}/edit", data=form_for(order.customer, product, "4", receiver_name="欧阳王"),
                           follow_redirects=True)
    assert f"订单 {order.number} 已保存" in response.get_data(as_text=True)
    assert order.number in shown_numbers(client.get("/order-query/?search=王").get_data(as_text=True))
    assert order.number in shown_numbers(client.get("/order-query/?search=欧阳").get_data(as_text=True))
    assert order.number not in shown_numbers(client.get("/order-query/?search=张").get_data(as_text=True))
    db.session.expire_all()
    assert index_of(order.id) == {"欧", "阳", "王", "欧阳", "阳王"}


def test_create_and_delete_write_the_index_in_the_same_transaction(app, db):
    order = order_for("赵 钱孙")
    assert index_of(order.id) == {"赵", "钱", "孙", "钱孙"}  # flushed with the order, not committed yet
    db.session.rollback()
    assert index_of(order.id) == set()
    order = order_for("赵钱孙")
    db.session.commit()
    delete_order(get_order(order.id, admin()), admin())
    db.session.commit()
    assert index_of(order.id) == set()


def test_index_rows_for_bulk_loads_match_the_services():
    assert order_search.index_rows([(7, "王小明"), (8, None)]) == [
        {"token": token, "order_id": 7} for token in sorted(["王", "小", "明", "王小", "小明"])]
