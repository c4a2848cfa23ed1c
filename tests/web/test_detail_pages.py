"""Every 详情 page (issue 11.4): Chinese labels, local time, nothing internal."""

import re
from datetime import datetime

from sqlalchemy import select

from admin_views.base import CrmModelView
from app.extensions import db
from app.timeutil import format_local
from models.base_data import Supplier
from models.products import ProductCategory
from tests.helpers import admin, login, make_employee, make_role
from tests.order_factories import make_product

INTERNAL = ("password_hash", "Password Hash", "session_version", "Session Version", "is_superadmin", "Is Superadmin",
            "is_builtin", "Is Builtin", "Created At", "Updated At", "pbkdf2:", "scrypt:")
ALLOWED_WORDS = {"QQ", "Email", "E-mail", "SMTP", "SSL", "URL", "Excel"}


def _detail_views(app):
    return [v for v in app.extensions["admin"][0]._views if isinstance(v, CrmModelView) and v.can_view_details]


def _labels(page: str) -> list[str]:
    table = page[page.index("<table"):page.index("</table>")]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<b>(.*?)</b>", table, re.S)]


def _seed():
    make_employee("lisi", role=make_role("销售员", ["customer.view"]), real_name="李四")
    make_product(name="蛋白糖100倍")
    db.session.add_all([ProductCategory(name="食品添加剂"), Supplier(name="深圳晶显电子有限公司", email="sales@jx.example")])
    db.session.commit()


def test_every_detail_page_is_chinese_and_shows_nothing_internal(app, client, db):
    _seed()
    login(client)
    checked, empty = [], []
    for view in _detail_views(app):
        row = db.session.scalar(select(view.model).limit(1))
        if row is None:
            empty.append(view.endpoint)
            continue
        response = client.get(f"{view.url}/details/?id={row.id}")
        assert response.status_code == 200, view.endpoint
        page = response.get_data(as_text=True)
        for word in INTERNAL:
            assert word not in page, (view.endpoint, word)
        for label in _labels(page):
            english = [w for w in re.findall(r"[A-Za-z][A-Za-z-]*", label) if w not in ALLOWED_WORDS]
            assert not english, (view.endpoint, label)
        checked.append(view.endpoint)
    assert {"employee", "role", "product", "product_category", "department", "logistics", "supplier",
            "customer_category", "contact_method", "warehouse"} <= set(checked), (checked, empty)


def test_employee_details_show_local_time_and_no_password(app, client, db):
    _seed()
    employee = db.session.scalar(select(admin().__class__).where(admin().__class__.username == "lisi"))
    employee.created_at = datetime(2026, 12, 1, 16, 30)  # naive UTC: 00:30 on 12-02 in Shanghai
    db.session.commit()
    login(client)
    page = client.get(f"/employee/details/?id={employee.id}").get_data(as_text=True)
    labels = _labels(page)
    assert "用户名" in labels and "真实姓名" in labels and "添加时间" in labels
    assert format_local(employee.created_at) == "2026-12-02 00:30:00" and "2026-12-02 00:30:00" in page
    assert "2026-12-01 16:30" not in page and employee.password_hash not in page


def test_detail_page_of_a_crafted_id_is_404(client, db):
    login(client)
    for crafted in ("abc", "9" * 30, "-1", "²"):
        assert client.get("/employee/details/", query_string={"id": crafted}).status_code == 404
