"""采购进货单, 采购退货单 and 库存盘点单 as documents of the workflow engine (manual 12.1-12.3).

Each has one step, 待审核 -(通过审核)-> 已审核, and approval posts the stock in the same transaction
(the after-hooks below): a posting that fails undoes the approval. Only pending documents may be edited
or deleted; approved ones are corrected by a stocktake (12.1.2), and a purchase with 欠款 may be paid.
The documents are not owned per employee (the manual gives 库存管理 no 数据范围): who holds the screen's
permission sees every document, and a crafted or unknown id is 404.
"""

from app.services.inventory import screens  # noqa: F401  (registers the screens before the steps' codes)
from app.services.workflow import ACTOR, NOW, Change, DocumentType, Step, When
from models.inventory import (
    InventoryStatus,
    Purchase,
    PurchaseLog,
    PurchaseReturn,
    PurchaseReturnLog,
    Stocktake,
    StocktakeLog,
)

PENDING, APPROVED = InventoryStatus.PENDING, InventoryStatus.APPROVED
APPROVE_STAMPS = {"approved_at": NOW, "approved_by_id": ACTOR}


def _post_purchase(change: Change) -> None:
    from app.services.inventory import postings

    postings.post_purchase(change.doc, change.actor)


def _post_return(change: Change) -> None:
    from app.services.inventory import postings

    postings.post_purchase_return(change.doc, change.actor)


def _post_stocktake(change: Change) -> None:
    from app.services.inventory import postings

    postings.post_stocktake(change.doc, change.actor)


def _warehouse_enabled(change: Change) -> None:
    from app.services.inventory.documents import ensure_warehouse_enabled

    ensure_warehouse_enabled(change.doc.warehouse, change.doc_type.label)



PURCHASE_FLOW = DocumentType(
    code="purchase", label="采购单", screen_label="采购进货管理", module="库存管理", model=Purchase, log=PurchaseLog,
    log_key="purchase_id", states=InventoryStatus, owner_column=None,
    transitions=[
        Step("approve", {PENDING}, APPROVED, "purchase.approve", "通过审核",
             confirm="审核后库存将增加且采购单不能再修改，确定通过审核吗？", done="采购单 {number} 已通过审核，库存已增加",
             stamps=APPROVE_STAMPS, style="success"),
    ],
    capabilities={"edit": {PENDING}, "delete": {PENDING}, "pay": When({APPROVED}, lambda doc: doc.debt > 0),
                  "print": {APPROVED}},
    guards={"approve": [_warehouse_enabled]},
    after={"approve": [_post_purchase]},
)

RETURN_FLOW = DocumentType(
    code="purchase_return", label="采购退货单", screen_label="采购退货管理", module="库存管理", model=PurchaseReturn,
    log=PurchaseReturnLog, log_key="return_id", states=InventoryStatus, owner_column=None,
    transitions=[
        Step("approve", {PENDING}, APPROVED, "purchase_return.approve", "通过审核",
             confirm="审核后退货产品的库存将减少且退货单不能再修改，确定通过审核吗？",
             done="采购退货单 {number} 已通过审核，库存已减少", stamps=APPROVE_STAMPS, style="success"),
    ],
    capabilities={"edit": {PENDING}, "delete": {PENDING}, "print": {APPROVED}},
    guards={"approve": [_warehouse_enabled]},
    after={"approve": [_post_return]},
)

STOCKTAKE_FLOW = DocumentType(
    code="stocktake", label="盘点单", screen_label="库存盘点管理", module="库存管理", model=Stocktake, log=StocktakeLog,
    log_key="stocktake_id", states=InventoryStatus, owner_column=None,
    transitions=[
        Step("approve", {PENDING}, APPROVED, "stocktake.approve", "通过审核",
             confirm="审核后盘点差异将计入库存且盘点单不能再修改或删除，确定通过审核吗？",
             done="盘点单 {number} 已通过审核，库存已按盘点结果修正", stamps=APPROVE_STAMPS, style="success"),
    ],
    capabilities={"edit": {PENDING}, "delete": {PENDING}, "print": {PENDING, APPROVED}},
    guards={"approve": [_warehouse_enabled]},
    after={"approve": [_post_stocktake]},
)

FLOWS = {flow.code: flow for flow in (PURCHASE_FLOW, RETURN_FLOW, STOCKTAKE_FLOW)}
