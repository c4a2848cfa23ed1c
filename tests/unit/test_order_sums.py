"""订单金额汇总 buckets stay equal to the orders they summarise after every kind of change."""

from decimal import Decimal

from sqlalchemy import delete, func, select

from app.services.orders import payments, returns, sums
from app.services.orders.orders import delete_order, update_order
from app.services.orders.workflow import transition
from models.orders import OrderDailySum, OrderOwnerDailySum, OrderStatus, SalesOrder
from tests.helpers import admin, make_employee
from tests.order_factories import make_customer, make_order, make_product, order_input

AMOUNTS = ("payable", "paid", "freight", "debt")


def direct(db):
    rows = {}
    for status in OrderStatus:
        for is_return in (False, True):
            row = dict(zip(AMOUNTS, [Decimal(v) for v in db.session.execute(
                select(*[func.coalesce(func.sum(getattr(SalesOrder, a)), 0) for a in AMOUNTS])
                .where(SalesOrder.status == status, SalesOrder.is_return.is_(is_return))).one()], strict=True))
            rows[(status, is_return)] = {k: v.quantize(Decimal("0.01")) for k, v in row.items()}
    return rows


def buckets():
    return {(status, is_return): sums.bucket_sums((status,), is_return)
            for status in OrderStatus for is_return in (False, True)}


def test_buckets_follow_create_edit_transitions_payments_returns_and_deletes(db):
    customer = make_customer()
    product = make_product(price="100")
    a = make_order(customer, [(product, "2", None)], paid="50", freight="10")
    b = make_order(customer, [(product, "1", None)], status=OrderStatus.PICKING)
    c = make_order(customer, [(product, "5", None)], status=OrderStatus.COMPLETED, paid="100")
    assert buckets() == direct(db)
    update_order(a, order_input(customer, [(product, "3", "99.99")], paid="20", freight="5"), admin())
    payments.record_payment(b, "30.55", None, "现金", None, admin())
    payments.record_payment(c, "400", None, "现金", None, admin())
    transition(a, "approve", admin())
    transition(b, "cancel", admin())
    back = returns.create_return(order_input(customer, [(product, "2", None)], paid="200"), admin(), c.id)
    transition(back, "approve", admin())
    assert buckets() == direct(db)
    delete_order(b, admin())
    assert buckets() == direct(db)
    assert db.session.scalar(select(func.sum(OrderDailySum.order_count))) == db.session.scalar(
        select(func.count(SalesOrder.id)))


def test_rebuild_recomputes_the_same_buckets(db):
    customer = make_customer()
    for status in OrderStatus:
        make_order(customer, [(make_product(price="12.34"), "3", None)], status=status, paid="7.01")
    before = buckets()
    db.session.execute(delete(OrderDailySum))
    assert sums.rebuild() == len(OrderStatus)
    assert buckets() == before == direct(db)


def direct_per_owner(db):
    """Every order grouped by 下单客服, status and sales/return, as the owner rollup must hold it."""
    rows = db.session.execute(
        select(SalesOrder.owner_id, SalesOrder.status, SalesOrder.is_return, func.count(),
               *[func.coalesce(func.sum(getattr(SalesOrder, a)), 0) for a in ("payable", "paid", "debt")])
        .group_by(SalesOrder.owner_id, SalesOrder.status, SalesOrder.is_return)).all()
    return {(r[0], str(r[1]), bool(r[2])): (r[3], *[Decimal(v).quantize(Decimal("0.01")) for v in r[4:]])
            for r in rows}


def owner_buckets(db):
    rows = db.session.execute(
        select(OrderOwnerDailySum.owner_id, OrderOwnerDailySum.status, OrderOwnerDailySum.is_return,
               func.sum(OrderOwnerDailySum.order_count),
               *[func.sum(getattr(OrderOwnerDailySum, a)) for a in ("payable", "paid", "debt")])
        .group_by(OrderOwnerDailySum.owner_id, OrderOwnerDailySum.status, OrderOwnerDailySum.is_return)).all()
    return {(r[0], r[1], bool(r[2])): (r[3], *[Decimal(v).quantize(Decimal("0.01")) for v in r[4:]])
            for r in rows if r[3] or any(r[4:])}


def test_owner_buckets_follow_every_change_including_a_new_owner(db):
    customer = make_customer()
    product = make_product(price="100")
    other = make_employee("lisi_sums")
    a = make_order(customer, [(product, "2", None)], paid="50")
    b = make_order(customer, [(product, "1", None)], status=OrderStatus.PICKING, owner_id=other.id)
    c = make_order(customer, [(product, "5", None)], status=OrderStatus.COMPLETED, paid="100")
    assert owner_buckets(db) == direct_per_owner(db)
    update_order(a, order_input(customer, [(product, "3", "99.99")], paid="20", owner_id=other.id), admin())
    payments.record_payment(b, "30.55", None, "现金", None, admin())
    transition(a, "approve", admin())
    back = returns.create_return(order_input(customer, [(product, "2", None)], paid="200"), admin(), c.id)
    transition(back, "approve", admin())
    assert owner_buckets(db) == direct_per_owner(db)
    transition(b, "cancel", admin())
    delete_order(make_order(customer, [(product, "1", None)], owner_id=other.id), admin())
    assert owner_buckets(db) == direct_per_owner(db)
    db.session.execute(delete(OrderOwnerDailySum))
    sums.rebuild()
    assert owner_buckets(db) == direct_per_owner(db)


def test_fill_missing_rebuilds_an_empty_owner_rollup_once(db):
    """A database upgraded past 0019 has orders but no owner rows: `crm init` fills them, then leaves them be."""
    customer = make_customer()
    for status in (OrderStatus.PENDING, OrderStatus.COMPLETED):
        make_order(customer, [(make_product(price="9.90"), "2", None)], status=status, paid="3.00")
    expected = owner_buckets(db)
    db.session.execute(delete(OrderOwnerDailySum))
    assert owner_buckets(db) == {}
    assert sums.fill_missing() is True
    assert owner_buckets(db) == expected == direct_per_owner(db)
    assert sums.fill_missing() is False  # both rollups hold rows: nothing to do


def test_fill_missing_does_nothing_without_orders(db):
    assert db.session.scalar(select(func.count(SalesOrder.id))) == 0
    assert sums.fill_missing() is False
