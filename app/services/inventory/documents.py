"""Entering 采购进货单 and 采购退货单 (12.1, 12.2): lines, amounts, edits and deletes of pending documents.

Amounts are recomputed on the server from the lines: 应付 = sum of 小计; 欠款 = 应付 - 实付 - 优惠. Prices with
more than two decimals, zero or negative quantities, unknown products and disabled warehouses are refused with
the line's position, before anything is written. Edits and deletes first claim the row with
`UPDATE ... WHERE status = 待审核`, so a document approved a moment ago (or named by a crafted POST) is refused.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, update

from app.extensions import db
from app.security.permissions import can
from app.services.errors import DomainError, Forbidden, ValidationFailed
from app.services.inventory.flow import PENDING, PURCHASE_FLOW, RETURN_FLOW
from app.services.numbering import next_number, provisional_number
from app.services.orders.totals import line_subtotal, parse_amount, parse_quantity, round_money
from app.services.workflow import DocumentType, parse_record_id
from app.timeutil import local_today
from models.base import utcnow
from models.base_data import Supplier, Warehouse
from models.inventory import Purchase, PurchaseLine, PurchaseReturn, PurchaseReturnLine
from models.products import Product

MAX_LINES = 200
REMARK_LIMIT = 500
PREFIX = {"purchase": "JH", "purchase_return": "TH"}


@dataclass
class LineInput:
    product_id: int | str | None
    unit_price: str | Decimal | None
    quantity: str | Decimal | None


@dataclass
class DocumentInput:
    supplier_id: int | str | None
    warehouse_id: int | str | None
    lines: list[LineInput] = field(default_factory=list)
    day: str | date | None = None  # 收货日期 / 退货日期
    paid: str | Decimal | None = None  # purchases only
    discount: str | Decimal | None = None  # purchases only
    remark: str | None = None


def ensure_warehouse_enabled(warehouse: Warehouse | None, noun: str) -> None:
    if warehouse is None:
        raise ValidationFailed("请选择仓库")
    if not warehouse.is_enabled:
        raise ValidationFailed(f"仓库“{warehouse.name}”已停用，不能办理{noun}")


def pick_warehouse(value, noun: str) -> Warehouse:
    key = parse_record_id(value)
    warehouse = db.session.get(Warehouse, key) if key is not None else None
    if warehouse is None:
        raise ValidationFailed("请选择仓库")
    ensure_warehouse_enabled(warehouse, noun)
    return warehouse


def _supplier(value) -> Supplier:
    key = parse_record_id(value)
    supplier = db.session.get(Supplier, key) if key is not None else None
    if supplier is None:
        raise ValidationFailed("请选择供应商")
    return supplier


def parse_day(value, label: str) -> date:
    if isinstance(value, date):
        return value
    text = (value or "").strip()
    if not text:
        return local_today()
    try:
        if not text.isascii():
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(f"{label}格式不正确，应为 YYYY-MM-DD") from None


def clean_remark(value) -> str | None:
    text = (value or "").replace("\x00", "").strip() or None
    if text and len(text) > REMARK_LIMIT:
        raise ValidationFailed(f"备注不能超过 {REMARK_LIMIT} 个字")
    return text


def priced_lines(lines: list[LineInput], price_label: str) -> list[tuple[Product, Decimal, Decimal, Decimal]]:
    """(product, unit price, quantity, subtotal) per line; the first bad line is refused with its position."""
    if not lines:
        raise ValidationFailed("请至少添加一个产品")
    if len(lines) > MAX_LINES:
        raise ValidationFailed(f"一张单据最多 {MAX_LINES} 个产品")
    result, seen = [], set()
    for position, line in enumerate(lines, start=1):
        prefix = f"第 {position} 行："
        key = parse_record_id(line.product_id)
        product = db.session.get(Product, key) if key is not None else None
        if product is None:
            raise ValidationFailed(f"{prefix}请选择产品")
        if product.id in seen:
            raise ValidationFailed(f"{prefix}产品 {product.code} 重复，请合并为一行")
        seen.add(product.id)
        try:
            price = parse_amount(line.unit_price, price_label, default_zero=False)
            quantity = parse_quantity(line.quantity)
        except ValidationFailed as exc:
            raise ValidationFailed(prefix + exc.message) from None
        result.append((product, price, quantity, line_subtotal(price, quantity)))
    return result


def _fill_lines(doc, line_model, priced) -> None:
    doc.lines.clear()
    db.session.flush()
    for position, (product, price, quantity, subtotal) in enumerate(priced, start=1):
        doc.lines.append(line_model(position=position, product_id=product.id, product_code=product.code,
                                    product_name=product.name, product_spec=product.spec, product_unit=product.unit,
                                    unit_price=price, quantity=quantity, subtotal=subtotal))


def _purchase_amounts(purchase: Purchase, priced, data: DocumentInput) -> None:
    payable = round_money(sum((row[3] for row in priced), Decimal("0")))
    paid = parse_amount(data.paid, "实付金额")
    discount = parse_amount(data.discount, "优惠金额")
    if discount > payable:
        raise ValidationFailed("优惠金额不能大于应付金额")
    if paid + discount > payable:
        raise ValidationFailed("实付金额与优惠金额之和不能大于应付金额")
    purchase.payable, purchase.paid, purchase.discount = payable, paid, discount
    purchase.debt = round_money(payable - paid - discount)


def _apply(doc, data: DocumentInput, flow: DocumentType) -> None:
    is_purchase = flow is PURCHASE_FLOW
    supplier = _supplier(data.supplier_id)
    warehouse = pick_warehouse(data.warehouse_id, flow.label)
    day = parse_day(data.day, "收货日期" if is_purchase else "退货日期")
    remark = clean_remark(data.remark)
    priced = priced_lines(data.lines, "采购单价" if is_purchase else "退货单价")
    if is_purchase:
        _purchase_amounts(doc, priced, data)
        doc.received_on = day
    else:
        doc.total = round_money(sum((row[3] for row in priced), Decimal("0")))
        doc.returned_on = day
    doc.supplier_id, doc.warehouse_id, doc.remark = supplier.id, warehouse.id, remark
    _fill_lines(doc, PurchaseLine if is_purchase else PurchaseReturnLine, priced)


def notify_approvers(flow: DocumentType, doc, amount, actor) -> None:
    """短信通知审单人审核 (fig. 12-2): the 审核提醒 of 提醒设置 to everyone who may approve, when it is switched on."""
    from app.services.sms import notices

    notices.document_submitted(flow.code, doc.id, doc.number, amount, actor, f"{flow.code}.approve")


def create_document(flow: DocumentType, data: DocumentInput, actor, notify: bool = False):
    """A new pending 采购进货单 or 采购退货单, numbered JH/TH + yyyymmdd + 3 digits."""
    require_permission(flow, actor, "add")
    doc = flow.model(number=provisional_number(), status=PENDING, created_by_id=actor.id)
    _apply(doc, data, flow)
    db.session.add(doc)
    db.session.flush()
    doc.number = next_number(PREFIX[flow.code])
    flow.write_log(doc, actor, "新建", None, PENDING)
    db.session.flush()
    if notify:
        notify_approvers(flow, doc, doc.payable if flow is PURCHASE_FLOW else doc.total, actor)
    return doc


def require_permission(flow: DocumentType, actor, action: str) -> None:
    if not can(f"{flow.code}.{action}", actor):
        raise Forbidden("您没有执行此操作的权限")


def claim_pending(flow: DocumentType, doc, doing: str) -> None:
    """Lock the row and make sure it is still 待审核 (a crafted POST on an approved document ends here)."""
    db.session.flush()
    model = flow.model
    result = db.session.execute(update(model).where(model.id == doc.id, model.status == PENDING)
                                .values(updated_at=utcnow()).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.expire(doc)
        raise flow.refusal(doc, doing)


def update_document(flow: DocumentType, doc_id, data: DocumentInput, actor):
    doc = flow.get(doc_id, actor, "edit")
    flow.ensure("edit", doc, "修改")
    claim_pending(flow, doc, "修改")
    _apply(doc, data, flow)
    flow.write_log(doc, actor, "修改", None, None)
    db.session.flush()
    return doc


def delete_documents(flow: DocumentType, ids, actor) -> tuple[list[str], list[str]]:
    """Delete pending documents; returns (deleted numbers, refusal messages)."""
    require_permission(flow, actor, "delete")
    deleted, refused = [], []
    for raw in dict.fromkeys(ids):
        try:
            with db.session.begin_nested():
                doc = flow.get(raw, actor, "delete")
                flow.ensure("delete", doc, "删除")
                claim_pending(flow, doc, "删除")
                number = doc.number
                db.session.execute(delete(flow.model).where(flow.model.id == doc.id)
                                   .execution_options(synchronize_session=False))
                db.session.expunge(doc)
                deleted.append(number)
        except DomainError as exc:
            refused.append(exc.message)
    return deleted, refused


def purchase_input_from(doc: Purchase | PurchaseReturn) -> DocumentInput:
    """The form's starting values when editing."""
    is_purchase = isinstance(doc, Purchase)
    return DocumentInput(doc.supplier_id, doc.warehouse_id,
                         [LineInput(line.product_id, line.unit_price, line.quantity) for line in doc.lines],
                         doc.received_on if is_purchase else doc.returned_on,
                         doc.paid if is_purchase else None, doc.discount if is_purchase else None, doc.remark)


FLOW_OF = {"purchase": PURCHASE_FLOW, "purchase_return": RETURN_FLOW}
