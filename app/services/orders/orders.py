"""Creating, editing and deleting 销售订单 (manual 5.1): only 等待审核 orders may be edited."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.security.permissions import can, permissions_of
from app.security.scope import can_see_owner
from app.services.customers.visibility import may_place_orders_for
from app.services.errors import Forbidden, NotFound, ValidationFailed
from app.services.numbering import next_number, provisional_number
from app.services.orders import search, sums
from app.services.orders.lines import LineInput, fill_line, price_lines
from app.services.orders.totals import order_totals, parse_amount
from app.services.orders.workflow import ORDER_FLOW, SCOPE_MODULE, ensure_access, log
from app.services.reminders import create_reminder
from app.services.workflow import parse_record_id
from models.accounts import Employee, Role, RolePermission
from models.base import utcnow
from models.base_data import Warehouse
from models.customers import Customer
from models.inventory import StockMovement
from models.orders import OrderStatus, SalesOrder, SalesOrderLine

ORDER_DOC_TYPE = "order"  # StockMovement.doc_type of 销售出库 / 退货入库 (services/inventory/postings.py)
RECEIVER_FIELDS = ("receiver_name", "receiver_gender", "receiver_phone", "receiver_mobile", "receiver_province",
                   "receiver_city", "receiver_district", "receiver_address", "receiver_zip", "delivery_time",
                   "package_items", "remark")
FIELD_LIMITS = {"receiver_name": ("收货人", 50), "receiver_gender": ("性别", 2), "receiver_phone": ("座机", 50),
                "receiver_mobile": ("手机", 50), "receiver_province": ("省份", 20), "receiver_city": ("城市", 20),
                "receiver_district": ("区县", 20), "receiver_address": ("送货地址", 200),
                "receiver_zip": ("邮编", 10), "delivery_time": ("送货时间", 50), "package_items": ("随包物品", 200),
                "remark": ("备注", 500)}


@dataclass
class OrderInput:
    customer_id: int | str | None
    lines: list[LineInput]
    owner_id: int | str | None = None  # 下单客服; the actor when empty
    order_date: datetime | None = None  # naive UTC; now when empty
    warehouse_id: int | str | None = None
    freight: str = "0"
    discount: str = "0"
    paid: str = "0"
    texts: dict[str, str | None] = field(default_factory=dict)  # receiver fields and 备注


def visible_customer(customer_id, actor) -> Customer:
    """The customer must exist and lie in the actor's customer scope; anything else looks like 'not found'."""
    key = parse_record_id(customer_id)
    customer = db.session.get(Customer, key) if key is not None else None
    if customer is None or not may_place_orders_for(actor, customer):
        raise ValidationFailed("请选择客户（客户不存在或不在您的查看范围内）")
    return customer


def _owner(owner_id, actor) -> int:
    if owner_id in (None, ""):
        return actor.id
    try:
        employee = db.session.get(Employee, int(owner_id))
    except (TypeError, ValueError):
        employee = None
    if employee is None or not can_see_owner(actor, SCOPE_MODULE, employee.id):
        raise ValidationFailed("下单客服不存在或不在您的查看范围内")
    return employee.id


def _warehouse(warehouse_id) -> int | None:
    if warehouse_id in (None, ""):
        default = db.session.scalar(select(Warehouse.id).where(Warehouse.is_default.is_(True)))
        return default
    try:
        warehouse = db.session.get(Warehouse, int(warehouse_id))
    except (TypeError, ValueError):
        warehouse = None
    if warehouse is None or not warehouse.is_enabled:
        raise ValidationFailed("请选择可用的仓库")
    return warehouse.id


def _texts(order: SalesOrder, texts: dict) -> None:
    for name in RECEIVER_FIELDS:
        value = (texts.get(name) or "").strip() or None
        label, limit = FIELD_LIMITS[name]
        if value and len(value) > limit:
            raise ValidationFailed(f"{label}不能超过 {limit} 个字")
        setattr(order, name, value)


def receiver_defaults(customer: Customer) -> dict[str, str | None]:
    """收货信息 prefilled from the customer's 主联系人 and address."""
    return {"receiver_name": customer.contact_name or customer.name, "receiver_phone": customer.phone,
            "receiver_mobile": customer.mobile, "receiver_province": customer.province,
            "receiver_city": customer.city, "receiver_district": customer.district,
            "receiver_address": customer.address}


def payments_total(order: SalesOrder) -> Decimal:
    return sum((p.amount for p in order.payments), Decimal("0.00")) if order.id else Decimal("0.00")


def paid_at_order_time(order: SalesOrder) -> Decimal:
    """实付金额 typed on the order form; 回款 recorded later come on top of it."""
    return abs(order.paid) - payments_total(order)


def fill_order(order: SalesOrder, data: OrderInput, actor, sellable_only: bool = True) -> None:
    """Everything the form may set; amounts are recomputed here, never taken from the form."""
    priced = price_lines(data.lines, sellable_only=sellable_only)
    freight = parse_amount(data.freight, "运费")
    discount = parse_amount(data.discount, "优惠金额")
    paid = parse_amount(data.paid, "实付金额") + payments_total(order)
    totals = order_totals([p.subtotal for p in priced], freight, discount, paid, is_return=order.is_return)
    order.owner_id = _owner(data.owner_id, actor)
    order.order_date = data.order_date or order.order_date or utcnow()
    order.warehouse_id = _warehouse(data.warehouse_id)
    _texts(order, data.texts)
    for name in ("product_total", "freight", "discount", "payable", "paid", "debt"):
        setattr(order, name, getattr(totals, name))
    existing = list(order.lines)
    rows = []
    for position, line in enumerate(priced, start=1):
        row = existing[position - 1] if position <= len(existing) else SalesOrderLine()
        rows.append(fill_line(row, position, line))
    order.lines = rows


def create_order(data: OrderInput, actor, *, is_return: bool = False, original_order_id: int | None = None,
                 sellable_only: bool = True, permission: str = "add", note: str | None = None) -> SalesOrder:
    if not can(f"order.{permission}", actor):
        raise Forbidden("您没有执行此操作的权限")
    customer = visible_customer(data.customer_id, actor)
    order = SalesOrder(customer_id=customer.id, status=OrderStatus.PENDING, is_return=is_return,
                       original_order_id=original_order_id, created_by_id=actor.id, number=provisional_number())
    fill_order(order, data, actor, sellable_only=sellable_only)
    db.session.add(order)
    db.session.flush()
    search.reindex(order, set())
    log(order, actor, "退货登记" if is_return else "提交订单", None, OrderStatus.PENDING, note)
    approvers = approvers_to_notify(order, actor)
    # Every create updates the same two rows, the day's number counter and its 订单金额汇总 bucket; their locks
    # last until the commit, so they are taken last and creates do not queue behind each other's work.
    order.number = next_number("XS")
    sums.post(None, sums.snapshot(order.id))
    notify_approvers(order, actor, approvers)
    from app.services.sms import notices  # 订单审核提醒 by SMS too, when 提醒设置 has it on

    notices.order_submitted(order, actor)
    db.session.flush()
    return order


def update_order(order: SalesOrder, data: OrderInput, actor) -> SalesOrder:
    ensure_access(order, actor, "edit")
    if not ORDER_FLOW.allows("edit", order):
        raise ValidationFailed(f"订单 {order.number} 当前状态为“{order.status_label}”，审核通过后的订单不能修改")
    before = sums.snapshot(order.id, lock=True)
    old_tokens = search.current_tokens(order)
    if str(data.customer_id) != str(order.customer_id):
        visible_customer(data.customer_id, actor)
        order.customer_id = int(data.customer_id)
    fill_order(order, data, actor, sellable_only=not order.is_return)
    order.updated_at = utcnow()
    db.session.flush()
    search.reindex(order, old_tokens)
    sums.post(before, sums.snapshot(order.id))
    log(order, actor, "修改订单", order.status, order.status)
    db.session.flush()
    return order


def ensure_deletable(order: SalesOrder, actor) -> None:
    ensure_access(order, actor, "delete")
    if not ORDER_FLOW.allows("delete", order):
        raise ValidationFailed(f"订单 {order.number} 当前状态为“{order.status_label}”，不能删除")
    has_returns = db.session.scalar(select(SalesOrder.id).where(SalesOrder.original_order_id == order.id).limit(1))
    if has_returns:
        raise ValidationFailed(f"订单 {order.number} 已有关联的退货单，不能删除")
    posted = db.session.scalar(select(StockMovement.id).where(StockMovement.doc_type == ORDER_DOC_TYPE,
                                                              StockMovement.doc_id == order.id).limit(1))
    if posted:
        if order.is_return:
            raise ValidationFailed(f"退货单 {order.number} 已入库，不能删除")
        raise ValidationFailed(f"订单 {order.number} 已出库，不能删除；如需冲销请做销售退货")


def before_delete(order: SalesOrder, actor) -> None:
    """Checks and bookkeeping shared by the order page's 删除 and the lists' delete buttons."""
    ensure_deletable(order, actor)
    db.session.flush()
    sums.post(sums.snapshot(order.id, lock=True), None)
    search.drop(order)


def delete_order(order: SalesOrder, actor) -> None:
    before_delete(order, actor)
    db.session.delete(order)
    db.session.flush()


def get_order(order_id, actor, permission: str = "view") -> SalesOrder:
    try:
        order = db.session.get(SalesOrder, int(order_id))
    except (TypeError, ValueError, OverflowError):
        order = None
    if order is None:
        raise NotFound("订单不存在或不在您的查看范围内")
    ensure_access(order, actor, permission)
    return order


def approver_ids() -> list[int]:
    """Enabled employees whose role holds order.approve, superadmins included."""
    holders = select(RolePermission.role_id).where(RolePermission.code == "order.approve")
    return list(db.session.scalars(
        select(Employee.id).join(Role, Employee.role_id == Role.id)
        .where(Employee.is_enabled.is_(True), (Role.is_superadmin.is_(True)) | Role.id.in_(holders))
        .order_by(Employee.id)))


def approvers_to_notify(order: SalesOrder, actor) -> list[int]:
    """Every approver who may see the order, except the one who submitted it."""
    chosen = []
    for employee_id in approver_ids():
        if employee_id == actor.id:
            continue
        employee = db.session.get(Employee, employee_id)
        if "order.approve" in permissions_of(employee) and can_see_owner(employee, SCOPE_MODULE, order.owner_id):
            chosen.append(employee_id)
    return chosen


def notify_approvers(order: SalesOrder, actor, approvers: list[int] | None = None) -> int:
    """订单审核提醒 for approvers_to_notify() (worked out beforehand by a create)."""
    sent = 0
    for employee_id in approvers_to_notify(order, actor) if approvers is None else approvers:
        kind = "退货审核" if order.is_return else "订单审核"
        create_reminder(employee_id, "order_approval", f"{kind}：{order.number}",
                        f"{actor.real_name} 提交了订单 {order.number}，应付金额 ¥{order.payable}，请审核。",
                        link=f"/order/{order.id}", subject_key=f"order:{order.id}")
        sent += 1
    return sent
