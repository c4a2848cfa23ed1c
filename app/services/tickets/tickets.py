"""添加工单, 编辑, 删除 and 回复 (manual 6.1-6.5); every status change goes through the workflow engine (flow.py)."""

from dataclasses import dataclass, field

from sqlalchemy import select

from app.extensions import db
from app.security.permissions import can
from app.services import numbering
from app.services.customers import documents
from app.services.errors import Forbidden, NotFound, ValidationFailed
from app.services.orders.orders import visible_customer
from app.services.tickets import sla
from app.services.tickets.flow import TICKET_FLOW, enabled_employee_id
from app.services.workflow import advance_one, parse_record_id
from models.base import utcnow
from models.base_data import Department
from models.orders import SalesOrder
from models.tickets import Ticket, TicketAttachment, TicketCategory, TicketPriority, TicketReply, TicketStatus

SUBJECT_LIMIT, CONTENT_LIMIT, REPLY_LIMIT = 200, 20000, 20000
MAX_FILES = 10
NEW_TICKET_PLEASE = "该工单已关闭，不能再回复，请新建工单"


@dataclass
class TicketInput:
    customer_id: object
    subject: str | None
    content: str | None = None
    category_id: object = None
    priority: str | None = None
    department_id: object = None
    order_id: object = None
    contact_name: str | None = None
    contact_phone: str | None = None
    assignee_id: object = None
    parent_id: object = None
    uploads: list = field(default_factory=list)


def _text(value, limit: int, label: str) -> str | None:
    text = (str(value) if value is not None else "").replace("\x00", "").strip()
    if len(text) > limit:
        raise ValidationFailed(f"{label}不能超过 {limit} 个字")
    return text or None


def _optional(model, value, label: str):
    if value in (None, ""):
        return None
    key = parse_record_id(value)
    row = db.session.get(model, key) if key is not None else None
    if row is None:
        raise ValidationFailed(f"请选择有效的{label}")
    return row


def _apply(ticket: Ticket, data: TicketInput, actor) -> None:
    customer = visible_customer(data.customer_id, actor)
    subject = _text(data.subject, SUBJECT_LIMIT, "服务主题")
    if not subject:
        raise ValidationFailed("请填写服务主题")
    try:
        priority = TicketPriority(data.priority or TicketPriority.MEDIUM)
    except ValueError:
        raise ValidationFailed("请选择有效的优先级") from None
    category = _optional(TicketCategory, data.category_id, "服务类别")
    department = _optional(Department, data.department_id, "服务部门")
    order = _optional(SalesOrder, data.order_id, "服务订单")
    if order is not None and order.customer_id != customer.id:
        raise ValidationFailed("服务订单必须是该客户的订单")
    ticket.customer_id, ticket.subject, ticket.priority = customer.id, subject, priority
    ticket.content = _text(data.content, CONTENT_LIMIT, "工单内容")
    ticket.category_id = category.id if category else None
    ticket.department_id = department.id if department else None
    ticket.order_id = order.id if order else None
    ticket.contact_name = _text(data.contact_name, 50, "联系人")
    ticket.contact_phone = _text(data.contact_phone, 50, "联系电话")


def _attach(ticket: Ticket, uploads, reply: TicketReply | None = None) -> list[TicketAttachment]:
    """All files are accepted or none (stored files are removed again); 合同文档's rules."""
    uploads = [u for u in uploads or () if u is not None and getattr(u, "filename", "")]
    if len(uploads) > MAX_FILES:
        raise ValidationFailed(f"一次最多上传 {MAX_FILES} 个附件")
    stored = []
    try:
        for upload in uploads:
            stored.append(documents.store_file(upload))
    except ValidationFailed:
        for row in stored:
            (documents.upload_dir() / row.stored_name).unlink(missing_ok=True)
        raise
    rows = [TicketAttachment(ticket_id=ticket.id, reply_id=reply.id if reply else None, original_name=f.original_name,
                             stored_name=f.stored_name, size=f.size, content_type=f.content_type) for f in stored]
    db.session.add_all(rows)
    return rows


def create_ticket(data: TicketInput, actor) -> Ticket:
    """添加工单: 新工单, or 已分配 at once when 指派给 is given (logged as 工单分配, reminder sent)."""
    if not can("ticket.add", actor):
        raise Forbidden("您没有执行此操作的权限")
    ticket = Ticket(owner_id=actor.id, status=TicketStatus.NEW)
    _apply(ticket, data, actor)
    parent = _optional(Ticket, data.parent_id, "关联工单")
    if parent is not None:
        TICKET_FLOW.ensure_access(parent, actor, "view")
        ticket.parent_id = parent.id
    assignee_id = enabled_employee_id(data.assignee_id, None) if data.assignee_id not in (None, "") else None
    ticket.number = numbering.next_ticket_number()
    now = utcnow()
    sla.start(ticket, now)
    db.session.add(ticket)
    db.session.flush()
    _attach(ticket, data.uploads)
    TICKET_FLOW.write_log(ticket, actor, "添加工单", None, TicketStatus.NEW,
                          f"由工单 {parent.number} 新建" if parent is not None else None)
    if assignee_id is not None:
        advance_one(TICKET_FLOW, ticket, "assign", actor, assignee_id=str(assignee_id))
    db.session.flush()
    return ticket


def get_ticket(ticket_id, actor, permission: str = "view") -> Ticket:
    return TICKET_FLOW.get(ticket_id, actor, permission)


def update_ticket(ticket: Ticket, data: TicketInput, actor) -> Ticket:
    """编辑: only while 新工单 (6.2); the priority's targets follow a changed 优先级."""
    TICKET_FLOW.ensure_access(ticket, actor, "edit")
    TICKET_FLOW.ensure("edit", ticket, "编辑")
    old_priority = ticket.priority
    _apply(ticket, data, actor)
    if ticket.priority != old_priority:
        sla.start(ticket, ticket.created_at)
    _attach(ticket, data.uploads)
    TICKET_FLOW.write_log(ticket, actor, "修改工单", ticket.status, ticket.status)
    db.session.flush()
    return ticket


def delete_ticket(ticket: Ticket, actor) -> None:
    """删除: only while 新工单; replies, attachments (and their files after the commit) and the log go with it."""
    TICKET_FLOW.ensure_access(ticket, actor, "delete")
    TICKET_FLOW.ensure("delete", ticket, "删除")
    documents._remove_after_commit([documents.upload_dir() / a.stored_name for a in ticket.attachments])
    db.session.delete(ticket)
    db.session.flush()


def can_reply(ticket: Ticket, actor) -> bool:
    return ticket.assignee_id == actor.id and TICKET_FLOW.allows("reply", ticket)


def reply(ticket: Ticket, body: str | None, actor, uploads=(), resolve: bool = False) -> TicketReply:
    """提交回复: only the current assignee, only while 已分配; 标记为解决 moves it to 已解决 in the same transaction."""
    TICKET_FLOW.ensure_access(ticket, actor, "reply")
    if ticket.status == TicketStatus.CLOSED:
        raise ValidationFailed(NEW_TICKET_PLEASE)
    if not TICKET_FLOW.allows("reply", ticket):
        raise TICKET_FLOW.refusal(ticket, "回复")
    if ticket.assignee_id != actor.id:
        raise ValidationFailed("只有工单的处理人才能回复该工单")
    text = _text(body, REPLY_LIMIT, "回复内容")
    if not text:
        raise ValidationFailed("请填写回复内容")
    row = TicketReply(ticket_id=ticket.id, employee_id=actor.id, body=text)
    db.session.add(row)
    db.session.flush()
    _attach(ticket, uploads, row)
    sla.responded(ticket, row.created_at)
    db.session.flush()
    if resolve:
        advance_one(TICKET_FLOW, ticket, "resolve", actor, "回复并标记为解决")
    return row


def attachment_of(ticket: Ticket, attachment_id) -> TicketAttachment:
    key = parse_record_id(attachment_id)
    row = db.session.get(TicketAttachment, key) if key is not None else None
    if row is None or row.ticket_id != ticket.id:
        raise NotFound("附件不存在")
    return row


def attachment_path(row: TicketAttachment):
    return documents.upload_dir() / row.stored_name


def customer_orders(customer_id: int, limit: int = 50) -> list[SalesOrder]:
    """服务订单 choices: the customer's latest orders."""
    return db.session.scalars(select(SalesOrder).where(SalesOrder.customer_id == customer_id)
                              .order_by(SalesOrder.id.desc()).limit(limit)).all()
