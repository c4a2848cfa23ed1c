"""订单流程 (manual ch. 5) on the workflow engine: the shared table-driven cases plus the order's own rules."""

import pytest

from app.services.errors import ValidationFailed
from app.services.orders.payments import record_payment
from app.services.orders.workflow import ORDER_FLOW, transition
from models.orders import OrderStatus
from tests.helpers import admin
from tests.order_factories import make_customer, make_order
from tests.workflow_cases import WorkflowCases


class TestOrderWorkflow(WorkflowCases):
    flow = ORDER_FLOW
    expected = {
        ("approve", OrderStatus.PENDING): OrderStatus.PICKING,
        ("ship", OrderStatus.PICKING): OrderStatus.SHIPPED,
        ("complete", OrderStatus.SHIPPED): OrderStatus.COMPLETED,
        ("cancel", OrderStatus.PICKING): OrderStatus.CANCELLED,
    }

    def make(self, state, owner=None):
        owner = owner or admin()
        return make_order(customer=make_customer(owner=owner), status=state, actor=owner)


def test_the_labels_are_the_manuals():
    assert [s.label for s in ORDER_FLOW.steps.values()] == ["通过审核", "发货", "订单完成", "取消订单"]


def test_stamps_record_who_shipped_and_who_cancelled(db):
    shipped = make_order(status=OrderStatus.SHIPPED)
    cancelled = make_order(status=OrderStatus.CANCELLED)
    completed = make_order(status=OrderStatus.COMPLETED)
    assert shipped.shipped_by_id == admin().id and shipped.shipped_at is not None
    assert cancelled.cancelled_by_id == admin().id and cancelled.cancelled_at is not None
    assert completed.completed_at is not None and completed.approved_by_id == admin().id


EDITABLE = {OrderStatus.PENDING}
DELETABLE = {OrderStatus.PENDING, OrderStatus.PICKING, OrderStatus.COMPLETED, OrderStatus.CANCELLED}


@pytest.mark.parametrize("status", list(OrderStatus))
def test_what_each_status_allows_is_read_from_the_document_type(db, status):
    order = make_order(status=status, paid="0")
    assert ORDER_FLOW.allows("edit", order) == (status in EDITABLE)
    assert ORDER_FLOW.allows("delete", order) == (status in DELETABLE)  # 5.3: shipped orders stay
    assert ORDER_FLOW.allows("logistics", order) == (status == OrderStatus.PICKING)
    assert ORDER_FLOW.allows("pay", order) == (status != OrderStatus.CANCELLED)  # a fresh order owes it all
    assert ORDER_FLOW.allows("return", order) == (status in (OrderStatus.SHIPPED, OrderStatus.COMPLETED))
    if not ORDER_FLOW.allows("pay", order):
        with pytest.raises(ValidationFailed):
            record_payment(order, "1.00", None, "现金", None, admin())


def test_a_paid_up_order_and_a_return_take_no_payment_and_a_return_is_not_returned(db):
    paid = make_order(status=OrderStatus.SHIPPED, paid="660.00")
    assert paid.debt == 0 and not ORDER_FLOW.allows("pay", paid)
    returned = make_order(status=OrderStatus.SHIPPED, paid="0")
    returned.is_return = True
    assert not ORDER_FLOW.allows("return", returned)


def test_the_sums_rows_follow_a_transition(db):
    from app.services.orders import sums

    order = make_order()
    before = sums.bucket_sums((OrderStatus.PICKING,), False, None, None)
    transition(order, "approve", admin())
    after = sums.bucket_sums((OrderStatus.PICKING,), False, None, None)
    assert after["payable"] - before["payable"] == order.payable
