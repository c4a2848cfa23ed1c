"""What an assignment tells the assignee: a reminder in the header pop-up and the 工单分配提醒 SMS.

The SMS module (短信管理 → 提醒设置 → 工单分配短信提醒) registers its sender with `on_assignment_sms`; until it
does, assignments create the reminder only. The sender gets (ticket, assignee, actor) inside the transaction.
"""

from collections.abc import Callable
from datetime import datetime

from flask import has_request_context, url_for

from app.services.reminders import create_reminder

REMINDER_KIND = "ticket_assigned"
_sms_senders: list[Callable] = []


def on_assignment_sms(sender: Callable) -> None:
    """Register the 工单分配提醒 SMS sender (called once by the SMS module at import time)."""
    if sender not in _sms_senders:
        _sms_senders.append(sender)


def _link(ticket) -> str | None:
    if not has_request_context():
        return f"/ticket/{ticket.id}"
    try:
        return url_for("ticket.detail", ticket_id=ticket.id)
    except Exception:  # noqa: BLE001  (werkzeug BuildError: the ticket screens are not registered)
        return None


def assignment(ticket, actor, at: datetime) -> None:
    assignee = ticket.assignee
    if assignee is None:
        return
    create_reminder(assignee.id, REMINDER_KIND, f"工单分配提醒：工单 {ticket.number}",
                    f"{actor.real_name} 将工单“{ticket.subject}”（客户：{ticket.customer.name}）分配给您处理",
                    link=_link(ticket), subject_key=f"ticket:{ticket.id}:{at:%Y%m%d%H%M%S%f}")
    for sender in _sms_senders:
        sender(ticket, assignee, actor)
