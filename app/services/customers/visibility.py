"""Who may see a customer: the role's 数据范围, a 共享 to the user, or the 公共客户池 permission."""

from sqlalchemy import select

from app.extensions import db
from app.security.permissions import can
from app.security.scope import apply_scope, can_see_owner
from models.customers import Customer, CustomerShare

MODULE = "customer"
POOL_PERMISSION = "customer_pool.view"


def is_shared_with(customer_id: int, employee_id: int) -> bool:
    return db.session.scalar(select(CustomerShare.id).where(CustomerShare.customer_id == customer_id,
                                                            CustomerShare.employee_id == employee_id)) is not None


def can_view(user, customer: Customer) -> bool:
    if customer.owner_id is None:
        return can(POOL_PERMISSION, user) or can_see_owner(user, MODULE, None)
    return can_see_owner(user, MODULE, customer.owner_id) or is_shared_with(customer.id, user.id)


def can_manage(user, customer: Customer) -> bool:
    """Edit, delete, share, abandon: the customer is within the user's own 数据范围 (not merely shared)."""
    return customer.owner_id is not None and can_see_owner(user, MODULE, customer.owner_id) or (
        customer.owner_id is None and can_see_owner(user, MODULE, None))


def scoped(query, user):
    return apply_scope(query, Customer.owner_id, user, MODULE)
