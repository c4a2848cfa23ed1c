"""A ticket's whole life in the browser by two employees: submit, assign, reply with 标记为解决, reopen, resolve, close."""

from playwright.sync_api import expect

from app.extensions import db
from tests.e2e.conftest import ui_login
from tests.helpers import PASSWORD, make_employee, make_role
from tests.order_factories import make_customer

HANDLER = ["ticket.view", "ticket.reply", "ticket.resolve", "customer.view"]


def _log_actions(page):
    return page.locator("#ticket-logs tbody tr td:nth-child(3)").all_inner_texts()


def test_a_ticket_from_submission_to_closing(admin_page, live):
    page = admin_page
    page.on("dialog", lambda dialog: dialog.accept())
    customer = make_customer("深圳晶显自动化设备有限公司", contact="陈军", mobile="13798497582")
    make_employee("zhangsan", role=make_role("售后工程师", HANDLER, scopes={"ticket": "self", "customer": "all"}),
                  real_name="张三")
    db.session.commit()

    # Admin submits from the customer's 售后服务 tab, without 指派给: 新工单.
    page.goto(f"{live}/customer/details/?id={customer.id}")
    page.click("#customer-detail-tabs >> text=售后服务 (0)")
    page.click("#customer-tickets-tab #add-ticket")
    expect(page.locator("#contact_name")).to_have_value("陈军")
    page.fill("#subject", "产品安装调试")
    page.fill("#content", "客户购买了我们的产品，需要给客户安装调试")
    page.select_option("#priority", label="高")
    page.click("#save-ticket")
    expect(page.locator("#ticket-status")).to_have_text("新工单")
    number = page.locator("#ticket-number").inner_text()
    page.click("#crm-menu >> text=新提交的工单")
    expect(page.locator(f"tr[data-order='{number}']")).to_contain_text("产品安装调试")

    # 工单分配 to 张三: 已分配, and the log says so.
    page.locator(f"tr[data-order='{number}'] [data-action=工单分配]").click()
    page.select_option("#assignee_id", label="张三")
    page.click("#assign-save")
    expect(page.locator(".alert-success")).to_contain_text(f"工单 {number} 已分配给 张三")
    page.click("#crm-menu >> text=已分配的工单")
    expect(page.locator(f"tr[data-order='{number}']")).to_contain_text("张三")
    page.click(f"tr[data-order='{number}'] >> text=产品安装调试")
    expect(page.locator("#reply-submit")).to_be_disabled()  # admin is not the assignee

    # 张三 replies with 标记为解决.
    page.context.clear_cookies()
    ui_login(page, live, "zhangsan", PASSWORD)
    page.click("#crm-menu >> text=已分配的工单")
    page.click(f"tr[data-order='{number}'] >> text=产品安装调试")
    page.fill("#reply-body", "已上门安装调试完成")
    page.check("#reply-resolve")
    page.click("#reply-submit")
    expect(page.locator("#ticket-status")).to_have_text("已解决")
    expect(page.locator(".ticket-reply")).to_contain_text("已上门安装调试完成")
    assert _log_actions(page)[-2:] == ["标记解决", "服务时限暂停"]
    expect(page.locator("#reply-form")).to_have_count(0)

    # Admin reopens from 已解决的工单, resolves from 已分配的工单, closes from 已解决的工单.
    page.context.clear_cookies()
    ui_login(page, live)
    page.click("#crm-menu >> text=已解决的工单")
    page.locator(f"tr[data-order='{number}'] [data-action=reopen]").click()
    expect(page.locator(".alert-success")).to_contain_text(f"工单 {number} 已重新打开")
    expect(page.locator(f"tr[data-order='{number}']")).to_have_count(0)
    page.click("#crm-menu >> text=已分配的工单")
    page.locator(f"tr[data-order='{number}'] [data-action=resolve]").click()
    expect(page.locator(".alert-success")).to_contain_text(f"工单 {number} 已标记为已解决")
    page.click("#crm-menu >> text=已解决的工单")
    page.locator(f"tr[data-order='{number}'] [data-action=close]").click()
    expect(page.locator(".alert-success")).to_contain_text(f"工单 {number} 已关闭")
    page.click("#crm-menu >> text=已关闭的工单")
    page.click(f"tr[data-order='{number}'] >> text=产品安装调试")
    expect(page.locator("#ticket-status")).to_have_text("已关闭")
    expect(page.locator("#ticket-closed-note")).to_contain_text("请新建工单")
    assert _log_actions(page) == ["添加工单", "工单分配", "标记解决", "服务时限暂停", "重新打开", "服务时限恢复",
                                  "标记解决", "服务时限暂停", "关闭工单"]
    page.screenshot(path="/tmp/ticket_detail.png", full_page=True)
