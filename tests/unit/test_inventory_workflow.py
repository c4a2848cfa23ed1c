"""采购进货单, 采购退货单 and 库存盘点单 on the workflow engine: the shared cases, edits, deletes and 付款."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.services.errors import Forbidden, ValidationFailed
from app.services.inventory.documents import delete_documents, update_document
from app.services.inventory.flow import PURCHASE_FLOW, RETURN_FLOW, STOCKTAKE_FLOW
from app.services.inventory.payments import pay_purchase
from app.services.inventory.stocktakes import save_counts
from app.services.workflow import advance
from models.inventory import Purchase, PurchaseLog, StockMovement
from tests.helpers import admin, make_employee, make_role
from tests.inventory_factories import (
    APPROVED,
    PENDING,
    approve,
    make_purchase,
    make_return,
    make_stocktake,
    product,
    purchase_input,
)
from tests.workflow_cases import WorkflowCases


class UnscopedCases(WorkflowCases):
    """Inventory documents have no 数据范围 (the manual gives 库存管理 none): only crafted ids are 'not found'."""

    def test_a_document_outside_the_data_scope_does_not_exist_for_the_user(self, db, step_name):
        role = make_role(f"库管-{step_name}", [f"{self.flow.code}.view", self.flow.step(step_name).permission])
        clerk = make_employee(f"clerk-{step_name}", role=role)
        doc = self.make(PENDING)
        db.session.commit()
        result = advance(self.flow, [doc.id, "abc", "9" * 30, "\x00", "99999999"], step_name, clerk)
        db.session.commit()
        assert result.count == 1 and len(result.refused) == 4
        assert all("不存在或不在您的查看范围内" in r.message for r in result.refused)


class TestPurchaseWorkflow(UnscopedCases):
    flow = PURCHASE_FLOW
    expected = {("approve", PENDING): APPROVED}

    def make(self, state, owner=None):
        return make_purchase([(product(), 2, "10.00")], approve=state == APPROVED)


class TestPurchaseReturnWorkflow(UnscopedCases):
    flow = RETURN_FLOW
    expected = {("approve", PENDING): APPROVED}

    def make(self, state, owner=None):
        return make_return([(product(), 1, "10.00")], approve=state == APPROVED)


class TestStocktakeWorkflow(UnscopedCases):
    flow = STOCKTAKE_FLOW
    expected = {("approve", PENDING): APPROVED}

    def make(self, state, owner=None):
        product()
        sheet = make_stocktake()
        if state == APPROVED:
            approve(STOCKTAKE_FLOW, sheet)
        return sheet


def test_purchase_numbers_amounts_and_log(db):
    item = product()
    doc = make_purchase([(item, 1000, "15.00"), (product("奖状机械"), 10, "16000.00")], paid="5000", discount="0.5")
    assert doc.number.startswith("JH") and len(doc.number) == 13
    assert (doc.payable, doc.paid, doc.discount, doc.debt) == (Decimal("175000.00"), Decimal("5000.00"),
                                                                Decimal("0.50"), Decimal("169999.50"))
    assert [line.subtotal for line in doc.lines] == [Decimal("15000.00"), Decimal("160000.00")]
    assert make_return([(item, 1, "15.00")]).number.startswith("TH")
    assert make_stocktake().number.startswith("PD")
    actions = [row.action for row in db.session.scalars(select(PurchaseLog).where(PurchaseLog.purchase_id == doc.id))]
    assert actions == ["新建"]


@pytest.mark.parametrize("fields, message", [
    ({"paid": "200"}, "实付金额与优惠金额之和不能大于应付金额"), ({"discount": "101"}, "优惠金额不能大于应付金额"),
    ({"paid": "1.234"}, "最多保留两位小数"), ({"day": "2026-13-01"}, "收货日期格式不正确"),
    ({"remark": "长" * 501}, "备注不能超过"),
])
def test_purchase_amount_rules(db, fields, message):
    with pytest.raises(ValidationFailed, match=message):
        make_purchase([(product(), 1, "100.00")], **fields)
    assert db.session.scalar(select(Purchase.id)) is None


def test_duplicate_and_unknown_products_refused(db):
    item = product()
    with pytest.raises(ValidationFailed, match="第 2 行：产品 .* 重复"):
        make_purchase([(item, 1, "1.00"), (item, 2, "1.00")])
    with pytest.raises(ValidationFailed, match="请至少添加一个产品"):
        make_purchase([])


def test_only_pending_purchases_can_be_edited_or_deleted(db):
    item = product()
    doc = make_purchase([(item, 1, "10.00")])
    update_document(PURCHASE_FLOW, doc.id, purchase_input([(item, 3, "12.00")]), admin())
    assert (doc.lines[0].quantity, doc.payable) == (Decimal("3.000"), Decimal("36.00"))
    approve(PURCHASE_FLOW, doc)
    db.session.commit()
    with pytest.raises(ValidationFailed, match="当前状态为“已审核”，不能修改"):
        update_document(PURCHASE_FLOW, doc.id, purchase_input([(item, 99, "1.00")]), admin())
    db.session.rollback()
    deleted, refused = delete_documents(PURCHASE_FLOW, [doc.id, "x"], admin())
    assert deleted == [] and len(refused) == 2
    assert db.session.get(Purchase, doc.id).lines[0].quantity == Decimal("3.000")
    pending = make_purchase([(item, 1, "10.00")])
    deleted, refused = delete_documents(PURCHASE_FLOW, [pending.id], admin())
    assert deleted == [pending.number] and refused == []
    assert db.session.get(Purchase, pending.id) is None


def test_payment_rules(db):
    doc = make_purchase([(product(), 2, "50.00")], paid="10")
    with pytest.raises(ValidationFailed, match="尚未审核"):
        pay_purchase(doc.id, "10", None, None, admin())
    approve(PURCHASE_FLOW, doc)
    for amount, message in (("0", "必须大于 0"), ("-1", "不能为负数"), ("90.01", "不能大于欠款金额"),
                            ("1.001", "最多保留两位小数"), ("abc", "格式不正确")):
        with pytest.raises(ValidationFailed, match=message):
            pay_purchase(doc.id, amount, None, None, admin())
    pay_purchase(doc.id, "40", "2026-12-01", "转账", admin())
    pay_purchase(doc.id, "50", None, None, admin())
    assert (doc.paid, doc.debt) == (Decimal("100.00"), Decimal("0.00"))
    assert not PURCHASE_FLOW.allows("pay", doc)
    with pytest.raises(ValidationFailed, match="没有欠款"):
        pay_purchase(doc.id, "1", None, None, admin())


def test_payment_needs_the_permission(db):
    doc = make_purchase([(product(), 2, "50.00")], approve=True)
    clerk = make_employee("viewer", role=make_role("只看采购", ["purchase.view"]))
    with pytest.raises(Forbidden):
        pay_purchase(doc.id, "1", None, None, clerk)


def test_approved_stocktake_cannot_be_edited_or_deleted(db):
    item = product()
    sheet = make_stocktake()
    line = next(line for line in sheet.lines if line.product_id == item.id)
    with pytest.raises(ValidationFailed, match="实际库存不能为负数"):
        save_counts(sheet.id, {line.id: "-1"}, admin())
    with pytest.raises(ValidationFailed, match="不属于该盘点单"):
        save_counts(sheet.id, {"999999": "1"}, admin())
    approve(STOCKTAKE_FLOW, sheet)
    db.session.commit()
    with pytest.raises(ValidationFailed, match="不能修改"):
        save_counts(sheet.id, {line.id: "5"}, admin())
    db.session.rollback()
    deleted, refused = delete_documents(STOCKTAKE_FLOW, [sheet.id], admin())
    assert deleted == [] and "不能删除" in refused[0]


def test_a_failing_posting_undoes_the_approval(db, monkeypatch):
    from app.services.inventory import postings

    doc = make_purchase([(product(), 2, "50.00")])
    db.session.commit()

    def broken(*args, **kwargs):
        raise ValidationFailed("库存过账失败")

    monkeypatch.setattr(postings, "post_lines", broken)
    result = advance(PURCHASE_FLOW, [doc.id], "approve", admin())
    db.session.commit()
    assert result.count == 0 and result.refused[0].message == "库存过账失败"
    db.session.expire_all()
    assert db.session.get(Purchase, doc.id).status == PENDING
    assert db.session.scalar(select(StockMovement.id)) is None
