"""产品管理 screens (manual 3.3, 3.4): categories tree, product form rules, search, shelf, delete, export."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import Column, ForeignKey, Integer, Table, func, select

from app.extensions import db as _db
from models.products import Product, ProductCategory
from tests.helpers import login, make_employee, make_role


def _add_category(client, name, parent=None):
    data = {"name": name, "sort_order": "0"}
    if parent:
        data["parent"] = str(parent.id)
    client.post("/product-category/new/", data=data)
    return _db.session.scalar(select(ProductCategory).where(ProductCategory.name == name))


def _add_product(client, **fields):
    data = {"code": "P001", "name": "华为手机", "spec": "Mate60", "unit": "台", "price": "5999.00", "on_shelf": "y"}
    data.update(fields)
    return client.post("/product/new/", data=data, follow_redirects=True)


@pytest.fixture()
def tree(client, db):
    login(client)
    top = _add_category(client, "电脑数码")
    child = _add_category(client, "手机", top)
    other = _add_category(client, "办公家具")
    return top, child, other


def test_product_gets_pinyin_initials_and_is_found_by_them(client, tree):
    _, child, _ = tree
    _add_product(client, category=str(child.id))
    product = _db.session.scalar(select(Product).where(Product.code == "P001"))
    assert product.pinyin == "hwsjmate60"[: len(product.pinyin)] or product.pinyin == "hwsj"
    page = client.get("/product/?search=hwsj").get_data(as_text=True)
    assert "华为手机" in page
    assert "华为手机" not in client.get("/product/?search=zzzz").get_data(as_text=True)


def test_filter_by_parent_category_includes_sub_categories(client, tree):
    top, child, other = tree
    _add_product(client, code="P1", name="小米手机", category=str(child.id))
    _add_product(client, code="P2", name="会议桌", category=str(other.id))
    view_page = client.get(f"/product/?flt0_0={top.id}").get_data(as_text=True)
    assert "小米手机" in view_page and "会议桌" not in view_page


def test_category_cannot_become_its_own_descendant(client, tree):
    top, child, _ = tree
    page = client.post(f"/product-category/edit/?id={top.id}", data={"name": "电脑数码", "parent": str(child.id)},
                       follow_redirects=True).get_data(as_text=True)
    assert "不能选择自身或自身的下级作为上级分类" in page
    _db.session.expire_all()
    assert _db.session.get(ProductCategory, top.id).parent_id is None


def test_category_tree_is_listed_with_indentation(client, tree):
    page = client.get("/product-category/").get_data(as_text=True)
    assert "└ 手机" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": ""}, "产品编号不能为空"),
        ({"name": ""}, "产品名称不能为空"),
        ({"name": "长" * 101}, "产品名称不能超过 100 个字"),
        ({"price": "-1"}, "单价不能为负数"),
        ({"price": "1.234"}, "单价最多保留两位小数"),
        ({"price": "abc"}, "不是有效的小数"),
    ],
)
def test_bad_product_input_is_refused_and_nothing_saved(client, db, fields, message):
    login(client)
    page = _add_product(client, **fields).get_data(as_text=True)
    assert message in page
    assert _db.session.scalar(select(func.count(Product.id))) == 0


def test_duplicate_product_code_is_refused(client, db):
    login(client)
    _add_product(client)
    page = _add_product(client, name="另一个").get_data(as_text=True)
    assert "已经存在" in page or "产品编号“P001”已存在" in page
    assert _db.session.scalar(select(func.count(Product.id))) == 1


def test_take_off_shelf_then_bulk_put_back(client, db):
    login(client)
    _add_product(client)
    product = _db.session.scalar(select(Product))
    page = client.post(f"/product/row-action/take_off/{product.id}", follow_redirects=True).get_data(as_text=True)
    assert "产品“华为手机”已下架" in page
    _db.session.expire_all()
    assert _db.session.get(Product, product.id).on_shelf is False
    client.post("/product/action/", data={"action": "put_on", "rowid": [str(product.id)]})
    _db.session.expire_all()
    assert _db.session.get(Product, product.id).on_shelf is True


def test_product_used_by_a_document_cannot_be_deleted(client, db):
    login(client)
    _add_product(client)
    product = _db.session.scalar(select(Product))
    # A document table referring to products, as orders and purchases do.
    lines = Table("doc_lines_probe", _db.metadata, Column("id", Integer, primary_key=True),
                  Column("product_id", ForeignKey("products.id")), info={"label": "测试单据"})
    try:
        lines.create(_db.engine)
        _db.session.execute(lines.insert().values(id=1, product_id=product.id))
        _db.session.commit()
        page = client.post("/product/delete/", data={"id": str(product.id)}, follow_redirects=True).get_data(as_text=True)
        assert "已被测试单据使用，不能删除；如不再销售，请将其下架" in page
        assert _db.session.get(Product, product.id) is not None
    finally:
        _db.session.rollback()
        lines.drop(_db.engine)
        _db.metadata.remove(lines)


def test_unused_products_are_deleted_in_bulk(client, db):
    login(client)
    _add_product(client, code="A1")
    _add_product(client, code="A2")
    ids = [str(i) for i in _db.session.scalars(select(Product.id))]
    page = client.post("/product/action/", data={"action": "delete", "rowid": ids}, follow_redirects=True)
    assert "已删除 2 条记录" in page.get_data(as_text=True)
    assert _db.session.scalar(select(func.count(Product.id))) == 0


def test_export_follows_the_current_search_and_neutralises_formulas(client, db):
    login(client)
    _add_product(client, code="X1", name="=1+2 联想电脑", price="10.50")
    _add_product(client, code="X2", name="格力空调", price="3200")
    response = client.get("/product/export.xlsx?search=联想")
    assert response.headers["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("产品编号", "产品名称", "拼音简码")
    assert len(rows) == 2
    assert rows[1][1] == "=1+2 联想电脑"  # exactly as typed, in a text cell (tests/security/test_export_cells.py)
    assert Decimal(str(rows[1][5])) == Decimal("10.50")


def test_sales_rep_without_product_edit_permission_cannot_add(client, db):
    role = make_role("销售员", ["product.view"])
    make_employee("rep", role=role)
    _db.session.commit()
    login(client, "rep", "secret#123")
    assert client.get("/product/").status_code == 200
    assert client.get("/product/new/").status_code == 403
    assert client.post("/product/new/", data={"code": "Z", "name": "Z", "price": "1"}).status_code == 403
    assert client.get("/product/export.xlsx").status_code == 403
    assert _db.session.scalar(select(func.count(Product.id))) == 0
