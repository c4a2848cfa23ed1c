"""短信管理 screens through the test client with the local gateway: 群发短信 counts and refusals, 发送历史 with
filters and delivery reports, 查看余额, 短信模板, 提醒设置, and every endpoint's permission, scope and crafted ids."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.services.customer_demo import make_customer
from app.services.sms import sending
from models.sms import SmsAccount, SmsMessage, SmsReminderSetting, SmsStatus, SmsTemplate
from tests.helpers import admin, login, make_employee, make_role
from tests.messaging.factories import make_sms_account, mobiles
from tests.messaging.sms_gateway import GatewayServer

STAFF = ["sms_send.view", "sms_history.view", "sms_history.resend", "customer.view"]


@pytest.fixture()
def gateway(app, db):
    with GatewayServer() as server:
        yield server


def _staff(name="zhangsan", codes=STAFF):
    role = make_role(f"角色{name}", codes, scopes={"customer": "self", "sms_history": "self"})
    employee = make_employee(name, role=role, real_name="张三")
    db.session.commit()
    return employee


def _send(client, account, numbers, content="您好，您的订单已发货。", **fields):
    return client.post("/sms-send/", data={"account_id": str(account.id), "numbers": numbers, "content": content}
                       | fields, follow_redirects=True)


def test_send_shows_the_counts_and_lists_each_number_in_the_history(client, gateway):
    account = make_sms_account(gateway.url)
    login(client)
    page = _send(client, account, "13900000000,13900000000\n13900000001，12345").get_data(as_text=True)
    assert "短信已提交：有效号码 2 个，已去除重复号码 1 个，已去除无效号码 1 个，每个号码计费 1 条，共 2 条" in page
    assert page.count("已提交") >= 2 and "13900000001" in page and "系统管理员" in page
    assert gateway.state.numbers == ["13900000000", "13900000001"]
    client.get("/")  # the delivery reports arrive later
    from jobs.messaging import poll_sms_reports

    assert poll_sms_reports() == 2
    history = client.get("/sms-history/").get_data(as_text=True)
    assert history.count("发送成功") == 2


def test_the_form_shows_balance_and_billing_rule(client, gateway):
    make_sms_account(gateway.url)
    gateway.state.balance = 640
    login(client)
    page = client.get("/sms-send/?mobile=13800138000").get_data(as_text=True)
    assert 'data-balance="640"' in page and "xingzhu-[会员通知短信通道]" in page
    assert ">13800138000</textarea>" in page and "已输入手机号<strong id=\"sms-number-count\">1</strong>个" in page
    assert "每条普通短信可输入" in page and "订单发货提醒" in page  # templates to pick


@pytest.mark.parametrize(("numbers", "content", "message"), [
    (",".join(mobiles(501)), "你好", "每次最多发送 500 个号码，当前有效号码 501 个"),
    ("13900000000", "字" * 201, "短信内容不能超过 200 个字符，当前 201 个"),
    ("13900000000", "", "短信内容不能为空"),
    ("12345,abc", "你好", "请输入至少一个有效的手机号码"),
    ("\x00" * 10 + "1" * 10000, "你好", "请输入至少一个有效的手机号码"),
])
def test_bad_sends_get_a_message_and_nothing_is_saved(client, gateway, numbers, content, message):
    account = make_sms_account(gateway.url)
    login(client)
    response = _send(client, account, numbers, content)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(SmsMessage.id))) == 0 and gateway.state.sends == []


def test_crafted_account_ids_get_a_message(client, gateway):
    make_sms_account(gateway.url)
    login(client)
    for crafted in ("abc", "999999", "9" * 40, "-1"):
        response = client.post("/sms-send/", data={"account_id": crafted, "numbers": "13900000000", "content": "x"})
        assert response.status_code == 400 and "请选择短信发送账号" in response.get_data(as_text=True)


def test_history_filters_by_number_content_sender_and_status(client, gateway):
    account = make_sms_account(gateway.url)
    staff = _staff()
    sending.create_send(admin(), account.id, "13900000000", "生日快乐")
    sending.create_send(staff, account.id, "13900000001", "双十一促销")
    db.session.commit()
    login(client)
    assert "双十一促销" not in client.get("/sms-history/?flt0_0=13900000000").get_data(as_text=True)
    page = client.get("/sms-history/?flt0_1=促销").get_data(as_text=True)
    assert "双十一促销" in page and "生日快乐" not in page
    page = client.get(f"/sms-history/?flt0_2={staff.id}").get_data(as_text=True)
    assert "双十一促销" in page and "生日快乐" not in page
    for crafted in ("abc", "9" * 30, "1 OR 1=1"):  # a crafted filter value is ignored, never an error page
        assert client.get(f"/sms-history/?flt0_2={crafted}").status_code == 200
    page = client.get("/sms-history/?flt0_4=failed").get_data(as_text=True)
    assert "双十一促销" not in page and "生日快乐" not in page
    export = client.get("/sms-history/export.xlsx")
    assert export.status_code == 200 and export.data[:2] == b"PK"


def test_staff_see_only_their_own_history_and_cannot_touch_others(client, gateway):
    account = make_sms_account(gateway.url)
    _staff()
    gateway.state.error_code = "isv.MOBILE_NUMBER_ILLEGAL"
    sending.create_send(admin(), account.id, "13900000000", "管理员的短信")
    db.session.commit()
    from jobs.messaging import resume_sms

    resume_sms()
    message = db.session.scalar(select(SmsMessage))
    assert message.status is SmsStatus.FAILED
    login(client, "zhangsan", "secret#123")
    assert "管理员的短信" not in client.get("/sms-history/").get_data(as_text=True)
    assert client.post(f"/sms-history/row-action/resend/{message.id}").status_code == 404
    for crafted in ("abc", "9" * 30):
        assert client.post(f"/sms-history/row-action/resend/{crafted}").status_code == 404
        assert client.get(f"/sms-history/?batch={crafted}").status_code == 200


def test_failed_numbers_can_be_sent_again(client, gateway):
    account = make_sms_account(gateway.url)
    gateway.state.error_code = "isv.AMOUNT_NOT_ENOUGH"
    login(client)
    page = _send(client, account, "13900000000").get_data(as_text=True)
    assert "发送失败" in page and "isv.AMOUNT_NOT_ENOUGH" in page
    gateway.state.error_code = None
    message = db.session.scalar(select(SmsMessage))
    page = client.post(f"/sms-history/row-action/resend/{message.id}", follow_redirects=True).get_data(as_text=True)
    assert "已重新提交发送" in page and gateway.state.numbers == ["13900000000"]


def test_balance_page_lists_every_account(client, gateway):
    make_sms_account(gateway.url)
    make_sms_account("http://127.0.0.1:9", name="xzrjtest")  # nothing listens there
    gateway.state.balance = 399
    login(client)
    page = client.get("/sms-balance/").get_data(as_text=True)
    assert "账户名称：<strong>xingzhu</strong>" in page and ">399<" in page
    assert "xzrjtest" in page and "查询失败：无法连接短信网关" in page


def test_add_an_sms_account_with_the_providers_billing_rule(client, gateway):
    login(client)
    page = client.post("/sms-account/new/", data={
        "name": "阿里云通知", "channel": "notice", "gateway_url": gateway.url, "username": "xingzhu",
        "secret": "gateway-secret", "signature": "【星烛软件】", "single_chars": "70", "part_chars": "67",
        "max_chars": "200", "count_signature": "1", "numbers_per_request": "1000"},
        follow_redirects=True).get_data(as_text=True)
    assert "短信账户已添加" in page and "70 字一条，超出按每条 67 字，最多 200 字（含签名）" in page
    account = db.session.scalar(select(SmsAccount))
    assert account.signature == "星烛软件" and "gateway-secret" not in account.secret_encrypted
    assert "gateway-secret" not in client.get(f"/sms-account/edit/?id={account.id}").get_data(as_text=True)
    bad = client.post("/sms-account/new/", data={"name": "x", "channel": "notice", "gateway_url": "ftp://x",
                                                 "username": "u", "secret": "s", "signature": "星烛"})
    assert "网关地址须为 http:// 或 https:// 开头的网址" in bad.get_data(as_text=True)


def test_system_template_title_is_fixed_and_user_templates_are_free(client):
    login(client)
    template = db.session.scalar(select(SmsTemplate).where(SmsTemplate.code == "order_shipped"))
    page = client.get(f"/sms-template/edit/?id={template.id}").get_data(as_text=True)
    assert "系统模板的标题不能修改" in page and "{$TrackingNo$}</code>物流单号" in page
    client.post(f"/sms-template/edit/?id={template.id}", data={"title": "改名", "content": "{$ReceiverName$}，已发货"})
    db.session.expire_all()
    template = db.session.get(SmsTemplate, template.id)
    assert template.title == "订单发货提醒" and template.content == "{$ReceiverName$}，已发货"
    page = client.post("/sms-template/delete/", data={"id": str(template.id)}, follow_redirects=True)
    assert "系统模板，不能删除" in page.get_data(as_text=True)
    page = client.post("/sms-template/new/", data={"title": "祝福短信", "content": "岁月匆匆，人生如寄"},
                       follow_redirects=True).get_data(as_text=True)
    assert "短信模板已添加" in page and "祝福短信" in page
    assert "模板内容不能为空" in client.post("/sms-template/new/", data={"title": "空"}).get_data(as_text=True)


def test_reminder_settings_are_saved_and_checked(client):
    login(client)
    page = client.get("/sms-reminder-settings/").get_data(as_text=True)
    assert "开启合同到期短信提醒" in page and "提醒客户主联系人" in page and "提醒负责人" in page
    client.post("/sms-reminder-settings/", data={"contract_end-enabled": "1", "contract_end-days": "5",
                                                 "contract_end-recipients": ["customer"]})
    row = db.session.get(SmsReminderSetting, "contract_end")
    assert row.enabled and row.days_ahead == 5 and row.recipients == "customer"
    for data, message in [({"birthday-enabled": "1", "birthday-days": "abc", "birthday-recipients": "owner"},
                           "提前天数须为 0 到 60 的整数"),
                          ({"birthday-enabled": "1", "birthday-days": "1"}, "请至少选择一个提醒对象"),
                          ({"birthday-account": "123456"}, "所选短信账户不存在")]:
        response = client.post("/sms-reminder-settings/", data=data)
        assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_pickers_list_mobiles_within_scope_and_the_address_book(client):
    staff = _staff()
    make_customer(staff, name="华强电子有限公司", mobile="13911112222")
    make_customer(admin(), name="华强五金有限公司", mobile="13933334444")
    admin().mobile = "13000356000"
    db.session.commit()
    login(client, "zhangsan", "secret#123")
    assert client.get("/sms-send/pick?kind=customer&q=华强").get_json() == [
        {"name": "华强电子有限公司", "value": "13911112222"}]
    assert {"name": "系统管理员", "value": "13000356000"} in client.get("/sms-send/pick?kind=employee").get_json()


def test_without_permission_every_sms_page_is_403(client):
    _staff("lisi", ["customer.view"])
    login(client, "lisi", "secret#123")
    for url in ("/sms-send/", "/sms-send/pick?kind=customer", "/sms-history/", "/sms-balance/", "/sms-account/",
                "/sms-template/", "/sms-reminder-settings/"):
        assert client.get(url).status_code == 403, url
    assert client.post("/sms-send/", data={}).status_code == 403
    assert client.post("/sms-reminder-settings/", data={}).status_code == 403


def test_view_only_settings_cannot_be_saved(client):
    _staff("wangwu", ["sms_reminder_settings.view"])
    login(client, "wangwu", "secret#123")
    assert client.get("/sms-reminder-settings/").status_code == 200
    assert client.post("/sms-reminder-settings/", data={"contract_end-enabled": "1"}).status_code == 403


def test_customer_page_links_to_send_sms_with_the_number(client, app):
    from app.services.customers.contacts import save_contact

    customer = make_customer(admin(), name="华强电子有限公司", mobile="13911112222")
    save_contact(customer, None, {"name": "李经理", "mobile": "13955556666"})
    db.session.commit()
    login(client)
    page = client.get(f"/customer/details/?id={customer.id}").get_data(as_text=True)
    assert 'href="/sms-send/?mobile=13911112222"' in page and 'href="/sms-send/?mobile=13955556666"' in page
    other = app.test_client()
    staff = _staff("zhaoliu", ["customer.view"])
    mine = make_customer(staff, name="自己的客户", mobile="13977778888")
    db.session.commit()
    login(other, "zhaoliu", "secret#123")
    page = other.get(f"/customer/details/?id={mine.id}").get_data(as_text=True)
    assert "自己的客户" in page and "/sms-send/" not in page  # no 群发短信 permission, no link
