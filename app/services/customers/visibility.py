"""Who may see a customer, and who may place orders for him: one rule for every screen.

* may_place_orders_for (订单, 报价单, the order form's 客户 picker): the customer lies in the user's own 数据范围,
  or is shared with him (共享). A 公共客户池 customer has no owner: only a user who sees every owner's customers
  may order for him; anyone else 领用s him first (manual 3.8.1, 4.4: "谁都可以看到，谁都可以领用").
* can_view (detail page, 联系记录, 工单): the same, plus every 公共客户池 customer for a user holding the
  公共客户池 permission, who sees him in that screen.
"""

from sqlalchemy import or_, select

from app.extensions import db
from app.security.permissions import can
from app.security.scope import apply_scope, can_see_owner, visible_owner_ids
from models.customers import Customer, CustomerShare

MODULE = "customer"
POOL_PERMISSION = "customer_pool.view"


def is_shared_with(customer_id: int, employee_id: int) -> bool:
    return db.session.scalar(select(CustomerShare.id).where(CustomerShare.customer_id == customer_id,
                                                            CustomerShare.employee_id == employee_id)) is not None


def may_place_orders_for(user, customer: Customer) -> bool:
    if customer.owner_id is None:
        return can_see_owner(user, MODULE, None)
    return can_see_owner(user, MODULE, customer.owner_id) or is_shared_with(customer.id, user.id)


def orderable_condition(user):
    """may_place_orders_for as a condition on Customer, for pickers; None when every customer qualifies."""
    owners = visible_owner_ids(user, MODULE)
    if owners is None:
        return None
    shared = select(CustomerShare.customer_id).where(CustomerShare.employee_id == user.id)
    return or_(Customer.owner_id.in_(sorted(owners)), Customer.id.in_(shared))


def can_view(user, customer: Customer) -> bool:
    if customer.owner_id is None and can(POOL_PERMISSION, user):
        return True
    return may_place_orders_for(user, customer)


def can_manage(user, customer: Customer) -> bool:
    """Edit, delete, share, abandon: the customer is within the user's own 数据范围 (not merely shared)."""
    return customer.owner_id is not None and can_see_owner(user, MODULE, customer.owner_id) or (
        customer.owner_id is None and can_see_owner(user, MODULE, None))


def scoped(query, user):
    return apply_scope(query, Customer.owner_id, user, MODULE)
