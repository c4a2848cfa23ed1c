"""SMS hooks of the order screens (issue 14) through the local test gateway: 短信通知收货人 on 发货, 订单审核提醒
when an order is added, 发送短信 next to the customer's phone numbers."""

import pytest
from sqlalchemy import select

from app.services.sms import settings
from jobs.messaging import resume_sms
from models.base_data import LogisticsCompany
from models.orders import OrderStatus, SalesOrder
from tests.helpers import admin, login, make_employee, make_role
from tests.messaging.factories import make_sms_account
from tests.messaging.sms_gateway import GatewayServer
from tests.order_factories import make_customer, make_order, make_product


@pytest.fixture()
def gateway(app, db):
    with GatewayServer() as server:
        make_sms_account(server.url)
        yield server


def switch(db, key, enabled=True):
    form = {}
    for event in settings.EVENTS:
        row = settings.get(event.key)
        form[event.key] = {"enabled": row.enabled, "days_ahead": str(row.days_ahead),
                           "recipients": settings.recipients_of(row)}
    form[key] = {"enabled": enabled, "days_ahead": "0", "recipients": set(settings.BY_KEY[key].recipients)}
    settings.save_all(form)
    db.session.commit()


def _picking_order(db):
    order = make_order(status=OrderStatus.PICKING,
                       texts={"receiver_name": "龙秋菊", "receiver_mobile": "18606100000", "receiver_address": "x"})
    company = LogisticsCompany(name="顺丰速运", sort_order=5)
    db.session.add(company)
    db.session.commit()
    return order, company


def test_shipping_with_the_box_ticked_texts_the_receiver(client, db, gateway):
    switch(db, "order_shipped")
    order, company = _picking_order(db)
    login(client)
    page = client.get(f"/order/{order.id}/logistics").get_data(as_text=True)
    assert "短信通知收货人" in page and 'name="notify_receiver"' in page
    html = client.post(f"/order/{order.id}/logistics", data={"logistics_company_id": company.id,
                       "tracking_number": "1201520254896", "button": "ship", "notify_receiver": "1"},
                       follow_redirects=True).get_data(as_text=True)
    assert "已保存并发货" in html
    resume_sms()
    assert [(s.numbers, s.content) for s in gateway.state.sends] == [
        (["18606100000"], "龙秋菊您好，您在我公司订购的产品已经发货，顺丰速运，单号：1201520254896，请注意查收！")]


def test_shipping_without_the_box_or_with_the_notice_off_texts_nobody(client, db, gateway):
    order, company = _picking_order(db)
    login(client)
    client.post(f"/order/{order.id}/logistics", data={"logistics_company_id": company.id, "tracking_number": "A1",
                                                      "button": "ship", "notify_receiver": "1"})  # 提醒设置 off
    second = make_order(status=OrderStatus.PICKING)
    switch(db, "order_shipped")
    client.post(f"/order/{second.id}/logistics", data={"logistics_company_id": company.id, "tracking_number": "A2",
                                                       "button": "ship"})  # box not ticked
    resume_sms()
    assert gateway.state.sends == []
    assert db.session.get(type(order), order.id).status == OrderStatus.SHIPPED


def test_adding_an_order_texts_the_approvers_when_the_notice_is_on(client, db, gateway):
    approver = make_employee("shenhe", real_name="审核员", role=make_role("经理", ["order.view", "order.approve"]))
    approver.mobile = "13600000001"
    clerk = make_employee("kefu", real_name="客服小王", role=make_role("客服", ["order.view", "order.add"],
                                                                     scopes={"order": "self", "customer": "self"}))
    customer, product = make_customer(owner=clerk), make_product(price="99.00")
    switch(db, "order_submitted")
    login(client, "kefu", "secret#123")
    client.post("/order/new", data={"customer_id": customer.id, "product_id": [product.id], "quantity": ["2"],
                                    "unit_price": [""], "freight": "0", "discount": "0", "paid": "0",
                                    "receiver_name": "顾老板"})
    order = db.session.scalar(select(SalesOrder))
    assert order is not None
    resume_sms()
    sent = {tuple(s.numbers): s.content for s in gateway.state.sends}
    assert sent[("13600000001",)] == f"客服小王提交了一张新订单：{order.number}，订单金额：198.00元，等待您的审核！"


def test_no_approval_text_when_the_notice_is_off(client, db, gateway):
    approver = make_employee("shenhe", real_name="审核员", role=make_role("经理", ["order.approve"]))
    approver.mobile = "13600000001"
    switch(db, "order_submitted", enabled=False)
    make_order()
    db.session.commit()
    resume_sms()
    assert gateway.state.sends == []


def test_customer_page_offers_send_sms_next_to_the_mobile(client, db):
    customer = make_customer(owner=admin(), mobile="13912345678")
    db.session.commit()
    login(client)
    page = client.get(f"/customer/details/?id={customer.id}").get_data(as_text=True)
    assert 'class="small send-sms-link" href="/sms-send/?mobile=13912345678"' in page
    form = client.get("/sms-send/?mobile=13912345678").get_data(as_text=True)
    assert "13912345678" in form
