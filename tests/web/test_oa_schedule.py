"""日程管理 pages: month/week/day views, add/edit/delete own, superiors see subordinates', crafted ids, ICS feed."""

from sqlalchemy import select

from models.accounts import Role
from models.oa_calendar import CalendarEvent, CalendarFeed
from tests.helpers import login, make_employee

EVENT = {"title": "拜访甲公司", "start_date": "2026-12-09", "start_time": "14:00", "end_date": "2026-12-09",
         "end_time": "15:30", "repeat": "none", "remind_minutes": "15", "location": "深圳福田"}


def _people(db):
    roles = {r.name: r for r in db.session.scalars(select(Role))}
    rep = make_employee("rep", role=roles["销售一部销售员"], real_name="张三")
    peer = make_employee("peer", role=roles["销售一部销售员"], real_name="李四")
    boss = make_employee("boss", role=roles["销售一部经理"], real_name="王经理")
    db.session.commit()
    return rep, peer, boss


def _as(client, username):
    client.post("/logout")
    login(client, username, "secret#123")


def test_month_week_and_day_views_show_the_event(db, client):
    _people(db)
    _as(client, "rep")
    form = client.get("/schedule/new?date=2026-12-09").get_data(as_text=True)
    assert 'value="2026-12-09"' in form and "提前 15 分钟" in form
    response = client.post("/schedule/new", data=EVENT)
    assert response.status_code == 302 and "date=2026-12-09" in response.headers["Location"]
    month = client.get("/schedule/?date=2026-12-01").get_data(as_text=True)
    assert "2026 年 12 月" in month and "14:00 拜访甲公司" in month
    assert 'data-new-url="/schedule/new?date=2026-12-09"' in month and "js/calendar.js" in month
    assert "onclick" not in month.split('id="calendar-month"')[1]
    assert "14:00 拜访甲公司" in client.get("/schedule/?view=week&date=2026-12-10").get_data(as_text=True)
    day = client.get("/schedule/?view=day&date=2026-12-09").get_data(as_text=True)
    assert "14:00 - 15:30" in day and "深圳福田" in day
    assert "拜访甲公司" not in client.get("/schedule/?date=2027-01-01").get_data(as_text=True)
    from app.timeutil import local_today

    today = local_today()
    fallback = client.get("/schedule/?date=garbage%00&view=nonsense").get_data(as_text=True)
    assert f"{today.year} 年 {today.month} 月" in fallback  # a crafted date or view shows this month


def test_only_the_owner_edits_or_deletes_and_superiors_only_look(db, client):
    rep, peer, boss = _people(db)
    _as(client, "rep")
    client.post("/schedule/new", data=EVENT)
    event_id = db.session.scalar(select(CalendarEvent.id))
    client.post(f"/schedule/edit/{event_id}", data={**EVENT, "title": "拜访甲公司（改期）"})
    assert db.session.get(CalendarEvent, event_id).title == "拜访甲公司（改期）"

    _as(client, "peer")  # a colleague at the same level: not even visible
    assert client.get(f"/schedule/edit/{event_id}").status_code == 404
    assert client.post(f"/schedule/edit/{event_id}", data={**EVENT, "title": "被同事改了"}).status_code == 404
    assert client.post(f"/schedule/delete/{event_id}").status_code == 404
    assert client.get(f"/schedule/?owner={rep.id}").status_code == 404
    assert "拜访甲公司" not in client.get("/schedule/?owner=all&date=2026-12-01").get_data(as_text=True)

    _as(client, "boss")  # the manager sees the subordinate's schedule, read-only
    page = client.get(f"/schedule/?owner={rep.id}&date=2026-12-01").get_data(as_text=True)
    assert "拜访甲公司（改期）（张三）" in page
    assert "拜访甲公司（改期）（张三）" in client.get("/schedule/?owner=all&date=2026-12-01").get_data(as_text=True)
    view = client.get(f"/schedule/edit/{event_id}").get_data(as_text=True)
    assert "张三 的日程" in view and "<fieldset disabled>" in view and 'id="delete-event"' not in view
    assert client.post(f"/schedule/edit/{event_id}", data={**EVENT, "title": "经理改的"}).status_code == 403
    assert client.post(f"/schedule/delete/{event_id}").status_code == 403
    db.session.expire_all()
    assert db.session.get(CalendarEvent, event_id).title == "拜访甲公司（改期）"

    _as(client, "rep")
    client.post(f"/schedule/delete/{event_id}")
    assert db.session.get(CalendarEvent, event_id) is None


def test_crafted_ids_and_values(db, client):
    _people(db)
    _as(client, "rep")
    for bad in ("abc", "99999999999999999999999", "%C2%B2", "-5"):
        assert client.get(f"/schedule/edit/{bad}").status_code == 404
        assert client.post(f"/schedule/delete/{bad}").status_code == 404
        assert client.get(f"/schedule/?owner={bad}").status_code == 404
    page = client.post("/schedule/new", data={**EVENT, "title": "长" * 10_000}).get_data(as_text=True)
    assert "日程标题不能超过 100 个字" in page and 'id="form-error"' in page
    page = client.post("/schedule/new", data={**EVENT, "start_date": "2026-13-40"}).get_data(as_text=True)
    assert "开始日期格式不正确" in page
    assert db.session.scalar(select(CalendarEvent)) is None


def test_the_feed_url_serves_my_events_until_revoked(db, client):
    rep, *_ = _people(db)
    _as(client, "rep")
    client.post("/schedule/new", data=EVENT)
    client.post("/schedule/feed", data={"do": "renew"})
    token = db.session.scalar(select(CalendarFeed.token))
    page = client.get("/schedule/feed").get_data(as_text=True)
    assert f"/calendar-feed/{token}.ics" in page
    client.post("/logout")
    feed = client.get(f"/calendar-feed/{token}.ics")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert "SUMMARY:拜访甲公司" in feed.get_data(as_text=True)
    assert client.get("/calendar-feed/guess.ics").status_code == 404
    _as(client, "rep")
    client.post("/schedule/feed", data={"do": "revoke"})
    client.post("/logout")
    assert client.get(f"/calendar-feed/{token}.ics").status_code == 404


def test_without_add_permission_there_is_no_add(db, client):
    from tests.helpers import make_role

    role = make_role("只看日程", ["schedule.view"])
    make_employee("viewer", role=role)
    db.session.commit()
    _as(client, "viewer")
    page = client.get("/schedule/").get_data(as_text=True)
    assert "data-new-url" not in page and 'id="add-event"' not in page
    assert client.get("/schedule/new").status_code == 403
    assert client.post("/schedule/new", data=EVENT).status_code == 403


def _cell(page: str, day: str) -> str:
    return page.split(f'data-date="{day}"')[1].split("</td>")[0]


def test_a_busy_day_shows_four_entries_and_counts_the_rest_within_scope(db, client):
    rep, peer, boss = _people(db)
    _as(client, "rep")
    for minute in range(9):  # 4 shown + 还有 5 项
        client.post("/schedule/new", data={**EVENT, "title": f"拜访{minute}", "start_time": f"08:{minute:02d}"})
    client.post("/schedule/new", data={**EVENT, "title": "跨月周会", "start_date": "2026-11-25",
                                       "end_date": "2026-11-25", "repeat": "weekly", "repeat_until": "2027-01-13"})
    client.post("/schedule/new", data={**EVENT, "title": "出差", "start_date": "2026-11-29", "end_date": "2026-12-02",
                                       "start_time": "20:00", "end_time": "12:00"})
    _as(client, "peer")
    client.post("/schedule/new", data={**EVENT, "title": "同事的拜访", "start_time": "07:00"})

    _as(client, "rep")
    page = client.get("/schedule/?date=2026-12-01").get_data(as_text=True)
    busy = _cell(page, "2026-12-09")
    assert busy.count('class="crm-cal-event"') == 4 and "还有 6 项" in busy  # 9 visits and the weekly meeting
    assert "09:30" not in busy and "08:00 拜访0" in busy and "拜访4" not in busy and "同事的拜访" not in busy
    for day in ("2026-12-01", "2026-12-02", "2026-12-30", "2026-12-31"):
        assert ("跨月周会" in _cell(page, day)) == (day in ("2026-12-02", "2026-12-30")), day
    assert all("出差" in _cell(page, day) for day in ("2026-11-30", "2026-12-01", "2026-12-02"))
    assert "出差" not in _cell(page, "2026-12-03")
    november = client.get("/schedule/?date=2026-11-01").get_data(as_text=True)
    assert "跨月周会" in _cell(november, "2026-11-25") and "出差" in _cell(november, "2026-11-29")
    assert "跨月周会" in _cell(november, "2026-12-02") and "跨月周会" not in _cell(november, "2026-11-18")
    january = client.get("/schedule/?date=2027-01-01").get_data(as_text=True)
    assert [day for day in ("2026-12-30", "2027-01-06", "2027-01-13", "2027-01-20")
            if "跨月周会" in _cell(january, day)] == ["2026-12-30", "2027-01-06", "2027-01-13"]
    week = client.get("/schedule/?view=week&date=2026-12-09").get_data(as_text=True)
    assert _cell(week, "2026-12-09").count('class="crm-cal-event"') == 10 and "还有" not in week

    _as(client, "boss")  # the manager's 全部 counts the subordinates' entries: rep's 10 and peer's 1
    everyone = _cell(client.get("/schedule/?owner=all&date=2026-12-01").get_data(as_text=True), "2026-12-09")
    assert "07:00 同事的拜访（李四）" in everyone and "还有 7 项" in everyone
    one = _cell(client.get(f"/schedule/?owner={peer.id}&date=2026-12-01").get_data(as_text=True), "2026-12-09")
    assert one.count('class="crm-cal-event"') == 1 and "还有" not in one
