"""共享 (manual 4.2, 4.6): share my customer with colleagues; they can see it and add follow-ups."""

from sqlalchemy import select

from app.extensions import db
from app.services.errors import Forbidden, ValidationFailed
from models.accounts import Employee
from models.customers import Customer, CustomerShare


def share(customer: Customer, employee_ids: list[int], actor: Employee) -> int:
    if customer.owner_id is None:
        raise ValidationFailed("公共客户池中的客户不能共享")
    employees = db.session.scalars(select(Employee).where(Employee.id.in_(employee_ids))).all()
    if not employees:
        raise ValidationFailed("请选择要共享给的员工")
    existing = set(db.session.scalars(select(CustomerShare.employee_id).where(CustomerShare.customer_id == customer.id)))
    made = 0
    for employee in employees:
        if not employee.is_enabled:
            raise ValidationFailed(f"员工“{employee.real_name}”已停用，不能共享给他")
        if employee.id == customer.owner_id or employee.id in existing:
            continue
        db.session.add(CustomerShare(customer_id=customer.id, employee_id=employee.id, shared_by_id=actor.id))
        made += 1
    db.session.flush()
    return made


def unshare(share_row: CustomerShare, actor: Employee, may_manage: bool) -> None:
    """取消共享: by whoever shared it, the customer's owner, or someone whose scope covers the owner."""
    if not (share_row.shared_by_id == actor.id or share_row.customer.owner_id == actor.id or may_manage):
        raise Forbidden("只能取消自己的共享")
    db.session.delete(share_row)
    db.session.flush()
