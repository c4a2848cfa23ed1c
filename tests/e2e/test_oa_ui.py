"""办公OA in the browser: 签到/签退 from the header, a 点评 reaching the author's pop-up without a reload,
adding an event by clicking a day of the month view."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.timeutil import local_today
from models.accounts import Role
from tests.e2e.conftest import ui_login
from tests.helpers import make_employee


def _staff():
    roles = {r.name: r for r in db.session.scalars(select(Role))}
    make_employee("zhangsan", role=roles["销售一部销售员"], real_name="张三")
    make_employee("manager", role=roles["销售一部经理"], real_name="王经理")
    db.session.commit()


def test_check_in_and_out_from_the_page_header(page, live):
    _staff()
    ui_login(page, live, "zhangsan", "secret#123")
    page.click("#check-in")
    expect(page.locator(".alert-success")).to_contain_text("签到成功，今天的签到时间：")
    expect(page.locator("#check-in-time")).to_have_text(re.compile(r"\d\d:\d\d:\d\d"))
    first = page.locator("#check-in-time").inner_text()
    page.click("#crm-menu >> text=员工考勤")
    page.click("#check-out")
    expect(page.locator(".alert-success")).to_contain_text("签退成功")
    expect(page).to_have_url(re.compile(r"/attendance/$"))  # back where the button was pressed
    page.click("#check-in")  # a second check-in keeps the earliest time
    expect(page.locator("#check-in-time")).to_have_text(first)
    row = page.locator("#attendance-list tbody tr", has_text="张三").first
    expect(row).to_contain_text(local_today().strftime("%Y-%m-%d"))
    expect(row).to_contain_text(first)
    expect(row).to_contain_text("127.0.0.1")


def test_a_comment_reaches_the_authors_popup_without_a_reload(page, live, live_app, second_page):
    _staff()
    live_app.config["REMINDER_POLL_SECONDS"] = 1
    try:
        ui_login(page, live, "zhangsan", "secret#123")
        page.click("#crm-menu >> text=工作日志")
        page.click("text=添加")
        page.select_option("#kind", label="日报")
        page.fill("#day", local_today().isoformat())
        page.fill("#title", "今天拜访了三家客户")
        page.fill("#content", "上午甲公司，下午乙公司和丙公司")
        page.click("input[type=submit][value='保存']")
        expect(page.locator("table.model-list tbody")).to_contain_text("今天拜访了三家客户")
        page.evaluate("window.__noReload = true")

        boss = second_page
        ui_login(boss, live, "manager", "secret#123")
        boss.goto(f"{live}/worklog/")
        boss.locator("table.model-list tbody tr", has_text="今天拜访了三家客户").locator("text=查看").click()
        boss.click("#comment-entry")
        boss.fill("#comment-content", "拜访记录写得清楚，明天跟进报价")
        boss.click("#submit-comment")
        expect(boss.locator(".alert-success")).to_contain_text("点评已提交")

        popup = page.locator("#reminder-popup .crm-reminder-card")
        expect(popup).to_contain_text("王经理 点评了你的工作日志：今天拜访了三家客户", timeout=10_000)
        expect(popup).to_contain_text("工作日志点评提醒")
        expect(page.locator("#reminder-count")).to_have_text("1")
        assert page.evaluate("window.__noReload") is True  # the same page, never reloaded
        popup.locator("text=查看").click()
        expect(page).to_have_url(re.compile(r"/worklog/details/\?id=\d+"))
        expect(page.locator(".crm-worklog-comment")).to_contain_text("拜访记录写得清楚，明天跟进报价")
        expect(page.locator("#reminder-count")).to_be_hidden()
    finally:
        live_app.config["REMINDER_POLL_SECONDS"] = 30


def test_add_an_event_by_clicking_a_day_in_the_month_view(admin_page, live):
    page = admin_page
    page.click("#crm-menu >> text=日程管理")
    today = local_today()
    day = today.replace(day=15)
    expect(page.locator("#schedule-heading")).to_have_text(f"{today.year} 年 {today.month} 月")
    page.wait_for_load_state("load")  # calendar.js, at the end of the page, makes the day cells clickable
    page.locator(f"td[data-date='{day.isoformat()}']").click(position={"x": 60, "y": 80})
    expect(page.locator("#start_date")).to_have_value(day.isoformat())
    page.fill("#title", "季度销售会议")
    page.fill("#start_time", "14:00")
    page.fill("#end_time", "16:00")
    page.select_option("#repeat", label="每周")
    page.select_option("#remind_minutes", label="提前 1 天")
    page.fill("#location", "三楼会议室")
    page.click("#save-event")
    expect(page.locator(".alert-success")).to_contain_text("日程已添加")
    cell = page.locator(f"td[data-date='{day.isoformat()}']")
    expect(cell.locator(".crm-cal-event")).to_have_text("14:00 季度销售会议")
    next_week = page.locator(f"td[data-date='{(day.replace(day=22)).isoformat()}'] .crm-cal-event")
    expect(next_week).to_have_text("14:00 季度销售会议")  # 每周 repeats
    cell.locator(".crm-cal-event").click()
    expect(page.locator("#title")).to_have_value("季度销售会议")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#delete-event")
    expect(page.locator(".alert-success")).to_contain_text("日程已删除")
    expect(page.locator(".crm-cal-event")).to_have_count(0)
