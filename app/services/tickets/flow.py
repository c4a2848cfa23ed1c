"""工单 as a document of the workflow engine (manual ch. 6): the transition table and what each status allows.

新工单 -(工单分配)-> 已分配 -(标记解决)-> 已解决 -(关闭工单)-> 已关闭; 已解决 -(重新打开)-> 已分配;
新工单/已分配 -(取消工单)-> 已取消; 新工单 -(关闭工单)-> 已关闭; 已分配 -(重新分配)-> 已分配.
"""

from app.extensions import db
from app.security.permissions import ACTION_LABELS, Screen, can, registry
from app.security.scope import can_see_owner
from app.services.errors import Forbidden, NotFound, ValidationFailed
from app.services.tickets import notices, sla
from app.services.workflow import NOW, Ask, Change, DocumentType, Step, parse_record_id
from models.accounts import Employee
from models.tickets import Ticket, TicketLog, TicketStatus

NEW, ASSIGNED, RESOLVED, CLOSED, CANCELLED = (TicketStatus.NEW, TicketStatus.ASSIGNED, TicketStatus.RESOLVED,
                                              TicketStatus.CLOSED, TicketStatus.CANCELLED)
SCOPE_MODULE = "ticket"
for _action, _label in {"reply": "回复", "reassign": "重新分配", "resolve": "标记解决", "close": "关闭",
                        "reopen": "重新打开"}.items():
    ACTION_LABELS.setdefault(_action, _label)  # 分配权限 names the ticket actions in Chinese
TICKET = registry.register(Screen("ticket", "工单管理", "售后管理", ("view", "add", "edit", "delete", "export", "reply"),
                                  scoped=True))
SLA_PAUSE, SLA_RESUME, SLA_STOP = "服务时限暂停", "服务时限恢复", "服务时限停止"


def enabled_employee_id(value, change: Change) -> int:
    """处理人: an enabled employee, given by id (crafted values are refused with a message)."""
    key = parse_record_id(value)
    employee = db.session.get(Employee, key) if key is not None else None
    if employee is None or not employee.is_enabled:
        raise ValidationFailed("请选择一个在职的处理人")
    return employee.id


class TicketType(DocumentType):
    """A ticket belongs to its submitter and its assignee: either one in the actor's 数据范围 makes it visible."""

    def ensure_access(self, doc, actor, permission: str) -> None:
        code = permission if "." in permission else f"{self.code}.{permission}"
        if not can(code, actor):
            raise Forbidden("您没有执行此操作的权限")
        if not (can_see_owner(actor, SCOPE_MODULE, doc.owner_id)
                or (doc.assignee_id is not None and can_see_owner(actor, SCOPE_MODULE, doc.assignee_id))):
            raise NotFound(f"{self.label}不存在或不在您的查看范围内")


def _not_the_same_assignee(change: Change) -> None:
    if change.inputs.get("assignee_id") == change.doc.assignee_id:
        raise ValidationFailed(f"工单 {change.doc.number} 已分配给该处理人")


def _log_sla(change: Change, action: str, note: str) -> None:
    TICKET_FLOW.write_log(change.doc, change.actor, action, change.step.target, change.step.target, note)


def _clock(change: Change) -> None:
    """The resolution clock follows the state: paused while 已解决, resumed on 重新打开, stopped when final."""
    ticket = change.doc
    target = change.step.target
    if target == RESOLVED:
        sla.responded(ticket, change.at)
        used = sla.pause(ticket, change.at)
        _log_sla(change, SLA_PAUSE, f"已用 {sla.hours(used)} 个工作小时")
    elif change.source == RESOLVED and target == ASSIGNED:
        due = sla.resume(ticket, change.at)
        from app.timeutil import format_local
        _log_sla(change, SLA_RESUME, f"已用 {sla.hours(ticket.sla_used_minutes)} 个工作小时，"
                                     f"解决时限 {format_local(due, '%Y-%m-%d %H:%M')}")
    elif target in (CLOSED, CANCELLED):
        running = ticket.sla_running_since is not None
        used = sla.pause(ticket, change.at)
        ticket.response_due_at = None
        if running:
            _log_sla(change, SLA_STOP, f"共用 {sla.hours(used)} 个工作小时")
    db.session.flush()


def _notify(change: Change) -> None:
    notices.assignment(change.doc, change.actor, change.at)


ASSIGNEE = Ask("assignee_id", "处理人", column="assignee_id", parse=enabled_employee_id)

TICKET_FLOW = TicketType(
    code="ticket", label="工单", screen_label="工单管理", module="售后管理", model=Ticket, log=TicketLog,
    log_key="ticket_id", states=TicketStatus, scope_module=SCOPE_MODULE,
    transitions=[
        Step("assign", {NEW}, ASSIGNED, "ticket.assign", "工单分配", ask_for=(ASSIGNEE,),
             done="工单 {number} 已分配给 {doc.assignee.real_name}"),
        Step("reassign", {ASSIGNED}, ASSIGNED, "ticket.reassign", "重新分配", ask_for=(ASSIGNEE,),
             done="工单 {number} 已重新分配给 {doc.assignee.real_name}", bulk=False),
        Step("resolve", {ASSIGNED}, RESOLVED, "ticket.resolve", "标记解决", confirm="确定将该工单标记为已解决吗？",
             done="工单 {number} 已标记为已解决", stamps={"resolved_at": NOW}, style="success"),
        Step("close", {NEW, RESOLVED}, CLOSED, "ticket.close", "关闭工单",
             confirm="关闭后工单不能再变更或回复，确定关闭吗？", done="工单 {number} 已关闭", stamps={"closed_at": NOW},
             style="secondary"),
        Step("reopen", {RESOLVED}, ASSIGNED, "ticket.reopen", "重新打开", confirm="确定重新打开该工单吗？",
             done="工单 {number} 已重新打开，回到已分配", style="warning"),
        Step("cancel", {NEW, ASSIGNED}, CANCELLED, "ticket.cancel", "取消工单", confirm="确定取消该工单吗？",
             done="工单 {number} 已取消", stamps={"cancelled_at": NOW}, style="danger", bulk=False),
    ],
    capabilities={"edit": {NEW}, "delete": {NEW}, "reply": {ASSIGNED}},
    guards={"reassign": [_not_the_same_assignee]},
    after={"assign": [_notify], "reassign": [_notify]},
    after_every=[_clock],
)
