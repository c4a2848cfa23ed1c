"""联系记录 (figure 4-15), 联系记录管理 and 等待回访客户 (manual 4.1, 4.3, 4.4)."""

from datetime import datetime

from sqlalchemy import func, select, update

from app.extensions import db
from app.security.scope import can_see_owner
from app.services.errors import Forbidden, ValidationFailed
from app.services.reminders import create_reminder
from app.timeutil import format_local
from models.accounts import Employee
from models.base import utcnow
from models.base_data import ContactMethod
from models.customers import Customer, CustomerContact, FollowUp, FollowUpKind


def _clean(customer: Customer, values: dict) -> dict:
    errors = []
    content = (values.get("content") or "").strip()
    if not content:
        errors.append("联系内容不能为空")
    elif len(content) > 2000:
        errors.append("联系内容不能超过 2000 个字")
    goal = (values.get("next_goal") or "").strip() or None
    if goal and len(goal) > 500:
        errors.append("下次目标不能超过 500 个字")
    contacted_at = values.get("contacted_at") or utcnow()
    next_at = values.get("next_contact_at")
    if not isinstance(contacted_at, datetime) or (next_at is not None and not isinstance(next_at, datetime)):
        errors.append("时间格式不正确")
    elif next_at is not None and next_at <= contacted_at:
        errors.append("下次联系时间须晚于本次联系时间")
    kind = values.get("kind") or FollowUpKind.REVISIT.value
    if kind not in {k.value for k in FollowUpKind}:
        errors.append("联系类型不正确")
    method_id = values.get("method_id") or None
    if method_id and db.session.get(ContactMethod, int(method_id)) is None:
        errors.append("联系方式不存在")
    contact = None
    if values.get("contact_id"):
        contact = db.session.get(CustomerContact, int(values["contact_id"]))
        if contact is None or contact.customer_id != customer.id:
            errors.append("联系人不属于该客户")
    if errors:
        raise ValidationFailed("；".join(errors))
    phone = (values.get("contact_phone") or "").strip() or None
    if contact is not None and not phone:
        phone = contact.mobile or contact.phone
    return {"content": content, "next_goal": goal, "contacted_at": contacted_at, "next_contact_at": next_at,
            "kind": FollowUpKind(kind), "method_id": int(method_id) if method_id else None,
            "contact_id": contact.id if contact else None,
            "contact_name": contact.name if contact else (values.get("contact_name") or customer.contact_name),
            "contact_phone": (phone or customer.mobile or customer.phone or "")[:50] or None}


def refresh_customer(customer: Customer) -> None:
    """最近一次联系 and 预约联系时间 follow the customer's follow-ups."""
    db.session.flush()
    customer.last_contact_at = db.session.scalar(
        select(func.max(FollowUp.contacted_at)).where(FollowUp.customer_id == customer.id))
    customer.next_contact_at = db.session.scalar(
        select(func.max(FollowUp.next_contact_at)).where(FollowUp.customer_id == customer.id,
                                                         FollowUp.appointment_open.is_(True)))


def add_follow_up(customer: Customer, values: dict, actor: Employee) -> FollowUp:
    """添加联系记录: closes the customer's earlier appointments and restarts the recycle clock for its owner."""
    cleaned = _clean(customer, values)
    cleaned["employee_id"] = actor.id  # the author; never chosen in the form
    db.session.execute(update(FollowUp).where(FollowUp.customer_id == customer.id, FollowUp.appointment_open.is_(True))
                       .values(appointment_open=False))
    follow_up = FollowUp(customer_id=customer.id, created_by_id=actor.id, created_at=utcnow(),
                         appointment_open=cleaned["next_contact_at"] is not None, **cleaned)
    db.session.add(follow_up)
    if customer.owner_id is not None and customer.owner_id == actor.id:
        customer.owner_activity_at = utcnow()
        customer.recycle_warned_at = None
    refresh_customer(customer)
    db.session.flush()
    return follow_up


def may_change(actor: Employee, follow_up: FollowUp) -> bool:
    """Only the author (联系客服) and those whose 数据范围 covers the author edit or delete a follow-up;
    seeing the customer (a pool customer, one shared with you) is not enough."""
    return follow_up.employee_id == actor.id or (
        follow_up.employee_id is not None and can_see_owner(actor, "customer", follow_up.employee_id))


def _guard_author(actor: Employee, follow_up: FollowUp) -> None:
    if not may_change(actor, follow_up):
        raise Forbidden("只能修改或删除自己（或下属）写的联系记录")


def update_follow_up(follow_up: FollowUp, values: dict, actor: Employee) -> FollowUp:
    _guard_author(actor, follow_up)
    cleaned = _clean(follow_up.customer, values)
    for key, value in cleaned.items():
        setattr(follow_up, key, value)
    if follow_up.next_contact_at is None:
        follow_up.appointment_open = False
    follow_up.reminded_at = None if follow_up.appointment_open else follow_up.reminded_at
    refresh_customer(follow_up.customer)
    db.session.flush()
    return follow_up


def delete_follow_up(follow_up: FollowUp, actor: Employee) -> None:
    _guard_author(actor, follow_up)
    customer = follow_up.customer
    db.session.delete(follow_up)
    refresh_customer(customer)
    db.session.flush()


def remind_due(now: datetime | None = None, batch: int = 1000) -> int:
    """Create one 回访提醒 per appointment that has fallen due (safe to run again)."""
    now = now or utcnow()
    made = 0
    while True:
        rows = db.session.scalars(
            select(FollowUp).where(FollowUp.appointment_open.is_(True), FollowUp.next_contact_at <= now,
                                   FollowUp.reminded_at.is_(None))
            .order_by(FollowUp.next_contact_at, FollowUp.id).limit(batch)).all()
        if not rows:
            return made
        for row in rows:
            if row.employee_id:
                create_reminder(row.employee_id, "follow_up", f"回访提醒：{row.customer.name}",
                                f"预约时间 {format_local(row.next_contact_at, '%Y-%m-%d %H:%M')}"
                                + (f"，下次目标：{row.next_goal}" if row.next_goal else ""),
                                link=f"/customer/details/?id={row.customer_id}",
                                subject_key=f"follow_up:{row.id}")
                made += 1
            row.reminded_at = now
        db.session.flush()
