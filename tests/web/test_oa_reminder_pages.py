"""提醒中心 pages: own reminders only, 查看 goes to the record, 全部标记已读, the pop-up's JSON poll."""

from app.services.reminders import create_reminder
from models.reminders import Reminder
from tests.helpers import admin as admin_user
from tests.helpers import login, make_employee, make_role


def _rep(db, name="rep"):
    from sqlalchemy import select

    from models.accounts import Role

    role = db.session.scalar(select(Role).where(Role.name == "销售一部销售员"))
    return make_employee(name, role=role)


def test_the_centre_lists_only_my_reminders_with_labels_and_state(db, client):
    rep = _rep(db)
    other = _rep(db, "other")
    create_reminder(rep.id, "log_comment", "经理点评了你的日志", "写得很好", link="/worklog/?id=1")
    create_reminder(other.id, "follow_up", "别人的回访提醒")
    db.session.commit()
    login(client, "rep", "secret#123")
    page = client.get("/reminder/").get_data(as_text=True)
    assert "工作日志点评提醒" in page and "经理点评了你的日志" in page and "未读" in page
    assert "别人的回访提醒" not in page
    assert "全部标记已读（1 条未读）" in page
    assert client.get("/account/reminders").headers["Location"].endswith("/reminder/")


def test_open_marks_read_and_follows_only_local_links(db, client):
    rep = _rep(db)
    mine = create_reminder(rep.id, "log_comment", "点评", link="/worklog/")
    evil = create_reminder(rep.id, "log_comment", "外链", link="//evil.example/x")
    theirs = create_reminder(admin_user().id, "follow_up", "管理员的提醒")
    db.session.commit()
    ids = (mine.id, evil.id, theirs.id)
    login(client, "rep", "secret#123")
    response = client.post(f"/reminder/row-action/open/{ids[0]}")
    assert response.status_code == 302 and response.headers["Location"] == "/worklog/"
    assert client.post(f"/reminder/row-action/open/{ids[1]}").headers["Location"] == "/account/reminders"
    assert client.post(f"/reminder/row-action/open/{ids[2]}").status_code == 404
    assert client.post("/reminder/row-action/open/abc").status_code == 404
    assert client.post("/reminder/row-action/open/99999999999999999999999").status_code == 404
    assert client.post(f"/account/reminders/{ids[2]}/read").status_code == 404
    db.session.expire_all()
    assert db.session.get(Reminder, ids[0]).read_at is not None
    assert db.session.get(Reminder, ids[2]).read_at is None


def test_read_all_and_the_poll_endpoint(db, client):
    rep = _rep(db)
    first = create_reminder(rep.id, "follow_up", "回访提醒：甲公司", "预约时间 10:00").id
    create_reminder(admin_user().id, "follow_up", "不是我的")
    db.session.commit()
    login(client, "rep", "secret#123")
    data = client.get("/account/reminders/poll").get_json()
    assert data["unread"] == 1
    assert [(i["title"], i["kind"]) for i in data["items"]] == [("回访提醒：甲公司", "客户回访提醒")]
    assert data["items"][0]["open_url"] == f"/account/reminders/{first}/read"
    assert client.get(f"/account/reminders/poll?after={first}").get_json()["items"] == []
    assert client.get("/account/reminders/poll?after=abc%00").get_json()["unread"] == 1
    announcement = create_reminder(rep.id, "announcement", "公告：放假通知").id
    db.session.commit()
    # An unread 公告 is offered on every page until read, even once the pop-up has seen it.
    again = client.get(f"/account/reminders/poll?after={announcement}").get_json()["items"]
    assert [i["title"] for i in again] == ["公告：放假通知"] and again[0]["pinned"]
    response = client.post("/account/reminders/read-all", follow_redirects=True)
    assert "已将 2 条提醒标记为已读" in response.get_data(as_text=True)
    assert client.get("/account/reminders/poll").get_json()["unread"] == 0


def test_the_poll_of_a_logged_out_page_is_a_bare_401_that_leaves_the_cookie_alone(db, client):
    # A login form open in another tab keeps its cookie session (and CSRF token): no redirect, no flash.
    response = client.get("/account/reminders/poll?after=0")
    assert response.status_code == 401 and response.get_json() == {"error": "登录已超时，请重新登录"}
    assert "Set-Cookie" not in response.headers
    _rep(db)
    login(client, "rep", "secret#123")
    assert client.get("/account/reminders/poll").status_code == 200
    client.post("/logout", follow_redirects=True)  # the login page, as the other tab shows it
    with client.session_transaction() as before:
        before = dict(before)
    assert client.get("/account/reminders/poll").status_code == 401
    with client.session_transaction() as after:
        assert dict(after) == before


def test_the_header_has_the_badge_and_the_popup_without_inline_script(db, client):
    rep = _rep(db)
    create_reminder(rep.id, "follow_up", "回访")
    db.session.commit()
    login(client, "rep", "secret#123")
    page = client.get("/").get_data(as_text=True)
    assert 'id="reminder-count">1</span>' in page
    assert 'id="reminder-popup"' in page and "js/reminders.js" in page
    assert "onclick=" not in page.split('id="reminder-popup"')[1].split("</div>")[0]


def test_without_the_permission_the_centre_is_refused_but_own_reminders_still_show(db, client):
    role = make_role("只看日志", ["login_log.view"])
    make_employee("plain", role=role)
    db.session.commit()
    login(client, "plain", "secret#123")
    assert client.get("/reminder/").status_code == 403
    assert client.get("/account/reminders").status_code == 200
