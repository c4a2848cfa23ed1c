"""邮件配置, 发送邮件 and 发件箱 through the test client: the form sends through a real SMTP server, passwords are
never shown back, every by-id endpoint keeps to the user's own records, crafted input gets a message."""

import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.services.customer_demo import make_customer
from models.mail import MailAccount, MailMessage, MailStatus
from tests.helpers import admin, login, make_employee, make_role
from tests.messaging.factories import make_mail_account
from tests.messaging.smtp_server import SmtpServer

STAFF = ["mail_account.view", "mail_account.add", "mail_account.edit", "mail_account.delete", "mail_send.view",
         "mail_outbox.view", "mail_outbox.resend", "mail_outbox.delete", "customer.view"]


@pytest.fixture()
def smtp(app, db):
    app.config["MAIL_INLINE_RETRY_DELAYS"] = (0, 0)
    with SmtpServer() as server:
        yield server


def _staff(name="zhangsan", codes=STAFF):
    role = make_role(f"角色{name}", codes, scopes={"customer": "self", "mail_account": "self", "mail_outbox": "self"})
    employee = make_employee(name, role=role)
    db.session.commit()
    return employee


def _send(client, account, **fields):
    data = {"account_id": str(account.id), "to": "client@example.com", "cc": "", "subject": "报价单",
            "body": "<p>附件是<b>报价单</b></p>"} | fields
    return client.post("/mail-send/", data=data, content_type="multipart/form-data", follow_redirects=True)


def test_add_account_keeps_the_password_secret(client, smtp):
    login(client)
    page = client.post("/mail-account/new/", data={
        "name": "通知邮件账户", "email": "xzrj02@163.com", "password": "授权码-123", "smtp_host": "smtp.163.com",
        "smtp_port": "465", "security": "ssl", "is_default": "1"}, follow_redirects=True).get_data(as_text=True)
    assert "邮件账户已添加" in page and "xzrj02@163.com" in page and "smtp.163.com" in page
    assert "常用的免费SMTP服务器如下" in page and "smtp.live.com (SSL)" in page
    account = db.session.scalar(select(MailAccount))
    edit = client.get(f"/mail-account/edit/?id={account.id}").get_data(as_text=True)
    assert "授权码-123" not in edit and account.password_encrypted not in edit and "已保存（加密存储，不再显示）" in edit
    assert "smtp.qq.com，需要到邮箱里先开通" in edit  # the manual's table of common servers
    client.post(f"/mail-account/edit/?id={account.id}", data={
        "name": "改名", "email": "xzrj02@163.com", "password": "", "smtp_host": "smtp.163.com",
        "smtp_port": "465", "security": "ssl"})
    db.session.expire_all()
    assert db.session.get(MailAccount, account.id).password_encrypted == account.password_encrypted


@pytest.mark.parametrize(("field", "value", "message"), [
    ("email", "not-an-email", "发件 Email 格式不正确"), ("smtp_port", "99999", "端口须为 1 到 65535 的整数"),
    ("smtp_host", "smtp host; rm", "SMTP 服务器不正确"), ("name", "名" * 51, "账户名称不能为空"),
    ("password", "", "Email 密码不能为空"), ("security", "tls13", "请选择加密方式"),
])
def test_bad_account_input_gets_a_message(client, field, value, message):
    login(client)
    data = {"name": "a", "email": "a@b.cn", "password": "p", "smtp_host": "smtp.b.cn", "smtp_port": "25",
            "security": "none"} | {field: value}
    page = client.post("/mail-account/new/", data=data).get_data(as_text=True)
    assert message in page
    assert db.session.scalar(select(func.count(MailAccount.id))) == 0


def test_test_button_reports_the_servers_answer(client, smtp):
    account = make_mail_account(admin(), smtp.port)
    login(client)
    page = client.post(f"/mail-account/row-action/test/{account.id}", follow_redirects=True).get_data(as_text=True)
    assert "测试“通知邮件账户”：连接成功，服务器返回 250" in page


def test_send_from_the_form_and_see_it_sent_in_the_outbox(client, smtp):
    account = make_mail_account(admin(), smtp.port)
    login(client)
    page = _send(client, account, cc="boss@example.com",
                 attachments=[(io.BytesIO("报价".encode()), "报价单.txt")]).get_data(as_text=True)
    assert "邮件发送成功" in page
    assert smtp.received[0].message["Subject"] == "报价单"
    outbox = client.get("/mail-outbox/").get_data(as_text=True)
    assert "已发送" in outbox and "client@example.com" in outbox
    message = db.session.scalar(select(MailMessage))
    detail = client.get(f"/mail-outbox/details/?id={message.id}").get_data(as_text=True)
    assert "<b>报价单</b>" in detail and "报价单.txt" in detail
    attachment = message.attachments[0]
    assert client.get(f"/mail-outbox/attachment/{attachment.id}").data == "报价".encode()


def test_failed_mail_shows_the_error_and_can_be_sent_again(client, smtp):
    account = make_mail_account(admin(), smtp.port)
    smtp.handler.answers.append("554 5.7.1 Relay access denied")
    login(client)
    assert "554 5.7.1 Relay access denied" in _send(client, account).get_data(as_text=True)
    outbox = client.get("/mail-outbox/").get_data(as_text=True)
    assert "失败" in outbox and "重新发送" in outbox
    message = db.session.scalar(select(MailMessage))
    page = client.post(f"/mail-outbox/row-action/resend/{message.id}", follow_redirects=True).get_data(as_text=True)
    assert "已重新提交发送" in page
    db.session.expire_all()
    assert db.session.get(MailMessage, message.id).status is MailStatus.SENT
    again = client.post(f"/mail-outbox/row-action/resend/{message.id}", follow_redirects=True).get_data(as_text=True)
    assert "只有发送失败的邮件可以重新发送" in again


def test_bad_send_input_is_refused_and_nothing_is_queued(client, smtp):
    account = make_mail_account(admin(), smtp.port)
    login(client)
    for fields, message in [({"to": "nobody"}, "收件人中的地址格式不正确"), ({"subject": ""}, "邮件主题不能为空"),
                            ({"body": ""}, "邮件内容不能为空"), ({"account_id": "abc"}, "请选择发件人账户"),
                            ({"account_id": "99999999999999999999"}, "请选择发件人账户"),
                            ({"subject": "a\x00b" * 5000}, "邮件主题不能超过 200 个字")]:
        response = _send(client, account, **fields)
        assert response.status_code == 400 and message in response.get_data(as_text=True), fields
    assert db.session.scalar(select(func.count(MailMessage.id))) == 0 and smtp.received == []


def test_other_users_accounts_and_mails_are_out_of_reach(client, smtp):
    owner_account = make_mail_account(admin(), smtp.port)
    _staff()
    login(client, "zhangsan", "secret#123")
    assert client.get(f"/mail-account/edit/?id={owner_account.id}").status_code == 404
    assert client.post(f"/mail-account/row-action/test/{owner_account.id}").status_code == 404
    assert client.post("/mail-account/test-one/", data={"id": str(owner_account.id)}).status_code == 404
    # sending through someone else's private account is refused, a public one is allowed
    assert "发件人账户不存在" in _send(client, owner_account).get_data(as_text=True)
    owner_account.is_public = True
    db.session.commit()
    assert "邮件发送成功" in _send(client, owner_account).get_data(as_text=True)
    admin_mail = MailMessage(sender_id=admin().id, from_address="a@b.cn", recipients="c@d.cn", subject="内部",
                             body_html="<p>x</p>", status=MailStatus.FAILED)
    db.session.add(admin_mail)
    db.session.commit()
    assert "内部" not in client.get("/mail-outbox/").get_data(as_text=True)
    assert client.get(f"/mail-outbox/details/?id={admin_mail.id}").status_code == 404
    assert client.post(f"/mail-outbox/row-action/resend/{admin_mail.id}").status_code == 404
    assert client.get(f"/mail-outbox/sent/?id={admin_mail.id}").status_code == 404
    for crafted in ("abc", "1 OR 1=1", "9" * 30, "-1"):
        assert client.get(f"/mail-outbox/attachment/{crafted}").status_code == 404
        assert client.get(f"/mail-outbox/sent/?id={crafted}").status_code == 404


def test_without_permission_the_pages_are_403(client):
    _staff("lisi", ["customer.view"])
    login(client, "lisi", "secret#123")
    for url in ("/mail-send/", "/mail-send/pick?kind=customer", "/mail-outbox/", "/mail-account/"):
        assert client.get(url).status_code == 403, url
    assert client.post("/mail-send/", data={}).status_code == 403
    assert client.post("/mail-account/test-one/", data={"id": "1"}).status_code == 403


def test_pickers_list_only_customers_in_scope(client):
    staff = _staff()
    make_customer(staff, name="华强电子有限公司", email="mine@example.com")
    make_customer(admin(), name="华强五金有限公司", email="theirs@example.com")
    db.session.commit()
    login(client, "zhangsan", "secret#123")
    rows = client.get("/mail-send/pick?kind=customer&q=华强").get_json()
    assert rows == [{"name": "华强电子有限公司", "value": "mine@example.com"}]
    assert client.get("/mail-send/pick?kind=bogus&q=%00").get_json() == []
    assert client.get("/mail-send/pick?kind=contact&q=" + "x" * 10000).status_code == 200
