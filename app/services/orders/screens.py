"""Permission screens of 订单管理, registered with the services so the codes exist without the views.

The workflow steps' codes (order.approve, order.ship, order.complete, order.cancel, quote.convert) are added
by the document types' declarations (app/services/orders/workflow.py, quotes.py).
"""

from app.security.permissions import Screen, registry

ORDER_ACTIONS = ("view", "add", "edit", "delete", "export", "pay", "print")
ORDER = registry.register(Screen("order", "销售订单", "订单管理", ORDER_ACTIONS, scoped=True))
QUOTE = registry.register(Screen("quote", "报价单管理", "订单管理",
                                 ("view", "add", "edit", "delete", "export", "print")))
PRINT_TEMPLATE = registry.register(Screen("print_template", "打印模板管理", "订单管理",
                                          ("view", "add", "edit", "delete")))
