"""Actions next to records (issue 11, item 10): 联系记录 删除 and paging, 合同文档 编辑, 我的客户列表 row buttons,
共享客户列表 category and columns, the employee row's 客户列表, products by 产品类别, QQ chat link."""

import io
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.services.customer_demo import make_customer
from app.services.customers import sharing
from models.base import utcnow
from models.base_data import CustomerCategory, CustomerSource
from models.customers import Customer, CustomerDocument, FollowUp, FollowUpKind
from models.products import ProductCategory
from tests.helpers import PASSWORD, admin, login, make_employee, make_role
from tests.order_factories import make_product


def _follow_ups(customer, count):
    now = utcnow()
    for n in range(count):
        db.session.add(FollowUp(customer_id=customer.id, employee_id=admin().id, kind=FollowUpKind.REVISIT,
                                contacted_at=now - timedelta(hours=n), content=f"第{n + 1}次回访"))
    db.session.flush()


def test_follow_up_tab_deletes_with_confirmation_and_pages_beyond_fifty(client):
    customer = make_customer(admin(), name="成都蜀锦贸易有限公司")
    _follow_ups(customer, 53)
    db.session.commit()
    login(client)
    page = client.get(f"/customer/details/?id={customer.id}").get_data(as_text=True)
    assert "第1次回访" in page and "第50次回访" in page and "第51次回访" not in page
    assert 'id="follow-ups-older"' in page and "确定删除" in page and 'class="d-inline follow-up-delete"' in page
    older = client.get(f"/customer/details/?id={customer.id}&fpage=1").get_data(as_text=True)
    assert "第51次回访" in older and "第53次回访" in older and "第50次回访" not in older
    assert client.get(f"/customer/details/?id={customer.id}&fpage=abc").status_code == 200  # crafted: page 1
    last = db.session.scalar(select(FollowUp).where(FollowUp.content == "第53次回访"))
    back = f"/customer/details/?id={customer.id}&fpage=1"
    client.post("/follow-up/delete/", data={"id": last.id, "url": back})
    assert db.session.scalar(select(func.count(FollowUp.id))) == 52


def test_someone_elses_follow_up_shows_no_delete_and_cannot_be_deleted(client):
    role = make_role("销售员", ["customer.view", "follow_up.view", "follow_up.delete"], scopes={"customer": "self"})
    zhang = make_employee("zhangsan", role=role)
    customer = make_customer(admin())
    sharing.share(customer, [zhang.id], admin())  # sees the customer, not the author's records
    _follow_ups(customer, 1)
    db.session.commit()
    login(client, "zhangsan", PASSWORD)
    page = client.get(f"/customer/details/?id={customer.id}").get_data(as_text=True)
    assert "第1次回访" in page and "follow-up-delete" not in page
    client.post("/follow-up/delete/", data={"id": db.session.scalar(select(FollowUp.id))})
    assert db.session.scalar(select(func.count(FollowUp.id))) == 1


def _document(client, customer):
    client.post(f"/customer/{customer.id}/documents", data={
        "name": "年度合同", "category": "合同文档", "files": [(io.BytesIO("开票信息".encode()), "说明.txt")]},
        content_type="multipart/form-data")
    return db.session.scalar(select(CustomerDocument))


def test_document_edit_changes_the_texts_and_refuses_bad_input(client):
    customer = make_customer(admin())
    db.session.commit()
    login(client)
    document = _document(client, customer)
    page = client.get(f"/customer/details/?id={customer.id}").get_data(as_text=True)
    assert f"/customer/document/{document.id}/edit" in page and "确定删除文档“年度合同”" in page
    form = client.get(f"/customer/document/{document.id}/edit").get_data(as_text=True)
    assert 'value="年度合同"' in form and "说明.txt" in form
    html = client.post(f"/customer/document/{document.id}/edit", data={"name": "", "category": "x"}).get_data(as_text=True)
    assert "请填写文档名称" in html
    db.session.expire_all()
    assert db.session.get(CustomerDocument, document.id).category == "合同文档"  # nothing half-saved
    client.post(f"/customer/document/{document.id}/edit", data={"name": "2027 年度合同", "category": "补充协议",
                                                               "description": "续签"})
    db.session.expire_all()
    saved = db.session.get(CustomerDocument, document.id)
    assert (saved.name, saved.category, saved.description) == ("2027 年度合同", "补充协议", "续签")
    assert len(saved.files) == 1
    assert client.get("/customer/document/999999/edit").status_code == 404


def test_document_edit_is_404_outside_scope(client):
    role = make_role("销售员", ["customer.view", "customer.edit"], scopes={"customer": "self"})
    make_employee("zhangsan", role=role)
    customer = make_customer(admin())
    db.session.commit()
    login(client)
    document = _document(client, customer)
    client.post("/logout")
    login(client, "zhangsan", PASSWORD)
    assert client.get(f"/customer/document/{document.id}/edit").status_code == 404
    assert client.post(f"/customer/document/{document.id}/edit", data={"name": "改名"}).status_code == 404


def seller(username="zhangsan", extra=()):
    role = make_role(f"销售员{username}", ["customer.view", "customer.edit", "my_customer.view", "my_customer.share",
                                         "my_customer.abandon", *extra], scopes={"customer": "self"})
    return make_employee(username, role=role, real_name=f"销售{username}")


def test_my_customer_rows_offer_edit_delete_share_abandon(client):
    me = seller(extra=("customer.delete",))
    mine = make_customer(me, name="武汉长江机电有限公司", owner=me)
    other = make_customer(admin(), name="南京紫金物流有限公司")
    db.session.commit()
    login(client, "zhangsan", PASSWORD)
    page = client.get("/my-customer/").get_data(as_text=True)
    row = page[page.index("武汉长江机电有限公司") - 3000:page.index("武汉长江机电有限公司")]
    for label in ("编辑", "删除", "共享", "放弃"):
        assert f">{label}<" in row
    assert client.post(f"/my-customer/row-action/remove/{other.id}").status_code == 404
    html = client.post(f"/my-customer/row-action/remove/{mine.id}", follow_redirects=True).get_data(as_text=True)
    assert "客户“武汉长江机电有限公司”已删除" in html
    assert db.session.get(Customer, mine.id) is None and db.session.get(Customer, other.id) is not None


def test_my_customer_delete_needs_the_delete_permission(client):
    me = seller()
    mine = make_customer(me, owner=me)
    db.session.commit()
    login(client, "zhangsan", PASSWORD)
    assert 'data-action="remove"' not in client.get("/my-customer/").get_data(as_text=True)
    assert client.post(f"/my-customer/row-action/remove/{mine.id}").status_code == 403
    assert db.session.get(Customer, mine.id) is not None


def test_share_list_has_the_category_filter_and_the_customer_columns(client, app):
    me, colleague = seller(), seller("lisi", extra=("customer_share.view",))
    vip = CustomerCategory(name="钻石客户", sort_order=90)
    fair = CustomerSource(name="展会名片", sort_order=90)
    db.session.add_all([vip, fair])
    db.session.flush()
    shown = make_customer(me, name="厦门鹭岛贸易有限公司", owner=me, category_id=vip.id, source_id=fair.id)
    hidden = make_customer(me, name="福州榕城电子有限公司", owner=me)
    sharing.share(shown, [colleague.id], me)
    sharing.share(hidden, [colleague.id], me)
    db.session.commit()
    login(client, "lisi", PASSWORD)
    page = client.get("/customer-share/").get_data(as_text=True)
    for header in ("客户来源", "建档客服", "建档时间"):
        assert header in page
    assert "展会名片" in page and "销售zhangsan" in page and 'aria-label="客户类别"' in page
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "customer_share")
    arg = next(view.get_filter_arg(i, f) for i, f in enumerate(view._filters) if f.name == "客户类别")
    filtered = client.get(f"/customer-share/?flt0_{arg}={vip.id}").get_data(as_text=True)
    assert "厦门鹭岛贸易有限公司" in filtered and "福州榕城电子有限公司" not in filtered


def test_employee_row_opens_the_customer_list_of_that_employee(client):
    zhang = seller()
    make_customer(zhang, name="青岛海风食品有限公司", owner=zhang)
    make_customer(admin(), name="大连星海船舶有限公司")
    db.session.commit()
    login(client)
    page = client.get("/employee/").get_data(as_text=True)
    start = page.index(">客户列表<")
    href = page[page.rindex('href="', 0, start) + 6:page.index('"', page.rindex('href="', 0, start) + 6)]
    href = href.replace("&amp;", "&")
    assert href.startswith("/customer/?flt0_")
    listed = client.get(href).get_data(as_text=True)
    assert ("青岛海风食品有限公司" in listed) != ("大连星海船舶有限公司" in listed)


def test_adding_an_order_picks_products_by_category(client):
    food, tools = ProductCategory(name="食品添加剂", sort_order=1), ProductCategory(name="五金工具", sort_order=2)
    db.session.add_all([food, tools])
    db.session.flush()
    sweet, drill = make_product("蛋白糖100倍"), make_product("冲击电钻")
    sweet.category_id, drill.category_id = food.id, tools.id
    db.session.commit()
    login(client)
    form = client.get("/order/new").get_data(as_text=True)
    assert 'id="product-category"' in form and "食品添加剂" in form
    found = client.get(f"/order/lookup/products?category={food.id}").get_json()["results"]
    assert [p["name"] for p in found] == ["蛋白糖100倍"]
    assert client.get(f"/order/lookup/products?q=冲击&category={food.id}").get_json()["results"] == []
    assert client.get("/order/lookup/products?category=abc").get_json()["results"] == []


def test_qq_is_a_chat_link_for_digits_only(client):
    numeric = make_customer(admin(), qq="10001")
    named = make_customer(admin(), qq="wangwang<b>")
    db.session.commit()
    login(client)
    page = client.get(f"/customer/details/?id={numeric.id}").get_data(as_text=True)
    assert 'href="https://wpa.qq.com/msgrd?v=3&amp;uin=10001&amp;site=qq&amp;menu=yes"' in page
    other = client.get(f"/customer/details/?id={named.id}").get_data(as_text=True)
    assert "wpa.qq.com" not in other and "wangwang&lt;b&gt;" in other
