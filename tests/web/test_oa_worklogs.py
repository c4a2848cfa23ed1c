"""工作日志 and 工作计划: own entries, superiors' 点评 with a reminder, scope, crafted ids and values."""

import pytest
from sqlalchemy import select

from models.accounts import Role
from models.oa import WorkLog, WorkLogComment, WorkPlan
from models.reminders import Reminder
from tests.helpers import login, make_employee


def _people(db):
    roles = {r.name: r for r in db.session.scalars(select(Role))}
    rep = make_employee("rep", role=roles["销售一部销售员"], real_name="张三")
    peer = make_employee("peer", role=roles["销售一部销售员"], real_name="李四")
    boss = make_employee("boss", role=roles["销售一部经理"], real_name="王经理")
    other_boss = make_employee("boss2", role=roles["销售二部经理"], real_name="赵经理")
    db.session.commit()
    return rep, peer, boss, other_boss


def _as(client, username):
    client.post("/logout")
    login(client, username, "secret#123")


def _write_log(client, title="今日拜访三家客户"):
    return client.post("/worklog/new/", data={"kind": "daily", "day": "2026-12-01", "title": title,
                                             "content": "上午拜访甲公司\n下午整理报价"})


def test_an_employee_writes_a_log_and_a_superior_comments_and_the_author_is_reminded(db, client):
    rep, peer, boss, other_boss = _people(db)
    _as(client, "rep")
    assert _write_log(client).status_code == 302
    log = db.session.scalar(select(WorkLog))
    assert (log.author_id, log.kind_label, str(log.log_date)) == (rep.id, "日报", "2026-12-01")
    page = client.get("/worklog/").get_data(as_text=True)
    assert "今日拜访三家客户" in page and "日报" in page and "未点评" in page
    delete_form = page.split('data-action="delete_own"')[0].rsplit("<form", 1)[1]
    assert 'data-confirm="确定删除吗？删除后不能恢复。"' in delete_form and "onclick" not in delete_form
    detail = client.get(f"/worklog/details/?id={log.id}").get_data(as_text=True)
    assert "上午拜访甲公司" in detail and "主管点评" not in detail  # nobody comments on their own log
    client.post(f"/worklog/comment/{log.id}", data={"content": "自己点评自己"})
    assert db.session.scalar(select(WorkLogComment)) is None

    _as(client, "boss")
    assert "今日拜访三家客户" in client.get("/worklog/").get_data(as_text=True)
    detail = client.get(f"/worklog/details/?id={log.id}").get_data(as_text=True)
    assert 'id="comment-form"' in detail and 'id="edit-entry"' not in detail
    response = client.post(f"/worklog/comment/{log.id}", data={"content": "客户跟进很及时，报价注意毛利"},
                           follow_redirects=True)
    assert "点评已提交" in response.get_data(as_text=True)
    reminder = db.session.scalar(select(Reminder).where(Reminder.employee_id == rep.id))
    assert reminder.kind == "log_comment" and reminder.title == "王经理 点评了你的工作日志：今日拜访三家客户"
    assert reminder.link == f"/worklog/details/?id={log.id}"
    assert client.get(f"/worklog/edit/?id={log.id}").status_code == 403  # not the author's superior's to edit
    client.post(f"/worklog/row-action/delete_own/{log.id}")
    assert db.session.get(WorkLog, log.id) is not None

    _as(client, "rep")
    page = client.get(f"/worklog/details/?id={log.id}").get_data(as_text=True)
    assert "客户跟进很及时" in page and "王经理 点评于" in page
    db.session.expire_all()
    assert db.session.get(Reminder, reminder.id).read_at is not None  # opening the log read the reminder


@pytest.mark.parametrize("who", ["peer", "boss2"])
def test_a_peer_or_another_departments_manager_cannot_read_or_comment(db, client, who):
    _people(db)
    _as(client, "rep")
    _write_log(client)
    log_id = db.session.scalar(select(WorkLog.id))
    _as(client, who)
    assert "今日拜访三家客户" not in client.get("/worklog/").get_data(as_text=True)
    assert client.get(f"/worklog/details/?id={log_id}").status_code == 404
    assert client.post(f"/worklog/comment/{log_id}", data={"content": "越权点评"}).status_code == 404
    assert client.get(f"/worklog/edit/?id={log_id}").status_code == 404
    assert client.post(f"/worklog/row-action/delete_own/{log_id}").status_code == 404
    assert db.session.scalar(select(WorkLogComment)) is None


def test_only_the_writer_edits_or_deletes_a_comment(db, client):
    _people(db)
    _as(client, "rep")
    _write_log(client)
    log_id = db.session.scalar(select(WorkLog.id))
    _as(client, "boss")
    client.post(f"/worklog/comment/{log_id}", data={"content": "第一版点评"})
    comment_id = db.session.scalar(select(WorkLogComment.id))
    client.post(f"/worklog/comment/{comment_id}/edit", data={"content": "修改后的点评"})
    db.session.expire_all()
    assert db.session.get(WorkLogComment, comment_id).content == "修改后的点评"
    _as(client, "rep")
    response = client.post(f"/worklog/comment/{comment_id}/edit", data={"content": "改掉经理的点评"},
                           follow_redirects=True)
    assert "只能修改自己的点评" in response.get_data(as_text=True)
    response = client.post(f"/worklog/comment/{comment_id}/delete", follow_redirects=True)
    assert "只能删除自己的点评" in response.get_data(as_text=True)
    _as(client, "boss")
    client.post(f"/worklog/comment/{comment_id}/delete")
    db.session.expire_all()
    assert db.session.get(WorkLogComment, comment_id) is None


def test_crafted_ids_and_values_get_messages_not_errors(db, client):
    _people(db)
    _as(client, "rep")
    for bad in ("abc", "%C2%B2", "99999999999999999999999", "-1"):
        assert client.get(f"/worklog/details/?id={bad}").status_code == 404
        assert client.post(f"/worklog/comment/{bad}", data={"content": "x"}).status_code == 404
        assert client.post(f"/worklog/comment/{bad}/edit", data={"content": "x"}).status_code == 404
    page = _write_log(client, title="长" * 10_000).get_data(as_text=True)
    assert "标题不能超过 100 个字" in page
    page = client.post("/worklog/new/", data={"kind": "hourly", "day": "2026-12-01", "title": "x",
                                             "content": "y"}).get_data(as_text=True)
    assert "请选择工作日志类别" in page
    page = client.post("/worklog/new/", data={"kind": "weekly", "day": "2026-13-45", "title": "x",
                                             "content": "y"}).get_data(as_text=True)
    assert "日期格式不正确" in page
    page = client.post("/worklog/new/", data={"kind": "weekly", "day": "2026-12-01", "title": "周报\x00",
                                             "content": " "}).get_data(as_text=True)
    assert "内容不能为空" in page
    assert db.session.scalar(select(WorkLog)) is None


def test_the_employee_row_links_to_that_employees_logs(db, client):
    rep, *_ = _people(db)
    _as(client, "rep")
    _write_log(client)
    _write_log(client, "另一条日志")
    client.post("/logout")
    login(client)
    page = client.get("/employee/").get_data(as_text=True)
    assert f'href="/worklog/?flt0_0={rep.id}"' in page
    listed = client.get(f"/worklog/?flt0_0={rep.id}").get_data(as_text=True)
    assert "另一条日志" in listed and "作者" in listed
    assert "今日拜访三家客户" not in client.get("/worklog/?flt0_0=1").get_data(as_text=True)
    assert client.get("/worklog/?flt0_0=abc%00").status_code == 200  # a crafted filter value is ignored


def test_a_plan_is_reported_to_a_chosen_superior_who_is_reminded_and_comments(db, client):
    rep, peer, boss, other_boss = _people(db)
    _as(client, "rep")
    form = client.get("/work-plan/new/").get_data(as_text=True)
    assert f'<option value="{boss.id}">王经理</option>' in form
    assert f'value="{peer.id}"' not in form and f'value="{other_boss.id}"' not in form
    page = client.post("/work-plan/new/", data={"kind": "weekly", "day": "2026-11-30", "title": "第49周计划",
                                               "content": "完成10个回访", "report_to_id": str(peer.id)})
    assert "汇报对象须是能查看你的工作计划并有点评权限的上级" in page.get_data(as_text=True)
    client.post("/work-plan/new/", data={"kind": "weekly", "day": "2026-11-30", "title": "第49周计划",
                                        "content": "完成10个回访", "report_to_id": str(boss.id)})
    plan = db.session.scalar(select(WorkPlan))
    assert plan.report_to_id == boss.id and plan.kind_label == "周计划"
    note = db.session.scalar(select(Reminder).where(Reminder.employee_id == boss.id))
    assert (note.kind, note.title) == ("plan_report", "张三 向你汇报了周计划")
    _as(client, "boss")
    client.post(f"/work-plan/comment/{plan.id}", data={"content": "回访要记录下次目标"})
    assert db.session.scalar(select(Reminder).where(Reminder.employee_id == rep.id)).kind == "plan_comment"
    _as(client, "peer")
    assert client.get(f"/work-plan/details/?id={plan.id}").status_code == 404
