"""打印模板 of 采购进货单, 采购退货单 and 盘点单 (manual 12.1-12.3) on the order template engine
(app/services/orders/printing.py): their placeholders, the values of a document, example data and the defaults."""

from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import select

from app.extensions import db
from app.services.errors import NotFound
from app.timeutil import format_local
from models.base import utcnow
from models.inventory import Purchase, PurchaseReturn, Stocktake
from models.print_templates import TemplateKind

KINDS = (TemplateKind.PURCHASE, TemplateKind.PURCHASE_RETURN, TemplateKind.STOCKTAKE)

PURCHASE_FIELDS = {
    "DocCode": "单号", "DocDate": "收货日期", "SupplierName": "供应商", "SupplierContact": "供应商联系人",
    "SupplierPhone": "供应商电话", "Warehouse": "仓库", "CreatedBy": "经办人", "ApprovedBy": "审核人",
    "ApprovedAt": "审核时间", "Remark": "备注", "PrintDate": "打印日期", "TotalAmount": "应付金额（合计）",
    "TotalAmountUpper": "合计金额大写", "PaidAmount": "实付金额", "Discount": "优惠金额", "DebtAmount": "欠款金额",
}
RETURN_FIELDS = {
    "DocCode": "单号", "DocDate": "退货日期", "SupplierName": "供应商", "SupplierContact": "供应商联系人",
    "SupplierPhone": "供应商电话", "Warehouse": "仓库", "CreatedBy": "经办人", "ApprovedBy": "审核人",
    "ApprovedAt": "审核时间", "Remark": "备注", "PrintDate": "打印日期", "TotalAmount": "退货金额（合计）",
    "TotalAmountUpper": "合计金额大写",
}
STOCKTAKE_FIELDS = {
    "DocCode": "盘点单号", "DocDate": "盘点日期", "Warehouse": "盘点仓库", "CreatedBy": "经办人",
    "ApprovedBy": "审核人", "ApprovedAt": "审核时间", "Remark": "备注", "PrintDate": "打印日期",
    "MatchCount": "相符行数", "GainCount": "盘正行数", "LossCount": "盘负行数",
}
STOCKTAKE_LINE_FIELDS = {
    "RowNo": "序号", "ProductCode": "产品编号", "ProductName": "产品名称", "ProductSpec": "产品规格",
    "ProductUnit": "单位", "BookQuantity": "账面库存", "ActualQuantity": "实际库存", "Difference": "盘差数量",
    "Result": "盘点结果",
}
DOCUMENT_FIELDS = {TemplateKind.PURCHASE: ("采购进货单字段", PURCHASE_FIELDS),
                   TemplateKind.PURCHASE_RETURN: ("采购退货单字段", RETURN_FIELDS),
                   TemplateKind.STOCKTAKE: ("盘点单字段", STOCKTAKE_FIELDS)}
MODELS = {TemplateKind.PURCHASE: Purchase, TemplateKind.PURCHASE_RETURN: PurchaseReturn,
          TemplateKind.STOCKTAKE: Stocktake}


def placeholder_groups(kind: TemplateKind, line_fields: dict[str, str]) -> list[tuple[str, list[tuple[str, str]]]]:
    title, fields = DOCUMENT_FIELDS[kind]
    lines = STOCKTAKE_LINE_FIELDS if kind == TemplateKind.STOCKTAKE else line_fields
    return [(title, [(f"{{${name}$}}", label) for name, label in fields.items()]),
            ("产品明细字段", [(f"{{${name}$}}", label) for name, label in lines.items()])]


def _common(doc) -> dict[str, str]:
    return {"DocCode": doc.number, "Warehouse": doc.warehouse.name,
            "CreatedBy": doc.created_by.real_name if doc.created_by else "",
            "ApprovedBy": doc.approved_by.real_name if doc.approved_by else "",
            "ApprovedAt": format_local(doc.approved_at, "%Y-%m-%d %H:%M") if doc.approved_at else "",
            "Remark": doc.remark or "", "PrintDate": format_local(utcnow(), "%Y-%m-%d %H:%M")}


def document_values(doc) -> dict[str, str]:
    from app.services.orders.printing import amount_upper, money_text, short_amount

    if isinstance(doc, Stocktake):
        counts = {"相符": 0, "盘正": 0, "盘负": 0}
        for line in doc.lines:
            counts[line.result] += 1
        return {**_common(doc), "DocDate": format_local(doc.started_at, "%Y-%m-%d"),
                "MatchCount": str(counts["相符"]), "GainCount": str(counts["盘正"]), "LossCount": str(counts["盘负"])}
    supplier = doc.supplier
    values = {**_common(doc), "SupplierName": supplier.name, "SupplierContact": supplier.contact or "",
              "SupplierPhone": supplier.phone or ""}
    if isinstance(doc, Purchase):
        return {**values, "DocDate": doc.received_on.isoformat(), "TotalAmount": short_amount(doc.payable),
                "TotalAmountUpper": amount_upper(doc.payable), "PaidAmount": money_text(doc.paid),
                "Discount": money_text(doc.discount), "DebtAmount": money_text(doc.debt)}
    return {**values, "DocDate": doc.returned_on.isoformat(), "TotalAmount": short_amount(doc.total),
            "TotalAmountUpper": amount_upper(doc.total)}


def stocktake_line_values(lines) -> list[dict[str, str]]:
    from app.services.orders.printing import quantity_text

    return [{"RowNo": str(i), "ProductCode": line.product_code, "ProductName": line.product_name,
             "ProductSpec": line.product_spec or "", "ProductUnit": line.product_unit or "",
             "BookQuantity": quantity_text(line.book_quantity), "ActualQuantity": quantity_text(line.actual_quantity),
             "Difference": quantity_text(line.difference), "Result": line.result}
            for i, line in enumerate(lines, start=1)]


def line_rows(doc) -> list:
    """What the engine repeats per line: the lines themselves (price, quantity, subtotal) or a 盘点单's rows."""
    if isinstance(doc, Stocktake):
        return stocktake_line_values(doc.lines)
    return list(doc.lines)


def by_number(kind: TemplateKind, number: str, actor) -> tuple[dict[str, str], list, str]:
    """A real document for the editor's 预览, checked for permission and scope like its own page."""
    from app.services.inventory.flow import PURCHASE_FLOW, RETURN_FLOW, STOCKTAKE_FLOW

    flow = {TemplateKind.PURCHASE: PURCHASE_FLOW, TemplateKind.PURCHASE_RETURN: RETURN_FLOW,
            TemplateKind.STOCKTAKE: STOCKTAKE_FLOW}[kind]
    model = MODELS[kind]
    doc = db.session.scalar(select(model).where(model.number == number))
    if doc is None:
        raise NotFound(f"{kind.label}不存在或不在您的查看范围内")
    flow.ensure_access(doc, actor, "view")
    return document_values(doc), line_rows(doc), f"{kind.label} {doc.number}"


def sample_values(kind: TemplateKind) -> tuple[dict[str, str], list]:
    from app.services.orders.printing import amount_upper, short_amount

    common = {"Warehouse": "默认仓库", "CreatedBy": "超级管理员", "ApprovedBy": "超级管理员",
              "ApprovedAt": "2015-03-06 09:30", "Remark": "", "PrintDate": format_local(utcnow(), "%Y-%m-%d %H:%M")}
    if kind == TemplateKind.STOCKTAKE:
        book = (Decimal("9"), Decimal("10"))
        actual = (Decimal("10"), Decimal("6"))
        rows = [SimpleNamespace(product_code=code, product_name=name, product_spec="100ml", product_unit="瓶",
                                book_quantity=b, actual_quantity=a, difference=a - b,
                                result="相符" if a == b else "盘正" if a > b else "盘负")
                for code, name, b, a in (("30", "热灸油", book[0], actual[0]), ("63", "奖状机械", book[1], actual[1]))]
        return {**common, "DocCode": "PD2015030600001", "DocDate": "2015-03-06", "MatchCount": "0",
                "GainCount": "1", "LossCount": "1"}, stocktake_line_values(rows)
    lines = [SimpleNamespace(product_code="30", product_name="蛋白糖100倍", product_spec="25KG/袋", product_unit="KG",
                             unit_price=Decimal("40.00"), quantity=Decimal("3"), subtotal=Decimal("120.00")),
             SimpleNamespace(product_code="63", product_name="栀子黄色素", product_spec="1*25/桶", product_unit="KG",
                             unit_price=Decimal("180.00"), quantity=Decimal("3"), subtotal=Decimal("540.00"))]
    total = Decimal("660.00")
    values = {**common, "SupplierName": "石家庄食品添加剂有限公司", "SupplierContact": "王经理",
              "SupplierPhone": "0311-86000000", "TotalAmount": short_amount(total),
              "TotalAmountUpper": amount_upper(total)}
    if kind == TemplateKind.PURCHASE:
        return {**values, "DocCode": "JH2015030600001", "DocDate": "2015-03-06", "PaidAmount": "600.00",
                "Discount": "0.00", "DebtAmount": "60.00"}, lines
    return {**values, "DocCode": "TH2015030600001", "DocDate": "2015-03-06"}, lines
