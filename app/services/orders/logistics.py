"""物流 dialog of 正在配货 orders (manual 5.2, figure 5-7): 保存, 保存并发货, 取消订单."""

from app.extensions import db
from app.services.errors import ValidationFailed
from app.services.numbering import TRACKING_PREFIX, next_tracking_number
from app.services.orders.workflow import ORDER_FLOW, ensure_access, log, transition
from models.base_data import LogisticsCompany
from models.orders import SalesOrder


def save_logistics(order: SalesOrder, company_id, tracking_number: str | None, remark: str | None, actor,
                   ship: bool = False, notify_receiver: bool = False) -> SalesOrder:
    """保存 / 保存并发货; with 短信通知收货人 ticked a shipment texts 订单发货提醒 to the receiver's mobile."""
    ensure_access(order, actor, "ship")
    if not ORDER_FLOW.allows("logistics", order):
        raise ValidationFailed(f"订单 {order.number} 当前状态为“{order.status_label}”，只有正在配货的订单可以设置物流")
    company = None
    if company_id not in (None, ""):
        try:
            company = db.session.get(LogisticsCompany, int(company_id))
        except (TypeError, ValueError):
            company = None
        if company is None:
            raise ValidationFailed("请选择物流公司")
    number = (tracking_number or "").strip() or None
    if number and len(number) > 50:
        raise ValidationFailed("物流单号不能超过 50 个字符")
    if company is not None and company.is_builtin:
        # 无需物流: the system numbers it; an LP number already given to this order is kept.
        keep = (order.logistics_company_id == company.id and order.tracking_number
                and order.tracking_number.startswith(TRACKING_PREFIX))
        number = order.tracking_number if keep else next_tracking_number()
    elif company is None and number:
        raise ValidationFailed("填写物流单号前请先选择物流公司")
    remark = (remark or "").strip() or None
    if remark and len(remark) > 500:
        raise ValidationFailed("备注不能超过 500 个字")
    order.logistics_company_id = company.id if company else None
    order.tracking_number = number
    order.remark = remark
    db.session.flush()
    log(order, actor, "物流设置", None, None, f"{company.name if company else '未选择物流公司'} {number or ''}".strip())
    if ship:
        transition(order, "ship", actor)
        if notify_receiver:
            from app.services.sms import notices  # the SMS module sends after the commit, when 提醒设置 has it on

            notices.order_shipped(order, actor, notify_receiver=True)
    db.session.flush()
    return order
