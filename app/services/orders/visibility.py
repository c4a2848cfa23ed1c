"""One visibility rule for orders and quotes (issue 11, item 3).

A document is reachable by id when its 下单客服 lies in the user's order 数据范围 (the order lists show exactly
those), or through its customer: whoever may see the customer (客户资料 数据范围, 共享, 公共客户池) may open its
orders and quotes, whoever entered them; whoever may manage the customer (it lies in their own customer 数据范围,
e.g. after 客户指派) may also act on them (回款, 物流, 编辑 ...) as far as their role's permissions allow. The role
permission is always checked first.
"""

from app.services.customers.visibility import can_manage, can_view

READ_ACTIONS = frozenset({"view", "print"})


def through_customer(doc, actor, permission: str) -> bool:
    customer = doc.customer
    if customer is None:
        return False
    if permission.rsplit(".", 1)[-1] in READ_ACTIONS:
        return can_view(actor, customer)
    return can_manage(actor, customer)
