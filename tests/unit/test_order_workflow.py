"""订单流程 (manual ch. 5): one transition table, every step logged, wrong states and users refused."""

import threading

import pytest
from sqlalchemy import func, select

from app.services.errors import DomainError, Forbidden, NotFound, ValidationFailed
from app.services.orders.workflow import TRANSITIONS, transition, transition_many
from models.accounts import Employee
from models.orders import OrderLog, OrderStatus, SalesOrder
from tests.helpers import admin, make_employee, make_role
from tests.order_factories import make_customer, make_order

ALLOWED = {
    ("approve", OrderStatus.PENDING): OrderStatus.PICKING,
    ("ship", OrderStatus.PICKING): OrderStatus.SHIPPED,
    ("complete", OrderStatus.SHIPPED): OrderStatus.COMPLETED,
    ("cancel", OrderStatus.PICKING): OrderStatus.CANCELLED,
}
ALL_CASES = [(name, status) for name in TRANSITIONS for status in OrderStatus]


def test_the_table_is_the_manual_flow():
    assert {(t.name, t.source): t.target for t in TRANSITIONS.values()} == ALLOWED
    assert [t.title for t in TRANSITIONS.values()] == ["通过审核", "发货", "订单完成", "取消订单"]


@pytest.mark.parametrize(("name", "status"), [c for c in ALL_CASES if c in ALLOWED])
def test_allowed_transition_changes_status_and_logs_who_when_from_to(db, name, status):
    order = make_order(status=status)
    transition(order, name, admin(), note="备注说明")
    db.session.commit()
    assert order.status == ALLOWED[(name, status)]
    last = db.session.scalars(select(OrderLog).where(OrderLog.order_id == order.id).order_by(OrderLog.id.desc())).first()
    assert (last.action, last.from_status, last.to_status) == (TRANSITIONS[name].title, status.value,
                                                               ALLOWED[(name, status)].value)
    assert last.employee_id == admin().id and last.created_at is not None and last.note == "备注说明"


@pytest.mark.parametrize(("name", "status"), [c for c in ALL_CASES if c not in ALLOWED])
def test_forbidden_transition_is_refused_with_the_current_state_and_changes_nothing(db, name, status):
    order = make_order(status=status)
    db.session.commit()
    logs_before = db.session.scalar(select(func.count(OrderLog.id)).where(OrderLog.order_id == order.id))
    with pytest.raises(ValidationFailed) as refused:
        transition(order, name, admin())
    db.session.rollback()
    assert f"当前状态为“{status.label}”，不能{TRANSITIONS[name].title}" in refused.value.message
    db.session.refresh(order)
    assert order.status == status
    assert db.session.scalar(select(func.count(OrderLog.id)).where(OrderLog.order_id == order.id)) == logs_before


def test_stamps_record_who_shipped_and_who_cancelled(db):
    shipped = make_order(status=OrderStatus.SHIPPED)
    cancelled = make_order(status=OrderStatus.CANCELLED)
    completed = make_order(status=OrderStatus.COMPLETED)
    assert shipped.shipped_by_id == admin().id and shipped.shipped_at is not None
    assert cancelled.cancelled_by_id == admin().id and cancelled.cancelled_at is not None
    assert completed.completed_at is not None and completed.approved_by_id == admin().id


def test_permission_is_checked_before_anything(db):
    clerk = make_employee("clerk", role=make_role("下单员", ["order.view", "order.add"], scopes={"order": "all"}))
    order = make_order()
    with pytest.raises(Forbidden):
        transition(order, "approve", clerk)
    assert order.status == OrderStatus.PENDING


def test_an_order_outside_the_data_scope_does_not_exist_for_the_user(db):
    role = make_role("审核员", ["order.view", "order.approve"], scopes={"order": "self"})
    checker = make_employee("checker", role=role)
    order = make_order()  # owned by admin
    with pytest.raises(NotFound):
        transition(order, "approve", checker)
    own = make_order(customer=make_customer(owner=admin()), actor=admin(), owner_id=checker.id)
    transition(own, "approve", checker)
    assert own.status == OrderStatus.PICKING


def test_bulk_approval_is_all_or_nothing(db):
    pending = [make_order() for _ in range(2)]
    already = make_order(status=OrderStatus.PICKING)
    db.session.commit()
    with pytest.raises(ValidationFailed) as refused:
        transition_many(pending + [already], "approve", admin())
    db.session.rollback()
    assert already.number in refused.value.message
    assert [db.session.get(SalesOrder, o.id).status for o in pending] == [OrderStatus.PENDING] * 2
    assert transition_many(pending, "approve", admin()) == 2


def test_two_users_approving_the_same_order_at_once_exactly_one_succeeds(app, db):
    order = make_order()
    db.session.commit()
    order_id, admin_id = order.id, admin().id
    barrier = threading.Barrier(2)
    results = []

    def approve():
        with app.app_context():
            actor = db.session.get(Employee, admin_id)
            stale = db.session.get(SalesOrder, order_id)
            assert stale.status == OrderStatus.PENDING  # both read 等待审核 before either writes
            barrier.wait()
            try:
                transition(stale, "approve", actor)
                db.session.commit()
                results.append("ok")
            except DomainError as exc:
                db.session.rollback()
                results.append(exc.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results.count("ok") == 1 and len(results) == 2, results
    assert "不能通过审核" in next(r for r in results if r != "ok")
    db.session.expire_all()
    approvals = db.session.scalar(select(func.count(OrderLog.id)).where(OrderLog.order_id == order_id,
                                                                       OrderLog.action == "通过审核"))
    assert approvals == 1
    assert db.session.get(SalesOrder, order_id).status == OrderStatus.PICKING


@pytest.mark.parametrize(("name", "status"), ALL_CASES)
def test_row_buttons_ask_the_same_table_that_transition_enforces(db, name, status):
    """can_take (which shows 通过审核/发货/订单完成/取消订单 and 物流) agrees with transition() for every pair."""
    from app.services.orders.workflow import can_take

    order = make_order(status=status)
    assert can_take(order, name) == ((name, status) in ALLOWED)
    if not can_take(order, name):
        with pytest.raises(ValidationFailed):
            transition(order, name, admin())


@pytest.mark.parametrize("status", list(OrderStatus))
def test_payment_and_return_buttons_follow_the_services(db, status):
    from app.services.orders.payments import accepts_payment, record_payment
    from app.services.orders.returns import accepts_return

    order = make_order(status=status, paid="0")
    assert accepts_payment(order) == (status != OrderStatus.CANCELLED)  # a fresh order owes its whole amount
    assert accepts_return(order) == (status in (OrderStatus.SHIPPED, OrderStatus.COMPLETED))
    if not accepts_payment(order):
        with pytest.raises(ValidationFailed):
            record_payment(order, "1.00", None, "现金", None, admin())
