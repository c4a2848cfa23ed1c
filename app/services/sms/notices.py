"""Texts for other modules' events, one function per system template. Each renders the template, claims it
once per (template, record, number, day) and queues it; the batch is sent after the caller's commit.

Where they attach (after-transition hooks, hook(order, actor) as in app/services/orders/workflow.py):
  order_submitted(order, actor)     a new sales order is saved in 等待审核 (订单审核提醒 to the approvers)
  order_approved(order, actor)      transition "approve" 等待审核 -> 正在配货 (订单审核通过提醒 to the 下单客服)
  order_shipped(order, actor, notify_receiver)  transition "ship" with 短信通知收货人 ticked (订单发货提醒)
  ticket_assigned(...)              the ticket workflow's "assign" step (工单分配提醒 to the assignee)
  document_submitted(kind, ...)     采购进货单 / 采购退货单 / 库存盘点单 saved for approval (审核提醒)
"""

from decimal import Decimal

from sqlalchemy import or_, select

from app.extensions import db
from app.services.sms import settings, templates
from app.services.sms.accounts import default_account
from app.services.sms.automatic import Outgoing, dispatch_after_commit, queue_once
from app.services.tickets import notices as ticket_notices
from app.timeutil import local_today
from models.accounts import Employee, Role, RolePermission
from models.sms import SmsBatch

DOCUMENT_EVENTS = {"purchase": "purchase_submitted", "purchase_return": "purchase_return_submitted",
                   "stocktake": "stocktake_submitted"}


def approvers(permission: str) -> list[Employee]:
    """Enabled employees holding the permission (superadmins hold every one) who have a mobile number."""
    roles = select(RolePermission.role_id).where(RolePermission.code == permission)
    return list(db.session.scalars(select(Employee).join(Role, Employee.role_id == Role.id).where(
        Employee.is_enabled.is_(True), Employee.mobile.is_not(None),
        or_(Role.is_superadmin.is_(True), Role.id.in_(roles))).order_by(Employee.id)))


def _money(value) -> str:
    return f"{Decimal(value or 0):.2f}"


def _notify(event_key: str, record_id: int, mobiles: list[str], values: dict, sender: Employee | None,
            recipient: str) -> SmsBatch | None:
    setting = settings.get(event_key)
    if not setting.enabled or recipient not in settings.recipients_of(setting):
        return None
    account = setting.account or default_account()
    if account is None:
        return None
    code = settings.BY_KEY[event_key].templates[recipient]
    content = templates.render(code, values)
    batch = queue_once(account, [Outgoing(code, record_id, m, content) for m in mobiles if m], local_today(),
                       sender.id if sender else None, kind=code)
    dispatch_after_commit(batch)
    return batch


def order_submitted(order, actor) -> SmsBatch | None:
    """订单审核提醒: “{提交人}提交了一张新订单 …，等待您的审核！” to everyone who may approve it."""
    mobiles = [e.mobile for e in approvers("order.approve") if e.id != (actor.id if actor else None)]
    values = {"Submitter": actor.real_name if actor else "", "OrderNo": order.number, "Amount": _money(order.payable),
              "CustomerName": order.customer.name if order.customer else ""}
    return _notify("order_submitted", order.id, mobiles, values, actor, "approver")


def order_approved(order, actor) -> SmsBatch | None:
    """订单审核通过提醒 to the order's 下单客服."""
    owner = db.session.get(Employee, order.owner_id)
    values = {"OrderNo": order.number, "Amount": _money(order.payable), "Approver": actor.real_name if actor else "",
              "CustomerName": order.customer.name if order.customer else ""}
    return _notify("order_approved", order.id, [owner.mobile] if owner and owner.is_enabled else [], values, actor,
                   "owner")


def order_shipped(order, actor, notify_receiver: bool = True) -> SmsBatch | None:
    """订单发货提醒 to the receiver's mobile, only when 短信通知收货人 was ticked when shipping."""
    if not notify_receiver:
        return None
    values = {"ReceiverName": order.receiver_name or "", "OrderNo": order.number, "Amount": _money(order.payable),
              "LogisticsCompany": order.logistics_company.name if order.logistics_company else "",
              "TrackingNo": order.tracking_number or "", "CustomerName": order.customer.name if order.customer else ""}
    return _notify("order_shipped", order.id, [order.receiver_mobile or ""], values, actor, "receiver")


def ticket_assigned(ticket_id: int, title: str, assignee: Employee, assigner: Employee | None,
                    number: str = "", customer_name: str = "") -> SmsBatch | None:
    """工单分配提醒: “{分配人}分配给您一个工单，{主题}，请及时处理！” to the assignee."""
    values = {"Assigner": assigner.real_name if assigner else "", "TicketTitle": title, "TicketNo": number,
              "CustomerName": customer_name}
    return _notify("ticket_assigned", ticket_id, [assignee.mobile or ""], values, assigner, "assignee")


def document_submitted(kind: str, document_id: int, number: str, amount, submitter: Employee | None,
                       approve_permission: str) -> SmsBatch | None:
    """采购进货单 / 采购退货单 / 库存盘点单 审核提醒 to the holders of approve_permission (e.g. "purchase.approve")."""
    event_key = DOCUMENT_EVENTS[kind]
    mobiles = [e.mobile for e in approvers(approve_permission) if e.id != (submitter.id if submitter else None)]
    values = {"DocumentNo": number, "Amount": _money(amount), "Submitter": submitter.real_name if submitter else ""}
    return _notify(event_key, document_id, mobiles, values, submitter, "approver")


def _ticket_assignment_sms(ticket, assignee, actor) -> None:
    ticket_assigned(ticket.id, ticket.subject, assignee, actor, ticket.number,
                    ticket.customer.name if ticket.customer else "")


ticket_notices.on_assignment_sms(_ticket_assignment_sms)
