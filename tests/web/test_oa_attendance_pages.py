"""员工考勤 pages: 签到/签退 in the header, the query, 修改 by managers only in scope, export, 考勤设置's warning."""

import io

from openpyxl import load_workbook
from sqlalchemy import select

from app.timeutil import local_today
from models.accounts import Role
from models.oa_attendance import AttendanceChange, AttendanceRecord
from tests.helpers import login, make_employee


def _people(db):
    roles = {r.name: r for r in db.session.scalars(select(Role))}
    rep = make_employee("rep", role=roles["销售一部销售员"], real_name="张三")
    peer = make_employee("peer", role=roles["销售一部销售员"], real_name="李四")
    boss = make_employee("boss", role=roles["销售一部经理"], real_name="王经理")
    other = make_employee("boss2", role=roles["销售二部经理"], real_name="赵经理")
    db.session.commit()
    return rep, peer, boss, other


def _table(client, url):
    return client.get(url).get_data(as_text=True).split('id="attendance-list"')[1]


def _as(client, username):
    client.post("/logout")
    login(client, username, "secret#123")


def test_check_in_and_out_from_the_header(db, client):
    rep, *_ = _people(db)
    _as(client, "rep")
    page = client.get("/").get_data(as_text=True)
    assert 'id="check-in"' in page and "考勤签到" in page and "考勤签退" in page
    response = client.post("/attendance/check-in", headers={"Referer": "http://localhost/worklog/"},
                           environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert response.headers["Location"] == "/worklog/"
    client.post("/attendance/check-in", environ_base={"REMOTE_ADDR": "192.0.2.8"})
    client.post("/attendance/check-out", environ_base={"REMOTE_ADDR": "192.0.2.9"},
                headers={"Referer": "http://evil.example/"})
    record = db.session.scalar(select(AttendanceRecord))
    assert (record.employee_id, record.day, record.check_in_ip, record.check_out_ip) == (
        rep.id, local_today(), "192.0.2.7", "192.0.2.9")
    page = client.get("/").get_data(as_text=True)
    assert 'id="check-in-time"' in page and 'id="check-out-time"' in page
    listed = client.get("/attendance/").get_data(as_text=True)
    assert "张三" in listed and "192.0.2.7" in listed


def test_staff_see_only_their_own_and_cannot_modify(db, client):
    rep, peer, boss, other = _people(db)
    _as(client, "peer")
    client.post("/attendance/check-in")
    _as(client, "rep")
    client.post("/attendance/check-in")
    page = client.get("/attendance/").get_data(as_text=True)
    assert "张三" in page and "李四" not in page and ">修改<" not in page  # not even in the employee picker
    assert client.get(f"/attendance/modify?employee_id={peer.id}&day={local_today()}").status_code == 403
    assert client.get("/attendance/export.xlsx").status_code == 403
    assert client.get("/attendance-settings/").status_code == 403


def test_a_manager_modifies_a_subordinates_day_with_a_reason(db, client):
    rep, peer, boss, other = _people(db)
    day = local_today().replace(day=1)
    _as(client, "boss")
    page = client.get(f"/attendance/?start={day}&end={local_today()}").get_data(as_text=True)
    assert "张三" in page and "李四" in page and "赵经理" not in page  # the list and the employee picker
    url = f"/attendance/modify?employee_id={rep.id}&day={local_today()}"
    page = client.post(url, data={"status": "请假", "reason": ""}).get_data(as_text=True)
    assert "请填写修改原因" in page
    client.post(url, data={"status": "请假", "reason": "病假"})
    change = db.session.scalar(select(AttendanceChange))
    assert (change.to_status, change.reason, change.changed_by_id) == ("请假", "病假", boss.id)
    table = _table(client, f"/attendance/?status=请假&start={local_today()}&end={local_today()}")
    assert "张三" in table and "李四" not in table
    assert "病假" in client.get(url).get_data(as_text=True)
    # out of scope, crafted ids and dates
    assert client.get(f"/attendance/modify?employee_id={other.id}&day={local_today()}").status_code == 404
    for bad in ("abc", "99999999999999999999999", "%C2%B2", ""):
        assert client.get(f"/attendance/modify?employee_id={bad}&day={local_today()}").status_code == 404
    assert client.get(f"/attendance/modify?employee_id={rep.id}&day=2026-02-30").status_code == 404
    assert client.post(f"/attendance/modify?employee_id={boss.id}&day={local_today()}",
                       data={"status": "正常", "reason": "x"}, follow_redirects=True).status_code == 200
    assert db.session.scalar(select(AttendanceChange).where(AttendanceChange.reason == "x")) is None
    page = client.get("/attendance/?start=2020-01-01&end=2026-12-31&page=abc&employee_id=x%00").get_data(
        as_text=True)
    assert "查询的日期范围不能超过一年" in page


def test_export_lists_the_query(db, client):
    rep, *_ = _people(db)
    _as(client, "rep")
    client.post("/attendance/check-in", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    _as(client, "boss")
    response = client.get(f"/attendance/export.xlsx?employee_id={rep.id}&start={local_today()}&end={local_today()}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("考勤日期", "姓名", "部门", "上班时间", "下班时间", "考勤状态")
    assert len(rows) == 2 and rows[1][1] == "张三" and rows[1][6] == "192.0.2.7"


def test_settings_show_the_calendar_warning_to_the_administrator(db, client, monkeypatch):
    from app.services import workdays

    monkeypatch.setattr(workdays, "calendar_covers", lambda year: False)
    login(client)
    page = client.get("/attendance-settings/").get_data(as_text=True)
    assert 'id="calendar-warning"' in page and "节假日数据尚未包含" in page
    assert 'id="calendar-warning"' in client.get("/").get_data(as_text=True)
    response = client.post("/attendance-settings/", data={"start_time": "08:30", "end_time": "17:30",
                                                         "grace_minutes": "5", "use_public_calendar": "1",
                                                         "holidays": "2027-01-04\n2027-01-05"},
                           follow_redirects=True)
    assert "考勤设置已保存" in response.get_data(as_text=True)
    page = client.get("/attendance-settings/").get_data(as_text=True)
    assert 'value="08:30"' in page and "2027-01-04\n2027-01-05" in page
    page = client.post("/attendance-settings/", data={"start_time": "25:00", "end_time": "17:30"}).get_data(
        as_text=True)
    assert "上班时间格式不正确" in page
    monkeypatch.setattr(workdays, "calendar_covers", lambda year: True)
    assert 'id="calendar-warning"' not in client.get("/").get_data(as_text=True)
