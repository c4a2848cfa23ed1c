"""Permission screens of 库存管理, registered with the services so the codes exist without the views.

The approval codes (purchase.approve, purchase_return.approve, stocktake.approve) come from the document
types' declarations (app/services/inventory/flow.py).
"""

from app.security.permissions import ACTION_LABELS, Screen, registry

ACTION_LABELS.setdefault("purchase_pay", "付款")
PURCHASE = registry.register(Screen("purchase", "采购进货管理", "库存管理",
                                    ("view", "add", "edit", "delete", "export", "pay", "print")))
PURCHASE_RETURN = registry.register(Screen("purchase_return", "采购退货管理", "库存管理",
                                           ("view", "add", "edit", "delete", "export", "print")))
STOCKTAKE = registry.register(Screen("stocktake", "库存盘点管理", "库存管理",
                                     ("view", "add", "edit", "delete", "export", "print")))
STOCK = registry.register(Screen("stock", "库存查询", "库存管理", ("view", "export")))
