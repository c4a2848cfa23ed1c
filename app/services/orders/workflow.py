"""销售订单 as a document of the workflow engine (manual ch. 5): its transition table and what each status allows.

等待审核 -(通过审核)-> 正在配货 -(发货)-> 已经发货 -(订单完成)-> 交易完成; 正在配货 -(取消订单)-> 已取消.
"""

from dataclasses import replace

from app.services import workflow
from app.services.orders import screens, sums  # noqa: F401  (screens registers the order.* codes first)
from app.services.orders.visibility import through_customer
from app.services.workflow import ACTOR, NOW, DocumentType, Step, When
from models.orders import OrderLog, OrderStatus, SalesOrder

PENDING, PICKING, SHIPPED, COMPLETED, CANCELLED = (OrderStatus.PENDING, OrderStatus.PICKING, OrderStatus.SHIPPED,
                                                   OrderStatus.COMPLETED, OrderStatus.CANCELLED)
SCOPE_MODULE = "order"


def _move_sums(change: workflow.Change) -> None:
    """订单金额汇总 follows the order from its old status bucket to the new one."""
    after = sums.snapshot(change.doc.id)
    sums.post(replace(after, status=str(change.source)), after)


def _sms_order_approved(change: workflow.Change) -> None:
    """订单审核通过提醒 to the order's 下单客服, when 提醒设置 has it on (app/services/sms/notices.py)."""
    from app.services.sms import notices

    notices.order_approved(change.doc, change.actor)


def _post_stock(change: workflow.Change) -> None:
    """发货 posts 销售出库; a 销售退货's 订单完成 posts 退货入库 (app/services/inventory/postings.py)."""
    from app.services.inventory import postings

    if change.step.name == "ship":
        postings.post_order_shipped(change.doc, change.actor)
    elif change.step.name == "complete":
        postings.post_return_completed(change.doc, change.actor)


ORDER_FLOW = DocumentType(
    code="order", label="订单", screen_label="销售订单", module="订单管理", model=SalesOrder, log=OrderLog,
    log_key="order_id", states=OrderStatus, scope_module=SCOPE_MODULE, also_visible=through_customer,
    transitions=[
        Step("approve", {PENDING}, PICKING, "order.approve", "通过审核", confirm="确定审核通过该订单吗？",
             done="订单 {number} 已通过审核，进入正在配货", stamps={"approved_at": NOW, "approved_by_id": ACTOR},
             style="success"),
        Step("ship", {PICKING}, SHIPPED, "order.ship", "发货", confirm="确定将该订单标记为已发货吗？",
             done="订单 {number} 已发货", stamps={"shipped_at": NOW, "shipped_by_id": ACTOR}),
        Step("complete", {SHIPPED}, COMPLETED, "order.complete", "订单完成",
             confirm="确认客户已收货，将订单标记为完成吗？", done="订单 {number} 已标记为交易完成",
             stamps={"completed_at": NOW}, style="success"),
        Step("cancel", {PICKING}, CANCELLED, "order.cancel", "取消订单", confirm="确定取消该订单吗？",
             done="订单 {number} 已取消", stamps={"cancelled_at": NOW, "cancelled_by_id": ACTOR}, bulk=False,
             style="danger"),
    ],
    capabilities={
        "edit": {PENDING},
        # 5.1/5.2/5.4/5.6: pending, picking, completed and cancelled orders may be deleted; shipped ones may not.
        "delete": {PENDING, PICKING, COMPLETED, CANCELLED},
        "logistics": {PICKING},
        "pay": When({PENDING, PICKING, SHIPPED, COMPLETED}, lambda order: order.debt > 0),
        "return": When({SHIPPED, COMPLETED}, lambda order: not order.is_return),
    },
    after_every=[_move_sums],
    after={"approve": [_sms_order_approved], "ship": [_post_stock], "complete": [_post_stock]},
)


def allows(capability: str, order: SalesOrder) -> bool:
    return ORDER_FLOW.allows(capability, order)


def ensure_access(order: SalesOrder, actor, permission: str) -> None:
    ORDER_FLOW.ensure_access(order, actor, permission)


def log(order: SalesOrder, actor, action: str, from_status=None, to_status=None, note: str | None = None) -> None:
    ORDER_FLOW.write_log(order, actor, action, from_status, to_status, note)


def transition(order: SalesOrder, name: str, actor, note: str | None = None) -> SalesOrder:
    """One order by one step (the order page, 物流's 保存并发货); raises the refusal."""
    workflow.advance_one(ORDER_FLOW, order, name, actor, note)
    return order
