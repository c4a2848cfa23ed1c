"""客户资料管理 through the test client: list, form, duplicate message, detail page, bulk edits, scope."""

from sqlalchemy import select

from app.extensions import db
from app.services.customer_demo import make_customer
from models.base_data import CustomerCategory
from models.customers import Customer
from tests.helpers import admin, login, make_employee, make_role

SELLER = ["customer.view", "customer.add", "customer.edit", "follow_up.view", "follow_up.add", "my_customer.view",
          "my_customer.abandon", "my_customer.share", "customer_pool.view", "customer_pool.claim"]


def test_list_search_and_detail(client):
    make_customer(admin(), name="北京世纪城有限公司", contact_name="陈平", mobile="13632132345")
    make_customer(admin(), name="重庆银河商行", mobile="13900001111")
    db.session.commit()
    login(client)
    page = client.get("/customer/").get_data(as_text=True)
    assert "北京世纪城有限公司" in page and "重庆银河商行" in page and "快捷视图" in page
    page = client.get("/customer/?search=bjsjc").get_data(as_text=True)
    assert "北京世纪城有限公司" in page and "重庆银河商行" not in page
    page = client.get("/customer/?search=1111").get_data(as_text=True)
    assert "重庆银河商行" in page and "北京世纪城有限公司" not in page
    customer = db.session.scalar(select(Customer).where(Customer.name == "重庆银河商行"))
    page = client.get(f"/customer/details/?id={customer.id}").get_data(as_text=True)
    assert customer.code in page and "联系记录" in page and "合同文档" in page and "联系人" in page


def test_add_customer_form_and_duplicate_message(client):
    zhang = make_employee("zhangsan", real_name="张三")
    first = make_customer(zhang, name="北京世纪城有限公司", mobile="13800138000")
    db.session.commit()
    login(client)
    assert "--请选择省份--" in client.get("/customer/new/").get_data(as_text=True)
    response = client.post("/customer/new/", data={"name": "另一家", "mobile": "138-0013-8000"})
    page = response.get_data(as_text=True)
    assert f"手机已存在,客户编号:{first.code},客户名称:北京世纪城有限公司,客服专员:张三" in page
    response = client.post("/customer/new/", data={"name": "上海丰淮二手车有限公司", "mobile": "13701626801",
                                                   "province": "上海市", "city": "上海市", "district": "浦东新区",
                                                   "then": "follow_up"})
    assert response.status_code == 302 and "/follow-up/new/" in response.headers["Location"]
    created = db.session.scalar(select(Customer).where(Customer.name == "上海丰淮二手车有限公司"))
    assert created.district == "浦东新区" and created.owner_id == admin().id
    page = client.post("/customer/new/", data={"name": "坏地区", "mobile": "13700000001", "province": "上海市",
                                               "city": "广州市"}).get_data(as_text=True)
    assert "城市“广州市”不属于上海市" in page


def test_scope_hides_other_customers_even_by_id(client):
    role = make_role("销售员", SELLER, scopes={"customer": "self"})
    make_employee("zhangsan", role=role, real_name="张三")
    other = make_customer(admin(), name="管理员的客户")
    db.session.commit()
    login(client, "zhangsan", "secret#123")
    assert "管理员的客户" not in client.get("/customer/").get_data(as_text=True)
    assert client.get(f"/customer/details/?id={other.id}").status_code == 404
    assert client.get(f"/customer/edit/?id={other.id}").status_code == 404


def test_bulk_category_change(client):
    a = make_customer(admin(), name="甲公司")
    b = make_customer(admin(), name="乙公司")
    db.session.commit()
    login(client)
    response = client.post("/customer/action/", data={"action": "set_category", "rowid": [str(a.id), str(b.id)]})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "/customer/bulk/category" in location
    formal = db.session.scalar(select(CustomerCategory).where(CustomerCategory.name == "正式客户"))
    response = client.post("/customer/bulk/category", data={"ids": f"{a.id},{b.id}", "target": str(formal.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert {c.category_id for c in db.session.scalars(select(Customer))} == {formal.id}
    page = client.get(f"/customer/details/?id={a.id}").get_data(as_text=True)
    assert "潜在客户" in page and "正式客户" in page  # change history


def test_xss_in_every_text_field_is_shown_as_text(client):
    payload = "<script>alert(1)</script>"
    fields = ("contact_name", "position", "qq", "address", "industry", "remark")
    make_customer(admin(), name=payload + "公司", **{f: payload for f in fields})
    db.session.commit()
    login(client)
    customer = db.session.scalar(select(Customer))
    for url in ("/customer/", f"/customer/details/?id={customer.id}", f"/customer/edit/?id={customer.id}",
                "/my-customer/"):
        page = client.get(url).get_data(as_text=True)
        assert payload not in page, url
        assert "&lt;script&gt;" in page, url


def test_follow_up_export_is_an_xlsx_of_what_the_list_shows(client):
    import io

    from openpyxl import load_workbook

    from app.services.customers.followups import add_follow_up

    customer = make_customer(admin(), name="深圳晶显")
    add_follow_up(customer, {"content": "=cmd|' /C calc'!A0"}, admin())
    db.session.commit()
    login(client)
    sheet = load_workbook(io.BytesIO(client.get("/follow-up/export.xlsx").data)).active
    row = [c.value for c in sheet[2]]
    assert "深圳晶显" in row and "=cmd|' /C calc'!A0" in row  # as typed, in a text cell
    cell = next(c for c in sheet[2] if c.value == "=cmd|' /C calc'!A0")
    assert cell.data_type == "s" and cell.quotePrefix


def test_keyset_pager_walks_the_list_without_offsets(client):
    for i in range(45):
        make_customer(admin(), name=f"分页客户{i:02d}")
    db.session.commit()
    login(client)
    import re

    seen = []
    url = "/customer/?page_size=20"
    for _ in range(3):
        page = client.get(url).get_data(as_text=True)
        seen += re.findall(r"分页客户(\d\d)", page)
        match = re.search(r'id="next-page" href="([^"]+)"', page)
        if not match:
            break
        url = match.group(1).replace("&amp;", "&")
        assert "after=" in url
    assert seen == [f"{i:02d}" for i in range(44, -1, -1)]
    page = client.get(url.replace("after=", "x=") + "&search=分页").get_data(as_text=True)
    assert "分页客户" in page  # a cursor-less page still works by offset


def test_crafted_ids_and_choices_get_clear_answers(client):
    customer = make_customer(admin(), name="北京世纪城有限公司", to_pool=True)
    disabled = make_employee("wangwu", real_name="王五", enabled=False)
    db.session.commit()
    login(client)
    huge = "9" * 30  # beyond any database integer
    assert client.get(f"/customer/details/?id={huge}").status_code == 404
    assert client.get("/customer/details/?id=-1").status_code == 404
    page = client.get(f"/customer/?after={huge}").get_data(as_text=True)
    assert client.get(f"/customer/?after={huge}").status_code == 200 and "北京世纪城有限公司" in page
    for owner in ("abc", huge, str(disabled.id)):  # 客服专员 on the add form
        page = client.post("/customer/new/", data={"name": f"新客户{owner[:3]}", "mobile": "13700000009",
                                                   "owner_id": owner}).get_data(as_text=True)
        assert "请选择一个启用中的员工作为客服专员" in page
    assert db.session.scalar(select(Customer).where(Customer.name.like("新客户%"))) is None  # nothing saved
    for target in ("abc", huge):
        page = client.post("/customer/bulk/category", data={"ids": str(customer.id), "target": target},
                           follow_redirects=True).get_data(as_text=True)
        assert "请选择客户类别" in page
        page = client.post("/customer-pool/assign", data={"ids": str(customer.id), "target": target},
                           follow_redirects=True).get_data(as_text=True)
        assert "请选择一个启用中的员工作为客服专员" in page
    db.session.expire_all()
    assert db.session.get(Customer, customer.id).owner_id is None
