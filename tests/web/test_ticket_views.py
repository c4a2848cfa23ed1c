"""售后管理 through the client: 添加工单, the lists, replies (only the assignee), attachments, attackers."""

import io

from sqlalchemy import func, select

from app.extensions import db
from models.tickets import Ticket, TicketAttachment, TicketCategory, TicketReply, TicketStatus
from tests.helpers import PASSWORD, admin, login, make_employee, make_role
from tests.order_factories import make_customer
from tests.ticket_factories import handler, make_ticket

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
HANDLER_PERMISSIONS = ["ticket.view", "ticket.reply", "ticket.resolve", "customer.view"]


def employee_with(username, permissions, scope="self", real_name=None):
    role = make_role(f"角色-{username}", permissions, scopes={"ticket": scope, "customer": "all"})
    return make_employee(username, role=role, real_name=real_name or username)


def test_add_a_ticket_with_assignee_and_attachment_from_the_customer_tab(client):
    customer = make_customer(name="深圳晶显自动化设备有限公司")
    worker = handler()
    category = TicketCategory(name="服务问题")
    db.session.add(category)
    db.session.commit()
    login(client)
    page = client.get(f"/customer/details/?id={customer.id}").get_data(as_text=True)
    assert "售后服务 (0)" in page and "添加工单" in page
    html = client.post("/ticket/add", data={
        "customer_id": customer.id, "subject": "产品安装调试", "content": "需要给客户安装调试", "priority": "high",
        "category_id": category.id, "assignee_id": worker.id, "contact_name": "陈军",
        "files": (io.BytesIO(PNG), "现场照片.png")}, content_type="multipart/form-data",
        follow_redirects=True).get_data(as_text=True)
    ticket = db.session.scalar(select(Ticket))
    assert ticket.status == TicketStatus.ASSIGNED and "当前状态为“已分配”" in html
    assert "现场照片.png" in html and "工单分配" in html and "张三" in html
    attachment = db.session.scalar(select(TicketAttachment))
    download = client.get(f"/ticket/{ticket.id}/files/{attachment.id}")
    assert download.status_code == 200 and download.data == PNG
    assert "售后服务 (1)" in client.get(f"/customer/details/?id={customer.id}").get_data(as_text=True)
    listed = client.get("/ticket-assigned/").get_data(as_text=True)
    assert "产品安装调试" in listed and "共1条记录" in listed
    assert "产品安装调试" not in client.get("/ticket-new/").get_data(as_text=True)


def test_bad_input_gets_a_message_and_saves_nothing(client):
    customer = make_customer()
    db.session.commit()
    login(client)
    cases = [
        ({"subject": ""}, "请填写服务主题"),
        ({"subject": "主题", "priority": "x"}, "请选择有效的优先级"),
        ({"subject": "主" * 10000}, "服务主题不能超过 200 个字"),
        ({"subject": "主题", "category_id": "9" * 30}, "请选择有效的服务类别"),
        ({"subject": "主题", "assignee_id": "abc"}, "请选择一个在职的处理人"),
        ({"subject": "主题", "files": (io.BytesIO(b"MZ\x90\x00 not a picture"), "发票.png")}, "内容与扩展名 .png 不符"),
        ({"subject": "主题", "files": (io.BytesIO(b"x" * (10 * 1024 * 1024 + 1)), "大文件.txt")}, "超过 10M"),
        ({"subject": "主题", "files": (io.BytesIO(b"x"), "run.exe")}, "类型不允许上传"),
    ]
    for extra, message in cases:
        data = {"customer_id": customer.id, **extra}
        response = client.post("/ticket/add", data=data, content_type="multipart/form-data", follow_redirects=True)
        assert response.status_code == 200 and message in response.get_data(as_text=True), message
    assert db.session.scalar(select(func.count(Ticket.id))) == 0
    assert db.session.scalar(select(func.count(TicketAttachment.id))) == 0
    assert client.post("/ticket/add", data={"customer_id": "\x00", "subject": "x"}).status_code == 404


def test_only_the_assignee_can_reply_and_reply_with_resolve(client):
    worker = employee_with("zhangsan", HANDLER_PERMISSIONS, real_name="张三")
    other = employee_with("lisi", HANDLER_PERMISSIONS, scope="all", real_name="李四")
    ticket = make_ticket(TicketStatus.ASSIGNED, assignee=worker)
    db.session.commit()
    login(client, "lisi", PASSWORD)
    page = client.get(f"/ticket/{ticket.id}").get_data(as_text=True)
    assert 'id="reply-submit" disabled' in page
    html = client.post(f"/ticket/{ticket.id}/reply", data={"body": "我来回复"}, follow_redirects=True).get_data(as_text=True)
    assert "只有工单的处理人才能回复该工单" in html
    assert db.session.scalar(select(func.count(TicketReply.id))) == 0
    client.post("/logout")
    login(client, "zhangsan", PASSWORD)
    page = client.get(f"/ticket/{ticket.id}").get_data(as_text=True)
    assert 'id="reply-submit" disabled' not in page
    html = client.post(f"/ticket/{ticket.id}/reply", data={"body": "已上门安装调试完成", "resolve": "1"},
                       follow_redirects=True).get_data(as_text=True)
    assert "回复已提交，工单已标记为已解决" in html and "已上门安装调试完成" in html
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status == TicketStatus.RESOLVED
    html = client.post(f"/ticket/{ticket.id}/reply", data={"body": "再回复"}, follow_redirects=True).get_data(as_text=True)
    assert "当前状态为“已解决”，不能回复" in html
    assert other.id and db.session.scalar(select(func.count(TicketReply.id))) == 1


def test_a_closed_ticket_refuses_replies_and_offers_a_linked_ticket(client):
    ticket = make_ticket(TicketStatus.CLOSED, assignee=admin())
    db.session.commit()
    login(client)
    page = client.get(f"/ticket/{ticket.id}").get_data(as_text=True)
    assert "请新建工单" in page and f"parent_id={ticket.id}" in page
    html = client.post(f"/ticket/{ticket.id}/reply", data={"body": "客户又来电"}, follow_redirects=True).get_data(as_text=True)
    assert "该工单已关闭，不能再回复，请新建工单" in html
    form = client.get(f"/ticket/add?customer_id={ticket.customer_id}&parent_id={ticket.id}").get_data(as_text=True)
    assert f'name="parent_id" value="{ticket.id}"' in form
    client.post("/ticket/add", data={"customer_id": ticket.customer_id, "subject": "再次报修", "parent_id": ticket.id})
    linked = db.session.scalar(select(Ticket).where(Ticket.subject == "再次报修"))
    assert linked.parent_id == ticket.id and linked.status == TicketStatus.NEW


def test_lists_buttons_and_bulk_assignment(client):
    tickets = [make_ticket() for _ in range(2)]
    worker = handler()
    db.session.commit()
    login(client)
    html = client.get("/ticket-new/").get_data(as_text=True)
    assert all(t.subject in html for t in tickets) and "工单分配" in html and "关闭工单" in html and "共2条记录" in html
    page = client.post("/ticket-new/action/", data={"action": "assign_selected", "rowid": [t.id for t in tickets]},
                       follow_redirects=True).get_data(as_text=True)
    assert "分配给" in page and all(t.number in page for t in tickets)
    html = client.post("/ticket/assign", data={"id": [t.id for t in tickets], "assignee_id": worker.id},
                       follow_redirects=True).get_data(as_text=True)
    assert "工单分配：成功 2 个工单" in html
    html = client.post("/ticket-assigned/action/", data={"action": "resolve", "rowid": [t.id for t in tickets]},
                       follow_redirects=True).get_data(as_text=True)
    assert "标记解决：成功 2 个工单" in html
    query = client.get("/ticket-query/?search=" + tickets[0].number).get_data(as_text=True)
    assert "已解决" in query and "共1条记录" in query
    export = client.get("/ticket-resolved/export.xlsx")
    assert export.status_code == 200 and export.data[:2] == b"PK"


def test_attackers_get_403_404_or_a_message(client):
    owner = employee_with("owner", ["ticket.view", "ticket.add", "ticket.delete", "customer.view"])
    employee_with("outsider", ["ticket.view", "ticket.assign", "ticket.delete", "ticket.reply"])
    employee_with("viewer", ["ticket.view"], scope="all")
    ticket = make_ticket(owner=owner)
    db.session.commit()
    login(client, "outsider", PASSWORD)
    for url in (f"/ticket/{ticket.id}", f"/ticket/{ticket.id}/assign", f"/ticket/{ticket.id}/files/1",
                f"/ticket/{'9' * 30}", "/ticket/abc"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/ticket/{ticket.id}/delete").status_code == 404
    assert client.post(f"/ticket/{ticket.id}/reply", data={"body": "x"}).status_code == 404
    assert ticket.subject not in client.get("/ticket-new/").get_data(as_text=True)
    client.post("/logout")
    login(client, "viewer", PASSWORD)
    assert client.post(f"/ticket/{ticket.id}/step/close").status_code == 403
    assert client.post(f"/ticket/{ticket.id}/delete").status_code == 403
    assert client.get("/ticket/add").status_code == 403
    assert client.post(f"/ticket/{ticket.id}/step/assign").status_code == 404
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status == TicketStatus.NEW


def test_categories_cannot_be_deleted_while_used(client):
    category = TicketCategory(name="服务问题")
    db.session.add(category)
    db.session.flush()
    make_ticket(category_id=category.id)
    db.session.commit()
    login(client)
    html = client.post("/ticket-category/delete/", data={"id": category.id}, follow_redirects=True).get_data(as_text=True)
    assert "已被工单使用，不能删除" in html
    assert db.session.get(TicketCategory, category.id) is not None


def test_the_query_filters_by_status_priority_and_overdue(client, app):
    urgent = make_ticket(priority="urgent", subject="紧急报修")
    make_ticket(TicketStatus.CLOSED, subject="已关单")
    urgent.resolution_due_at = urgent.created_at.replace(year=2020)
    db.session.commit()
    login(client)
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "ticket_query")

    def url(name, value):
        index = next(i for i, f in enumerate(view._filters) if f.name == name)
        return f"/ticket-query/?flt0_{view.get_filter_arg(index, view._filters[index])}={value}"

    closed = client.get(url("工单状态", "closed")).get_data(as_text=True)
    assert "已关单" in closed and "紧急报修" not in closed
    high = client.get(url("优先级", "urgent")).get_data(as_text=True)
    assert "紧急报修" in high and "已关单" not in high
    overdue = client.get(url("服务时限", "overdue")).get_data(as_text=True)
    assert "紧急报修" in overdue and "已超时" in overdue and "已关单" not in overdue


def test_every_sortable_column_of_工单综合查询_sorts_the_tickets(client, app):
    first = make_ticket(TicketStatus.ASSIGNED, assignee=handler("worker2", "李四"), subject="阿里云服务器",
                        customer=make_customer(name="北京甲"))
    second = make_ticket(TicketStatus.NEW, subject="打印机卡纸", customer=make_customer(name="上海乙"))
    db.session.commit()
    login(client)
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "ticket_query")
    columns = [name for name, _label in view.get_list_columns()]
    sorted_by = 0
    for index, name in enumerate(columns):
        if name not in view._sortable_columns:
            continue
        for desc in ("0", "1"):
            html = client.get(f"/ticket-query/?sort={index}&desc={desc}").get_data(as_text=True)
            assert "阿里云服务器" in html and "打印机卡纸" in html and "北京甲" in html and "李四" in html, name
        sorted_by += 1
    assert sorted_by >= 3
    by_number = client.get(f"/ticket-query/?sort={columns.index('number')}&desc=1").get_data(as_text=True)
    assert by_number.index(second.subject) < by_number.index(first.subject)
