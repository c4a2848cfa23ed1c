"""公告管理: publishing notifies every employee until read, read receipts, attachments, 显示/隐藏, permissions."""

import io

from sqlalchemy import func, select

from models.accounts import Role
from models.oa import Announcement, AnnouncementFile, AnnouncementRead
from models.reminders import Reminder
from tests.helpers import login, make_employee


def _staff(db):
    roles = {r.name: r for r in db.session.scalars(select(Role))}
    rep = make_employee("rep", role=roles["销售一部销售员"], real_name="张三")
    make_employee("peer", role=roles["销售二部销售员"], real_name="李四")
    make_employee("gone", role=roles["销售二部销售员"], real_name="已停用", enabled=False)
    db.session.commit()
    return rep


def _publish(client, title="关于元旦放假的通知", files=None, visible=True, content=None):
    data = {"category": "内部通知", "title": title,
            "content": content or "<p>元旦放假 <strong>1 天</strong><script>alert(1)</script></p>"}
    if visible:
        data["is_visible"] = "y"
    if files:
        data["files"] = files
    return client.post("/announcement/new/", data=data, content_type="multipart/form-data")


def test_publishing_notifies_every_enabled_employee_and_reading_is_a_receipt(db, client):
    _staff(db)
    login(client)
    response = _publish(client, files=[(io.BytesIO("放假安排：1月1日".encode()), "安排.txt")])
    assert response.status_code == 302
    row = db.session.scalar(select(Announcement))
    assert "<script>" not in row.content and "<strong>1 天</strong>" in row.content
    assert [f.original_name for f in row.files] == ["安排.txt"]
    notes = db.session.scalars(select(Reminder).where(Reminder.kind == "announcement")).all()
    from models.accounts import Employee

    # every enabled employee but the publisher
    assert sorted(db.session.get(Employee, n.employee_id).real_name for n in notes) == ["张三", "李四"]
    receipts = client.get(f"/announcement/receipts/?id={row.id}").get_data(as_text=True)
    assert 'id="read-count">0<' in receipts

    client.post("/logout")
    login(client, "rep", "secret#123")
    polled = client.get("/account/reminders/poll?after=999999").get_json()["items"]
    assert [i["title"] for i in polled] == ["公告：关于元旦放假的通知"]  # pops up until read
    page = client.get("/announcement/").get_data(as_text=True)
    assert "关于元旦放假的通知" in page and "内部通知" in page and "显示" in page
    detail = client.get(f"/announcement/details/?id={row.id}").get_data(as_text=True)
    assert "<strong>1 天</strong>" in detail and "安排.txt" in detail
    assert client.get("/account/reminders/poll?after=999999").get_json()["items"] == []
    assert db.session.scalar(select(func.count()).select_from(AnnouncementRead)) == 1
    file_id = row.files[0].id
    download = client.get(f"/announcement/file/{file_id}")
    assert download.status_code == 200 and download.data.decode() == "放假安排：1月1日"
    client.get(f"/announcement/details/?id={row.id}")  # reading again keeps one receipt
    assert db.session.scalar(select(func.count()).select_from(AnnouncementRead)) == 1

    client.post("/logout")
    login(client)
    receipts = client.get(f"/announcement/receipts/?id={row.id}").get_data(as_text=True)
    assert 'id="read-count">1<' in receipts and "张三" in receipts and "已停用" not in receipts


def test_hidden_announcements_are_invisible_to_staff_and_stop_popping_up(db, client):
    _staff(db)
    login(client)
    _publish(client, files=[(io.BytesIO(b"hello"), "a.txt")])
    row = db.session.scalar(select(Announcement))
    file_id = row.files[0].id
    client.post(f"/announcement/row-action/hide/{row.id}")
    assert db.session.scalar(select(func.count()).select_from(Reminder).where(Reminder.kind == "announcement")) == 0
    client.post("/logout")
    login(client, "rep", "secret#123")
    assert "关于元旦放假的通知" not in client.get("/announcement/").get_data(as_text=True)
    assert client.get(f"/announcement/details/?id={row.id}").status_code == 404
    assert client.get(f"/announcement/file/{file_id}").status_code == 404
    client.post("/logout")
    login(client)
    client.post(f"/announcement/row-action/show/{row.id}")
    assert db.session.scalar(select(func.count()).select_from(Reminder).where(Reminder.kind == "announcement")) == 2


def test_staff_cannot_publish_hide_or_see_receipts(db, client):
    _staff(db)
    login(client)
    _publish(client)
    row_id = db.session.scalar(select(Announcement.id))
    client.post("/logout")
    login(client, "rep", "secret#123")
    assert client.get("/announcement/new/").status_code == 403
    assert _publish(client, title="冒充的公告").status_code == 403
    assert client.post(f"/announcement/row-action/hide/{row_id}").status_code == 403
    assert client.get(f"/announcement/receipts/?id={row_id}").status_code == 403
    assert client.post("/announcement/delete/", data={"id": str(row_id)}).status_code == 403
    for bad in ("abc", "99999999999999999999", "%C2%B2"):
        assert client.get(f"/announcement/details/?id={bad}").status_code == 404
        assert client.get(f"/announcement/file/{bad}").status_code == 404


def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(db, client):
    _staff(db)
    login(client)
    page = _publish(client, files=[(io.BytesIO(b"MZ\x90\x00"), "setup.exe")]).get_data(as_text=True)
    assert "类型不允许上传" in page
    page = _publish(client, files=[(io.BytesIO(b"not a picture"), "photo.png")]).get_data(as_text=True)
    assert "内容与扩展名 .png 不符" in page
    assert "公告标题不能超过 100 个字" in _publish(client, title="长" * 10_000).get_data(as_text=True)
    assert "公告内容不能为空" in _publish(client, content="<p><br></p>").get_data(as_text=True)
    data = {"category": "随便", "title": "x", "content": "<p>y</p>"}
    page = client.post("/announcement/new/", data=data).get_data(as_text=True)
    assert "请选择公告类别" in page
    assert db.session.scalar(select(func.count()).select_from(Announcement)) == 0
    assert db.session.scalar(select(func.count()).select_from(AnnouncementFile)) == 0
    assert db.session.scalar(select(func.count()).select_from(Reminder)) == 0


def test_deleting_selected_announcements_removes_their_files(db, client):
    _staff(db)
    login(client)
    _publish(client, files=[(io.BytesIO(b"hello"), "a.txt")])
    row = db.session.scalar(select(Announcement))
    from app.services.oa.announcements import file_path

    path = file_path(row.files[0])
    assert path.exists()
    response = client.post("/announcement/action/", data={"action": "delete", "rowid": [str(row.id)]},
                           follow_redirects=True)
    assert "已删除 1 条公告" in response.get_data(as_text=True)
    assert not path.exists()
    assert db.session.scalar(select(func.count()).select_from(Reminder)) == 0
