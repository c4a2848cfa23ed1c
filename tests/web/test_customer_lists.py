"""我的客户列表, 公共客户管理, 共享客户列表, 联系记录管理, 等待回访 and the settings screens through the client."""

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.services.customer_demo import make_customer
from app.services.customers.followups import add_follow_up
from models.accounts import Role
from models.base import utcnow
from models.customers import Customer, CustomerField, CustomerFieldValue, CustomerSettings
from tests.helpers import admin, login, make_employee, make_role

SELLER = ["customer.view", "customer.add", "customer.edit", "follow_up.view", "follow_up.add", "follow_up.edit",
          "follow_up_due.view", "my_customer.view", "my_customer.abandon", "my_customer.share", "customer_pool.view",
          "customer_pool.claim", "customer_share.view"]


def _seller(username, real_name):
    role = db.session.scalar(select(Role).where(Role.name == "销售员")) or make_role(
        "销售员", SELLER, scopes={"customer": "self"})
    return make_employee(username, role=role, real_name=real_name)


def test_my_customers_share_and_shared_list(client):
    zhang = _seller("zhangsan", "张三")
    li = _seller("lisi", "李四")
    customer = make_customer(zhang, name="张三的客户")
    make_customer(admin(), name="别人的客户")
    db.session.commit()
    login(client, "zhangsan", "secret#123")
    page = client.get("/my-customer/").get_data(as_text=True)
    assert "张三的客户" in page and "别人的客户" not in page and "即将回收" in page
    client.post(f"/my-customer/share/{customer.id}", data={"employee_ids": [str(li.id)]})
    assert "李四" in client.get("/customer-share/?tab=mine").get_data(as_text=True)
    client.post("/logout")
    login(client, "lisi", "secret#123")
    assert "张三的客户" in client.get("/customer-share/").get_data(as_text=True)
    assert client.get(f"/customer/details/?id={customer.id}").status_code == 200
    response = client.post(f"/follow-up/new/?customer_id={customer.id}", data={"content": "李四帮忙回访"})
    assert response.status_code == 302
    assert client.get(f"/customer/edit/?id={customer.id}").status_code == 404  # sharing is not ownership


def test_pool_assign_by_manager(client):
    li = make_employee("lisi", real_name="李四")
    customer = make_customer(admin(), name="池中客户", to_pool=True)
    db.session.commit()
    login(client)
    assert "池中客户" in client.get("/customer-pool/").get_data(as_text=True)
    response = client.post("/customer-pool/action/", data={"action": "assign", "rowid": [str(customer.id)]})
    assert "/customer-pool/assign" in response.headers["Location"]
    client.post("/customer-pool/assign", data={"ids": str(customer.id), "target": str(li.id)})
    db.session.expire_all()
    assert db.session.get(Customer, customer.id).owner_id == li.id
    page = client.get(f"/customer/details/?id={customer.id}").get_data(as_text=True)
    assert "公共客户池" in page and "李四" in page  # history: from the pool to 李四


def test_follow_up_pages_and_waiting_list(client):
    customer = make_customer(admin(), name="深圳晶显")
    add_follow_up(customer, {"content": "发送了报价单", "contacted_at": utcnow() - timedelta(days=1),
                             "next_contact_at": utcnow() - timedelta(hours=1), "next_goal": "签合同"}, admin())
    later = make_customer(admin(), name="下周再联系")
    add_follow_up(later, {"content": "客户暂时没有需求", "next_contact_at": utcnow() + timedelta(days=7)}, admin())
    db.session.commit()
    login(client)
    page = client.get("/follow-up-due/").get_data(as_text=True)
    assert "深圳晶显" in page and "签合同" in page and "下周再联系" not in page
    page = client.get("/follow-up/?search=下周").get_data(as_text=True)
    assert "客户暂时没有需求" in page and "发送了报价单" not in page
    response = client.post(f"/follow-up/new/?customer_id={customer.id}", data={"content": ""})
    assert "联系内容不能为空" in response.get_data(as_text=True)


def test_settings_screens_and_custom_fields(client):
    login(client)
    client.post("/customer-check-settings/", data={"checks": ["check_name", "check_mobile"]})
    settings = db.session.get(CustomerSettings, 1)
    assert settings.check_name and settings.check_mobile and not settings.check_phone
    page = client.post("/customer-pool-settings/", data={"pool_enabled": "1", "recycle_days": "30", "warn_days": "3"},
                       follow_redirects=True).get_data(as_text=True)
    assert "至少勾选一个" in page
    page = client.post("/customer-field/new/", data={"name": "公司人数", "field_type": "number", "sort_order": "1"},
                       follow_redirects=True).get_data(as_text=True)
    field = db.session.scalar(select(CustomerField))
    assert field is not None, page[page.find("alert"):page.find("alert") + 400]
    assert "公司人数" in client.get("/customer/new/").get_data(as_text=True)
    page = client.post("/customer/new/", data={"name": "甲公司", "mobile": "13900000001", f"cf_{field.id}": "很多"})
    assert "公司人数须为数字" in page.get_data(as_text=True)
    client.post("/customer/new/", data={"name": "甲公司", "mobile": "13900000001", f"cf_{field.id}": "120"})
    customer = db.session.scalar(select(Customer).where(Customer.name == "甲公司"))
    assert "120" in client.get(f"/customer/details/?id={customer.id}").get_data(as_text=True)
    client.post("/customer-field/delete/", data={"id": str(field.id)})
    assert db.session.scalar(select(CustomerFieldValue)) is None


def test_my_customer_list_offers_add_and_assign(client):
    li = make_employee("lisi", real_name="李四")
    customer = make_customer(admin(), name="我的客户甲")
    db.session.commit()
    login(client)
    page = client.get("/my-customer/").get_data(as_text=True)
    assert 'id="add-customer"' in page and "客户指派" in page
    response = client.post("/my-customer/action/", data={"action": "assign", "rowid": [str(customer.id)]})
    assert "/customer/bulk/assign" in response.headers["Location"]
    client.post("/customer/bulk/assign", data={"ids": str(customer.id), "target": str(li.id)})
    db.session.expire_all()
    assert db.session.get(Customer, customer.id).owner_id == li.id


def test_bulk_deleting_follow_ups_keeps_the_customer_in_step(client):
    customer = make_customer(admin(), name="回访客户")
    first = add_follow_up(customer, {"content": "第一次", "contacted_at": utcnow() - timedelta(days=3)}, admin())
    second = add_follow_up(customer, {"content": "第二次"}, admin())
    db.session.commit()
    login(client)
    client.post("/follow-up/action/", data={"action": "delete", "rowid": [str(second.id)]})
    db.session.expire_all()
    assert db.session.get(Customer, customer.id).last_contact_at == first.contacted_at
