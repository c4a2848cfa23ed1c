"""邮件管理 and 短信管理 in the browser: a mail written in the rich-text editor arrives and shows 已发送 in 发件箱;
群发短信 counts numbers and characters as they are typed, picks numbers 自客户, and the local gateway gets the text."""

from playwright.sync_api import expect

from app.extensions import db
from app.services.customer_demo import make_customer
from tests.helpers import admin
from tests.messaging.factories import make_mail_account, make_sms_account
from tests.messaging.sms_gateway import GatewayServer
from tests.messaging.smtp_server import SmtpServer


def test_send_a_mail_with_the_rich_text_editor_and_see_it_sent(admin_page, live, tmp_path):
    with SmtpServer() as smtp:
        make_mail_account(admin(), smtp.port)
        page = admin_page
        page.click("#crm-menu >> text=发送邮件")
        page.fill("#to", "client@example.com")
        page.fill("#cc", "boss@example.com")
        page.fill("#subject", "年底对账通知")
        editor = page.locator(".ql-editor")
        editor.click()
        page.keyboard.type("您好，请核对附件中的")
        page.keyboard.press("Control+B")
        page.keyboard.type("对账单")
        attachment = tmp_path / "对账单.txt"
        attachment.write_text("2026年对账单", encoding="utf-8")
        page.set_input_files("#attachments", str(attachment))
        page.click("#send-mail")
        expect(page.locator("#mail-sent")).to_contain_text("邮件发送成功")
        page.click("text=查看发件箱")
        row = page.locator("table.model-list tbody tr").first
        expect(row).to_contain_text("年底对账通知")
        expect(row.locator(".mail-status")).to_have_text("已发送")
        mail = smtp.received[0].message
        assert mail["Subject"] == "年底对账通知" and mail["Cc"] == "boss@example.com"
        assert "请核对附件中的<strong>对账单</strong>" in mail.get_body(("html",)).get_content()
        assert [p.get_filename() for p in mail.iter_attachments()] == ["对账单.txt"]


def test_bulk_sms_counts_numbers_and_characters_and_sends(admin_page, live):
    with GatewayServer() as gateway:
        gateway.state.balance = 640
        make_sms_account(gateway.url)
        make_customer(admin(), name="华强电子有限公司", mobile="13911112222")
        db.session.commit()
        page = admin_page
        page.click("#crm-menu >> text=群发短信")
        expect(page.locator("#sms-balance")).to_have_text("640")
        page.fill("#sms-numbers", "13900000000,13900000000\n13900000001，12345")
        expect(page.locator("#sms-number-count")).to_have_text("2")
        expect(page.locator("#sms-number-duplicates")).to_have_text("1")
        expect(page.locator("#sms-number-invalid")).to_have_text("1")
        page.click("button[data-picker=customer]")
        page.fill("#picker-query", "华强")
        page.click("#picker-search")
        page.locator("#picker-results input[type=checkbox]").first.check()
        page.click("#picker-add")
        expect(page.locator("#sms-number-count")).to_have_text("3")
        page.fill("#sms-content", "字" * 66)
        expect(page.locator("#sms-char-count")).to_have_text("66")
        expect(page.locator("#sms-part-count")).to_have_text("2")
        page.fill("#sms-content", "岁月匆匆，人生如寄；祝您新年快乐！")
        expect(page.locator("#sms-part-count")).to_have_text("1")
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#send-sms")
        expect(page.locator(".alert-success")).to_contain_text(
            "短信已提交：有效号码 3 个，已去除重复号码 1 个，已去除无效号码 1 个，每个号码计费 1 条，共 3 条")
        expect(page.locator("table.model-list tbody tr")).to_have_count(3)
        assert sorted(gateway.state.numbers) == ["13900000000", "13900000001", "13911112222"]
        assert gateway.state.sends[0].content == "岁月匆匆，人生如寄；祝您新年快乐！"
