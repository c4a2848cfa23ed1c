"""Item 9, case by case: the crafted values of the issue answer 404 or a form message on every backend."""

from sqlalchemy import func, select

from app.extensions import db as _db
from app.services.customer_demo import make_customer
from models.customers import Customer, FollowUp
from models.products import Product
from tests.helpers import admin
from tests.security.conftest import post, secure_login


def test_unicode_digits_and_huge_ids_are_404(client, db):
    customer = make_customer(admin(), name="普通客户")
    _db.session.commit()
    secure_login(client)
    for url in ["/customer/edit/?id=²", "/customer/details/?id=١", f"/customer/edit/?id={customer.id}²",
                "/follow-up/edit/?id=" + "9" * 30, "/customer/details/?id=-1", "/employee/edit/?id=" + "9" * 19,
                "/warehouse/edit/?id=2147483648"]:
        assert client.get(url).status_code == 404, url


def test_huge_page_numbers_show_a_page(client, db):
    secure_login(client)
    for url in ["/customer/?page=" + "9" * 20, "/product/?page=" + "9" * 20 + "&page_size=" + "9" * 20,
                "/follow-up/?page=-5&sort=" + "9" * 30, "/login-log/?page=²"]:
        assert client.get(url).status_code == 200, url


def test_nul_bytes_never_reach_the_database(client, db):
    customer = make_customer(admin(), name="普通客户")
    _db.session.commit()
    secure_login(client)
    assert client.get("/customer/?search=a%00b").status_code == 200
    assert client.get("/product/?search=%00").status_code == 200
    post(client, f"/follow-up/new/?customer_id={customer.id}", {"content": "电话\x00回访\x07\n第二行", "kind": "revisit"})
    note = _db.session.scalar(select(FollowUp).where(FollowUp.customer_id == customer.id))
    assert note.content == "电话回访\n第二行"
    post(client, "/warehouse/new/", {"name": "北京\x00仓\n二号", "sort_order": "0"})
    assert "北京仓 二号" in client.get("/warehouse/").get_data(as_text=True)


def test_year_0001_gets_a_message(client, db):
    customer = make_customer(admin(), name="普通客户")
    _db.session.commit()
    secure_login(client)
    response = post(client, f"/follow-up/new/?customer_id={customer.id}",
                    {"content": "回访", "kind": "revisit", "contacted_at": "0001-01-01T00:00"})
    assert response.status_code == 200 and "联系时间超出范围" in response.get_data(as_text=True)
    assert _db.session.scalar(select(func.count(FollowUp.id))) == 0
    assert _db.session.scalar(select(func.count(Customer.id))) == 1


def test_infinite_and_huge_prices_get_a_message(client, db):
    secure_login(client)
    for price in ["Infinity", "-Infinity", "NaN", "1e999", "1e20", "sNaN"]:
        response = post(client, "/product/new/", {"name": f"产品{price}", "code": "", "price": price, "unit": "个"})
        page = response.get_data(as_text=True)
        assert response.status_code == 200, price
        assert "InvalidOperation" not in page and "class &#39;decimal" not in page, price
        assert "请输入有效的数字" in page or "不是有效的小数" in page or "Not a valid decimal" in page, price
    assert _db.session.scalar(select(func.count(Product.id))) == 0
