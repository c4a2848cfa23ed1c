"""Creating and editing orders, 回款, 物流, 退货, the customer's totals and 订单审核提醒."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.services.errors import ValidationFailed
from app.services.orders import logistics, payments, returns
from app.services.orders.customer_totals import customer_totals
from app.services.orders.lines import LineInput
from app.services.orders.orders import OrderInput, create_order, delete_order, update_order
from app.services.orders.workflow import transition
from models.base_data import LogisticsCompany, Warehouse
from models.orders import OrderLog, OrderStatus, Payment, SalesOrder
from models.reminders import Reminder
from tests.helpers import admin, make_employee, make_role
from tests.order_factories import make_customer, make_order, make_product, order_input

D = Decimal


def test_new_order_gets_an_xs_number_server_totals_and_a_pending_log(db):
    order = make_order(paid="100", freight="10", discount="10")
    assert order.number.startswith("XS") and len(order.number) == 15
    assert (order.product_total, order.payable, order.paid, order.debt) == (D("660.00"), D("660.00"), D("100.00"),
                                                                            D("560.00"))
    assert [(line.product_name, line.unit_price, line.subtotal) for line in order.lines] == [
        ("蛋白糖100倍", D("40.00"), D("120.00")), ("栀子黄色素", D("180.00"), D("540.00"))]  # empty price -> product price
    assert order.status == OrderStatus.PENDING and order.owner_id == admin().id
    assert order.warehouse_id == db.session.scalar(select(Warehouse.id).where(Warehouse.is_default.is_(True)))
    assert [(log.action, log.to_status) for log in order.logs] == [("提交订单", "pending")]


def test_off_shelf_product_is_refused_and_nothing_is_saved(db):
    off = make_product("停产产品", on_shelf=False)
    with pytest.raises(ValidationFailed, match="第 2 行：产品“停产产品”已下架"):
        make_order(lines=[(make_product(), "1", None), (off, "1", None)])
    db.session.rollback()
    assert db.session.scalar(select(SalesOrder.id)) is None


def test_customer_outside_the_scope_cannot_be_ordered_for(db):
    seller = make_employee("seller", role=make_role("销售", ["order.add"], scopes={"customer": "self"}))
    other = make_customer("别人的客户", owner=admin())
    with pytest.raises(ValidationFailed, match="客户不存在或不在您的查看范围内"):
        make_order(customer=other, actor=seller)


def test_only_pending_orders_can_be_edited(db):
    order = make_order()
    product = make_product("新产品", "10.00")
    update_order(order, order_input(order.customer, [(product, "2.5", "12.34")], paid="0"), admin())
    assert order.payable == D("30.85") and len(order.lines) == 1
    assert order.logs[-1].action == "修改订单"
    for status in (OrderStatus.PICKING, OrderStatus.SHIPPED, OrderStatus.COMPLETED, OrderStatus.CANCELLED):
        locked = make_order(status=status)
        before = (locked.payable, [line.quantity for line in locked.lines])
        with pytest.raises(ValidationFailed, match="审核通过后的订单不能修改"):
            update_order(locked, order_input(locked.customer, [(product, "99", None)]), admin())
        assert (locked.payable, [line.quantity for line in locked.lines]) == before


def test_editing_keeps_payments_on_top_of_the_paid_at_order_time(db):
    order = make_order(paid="100")
    payments.record_payment(order, "60", None, "现金", None, admin())
    update_order(order, order_input(order.customer, [(make_product(price="500"), "1", None)], paid="100"), admin())
    assert (order.payable, order.paid, order.debt) == (D("500.00"), D("160.00"), D("340.00"))


@pytest.mark.parametrize(("status", "deletable"), [
    (OrderStatus.PENDING, True), (OrderStatus.PICKING, True), (OrderStatus.SHIPPED, False),
    (OrderStatus.COMPLETED, False), (OrderStatus.CANCELLED, True)])  # completed: its 销售出库 is posted
def test_delete_follows_the_manual_per_status(db, status, deletable):
    order = make_order(status=status)
    if deletable:
        delete_order(order, admin())
        assert db.session.get(SalesOrder, order.id) is None
    else:
        with pytest.raises(ValidationFailed, match="不能删除"):
            delete_order(order, admin())


def test_payments_must_be_positive_and_at_most_the_debt(db):
    order = make_order(paid="600")  # debt 60
    for amount, message in (("0", "回款金额必须大于 0"), ("-5", "不能为负数"), ("60.01", "不能大于欠款金额"),
                            ("1.001", "最多保留两位小数"), ("", "不能为空")):
        with pytest.raises(ValidationFailed, match=message):
            payments.record_payment(order, amount, None, "现金", None, admin())
    payments.record_payment(order, "20.50", None, "银行转账", "第一笔", admin())
    payments.record_payment(order, "39.50", None, "现金", None, admin())
    assert (order.paid, order.debt) == (D("660.00"), D("0.00"))
    with pytest.raises(ValidationFailed, match="没有欠款"):
        payments.record_payment(order, "1", None, "现金", None, admin())
    assert [p.amount for p in db.session.scalars(select(Payment).order_by(Payment.id))] == [D("20.50"), D("39.50")]
    assert [log.action for log in order.logs].count("回款") == 2


def test_cancelled_orders_take_no_payment(db):
    order = make_order(status=OrderStatus.CANCELLED)
    with pytest.raises(ValidationFailed, match="已取消的订单不能回款"):
        payments.record_payment(order, "1", None, "现金", None, admin())


def test_no_shipping_generates_an_lp_number_and_save_and_ship_ships(db):
    order = make_order(status=OrderStatus.PICKING)
    builtin = db.session.scalar(select(LogisticsCompany).where(LogisticsCompany.is_builtin.is_(True)))
    logistics.save_logistics(order, builtin.id, "", "尽快", admin())
    number = order.tracking_number
    assert number.startswith("LP") and len(number) == 12 and number[2:].isdigit()
    assert order.status == OrderStatus.PICKING
    logistics.save_logistics(order, builtin.id, "", "尽快", admin(), ship=True)
    assert order.tracking_number == number  # kept, not renumbered
    assert order.status == OrderStatus.SHIPPED and order.shipped_by_id == admin().id


def test_logistics_only_while_picking(db):
    order = make_order()
    with pytest.raises(ValidationFailed, match="只有正在配货的订单可以设置物流"):
        logistics.save_logistics(order, None, None, None, admin())


def test_customer_totals_count_every_order_but_pending_and_cancelled_and_subtract_returns(db):
    customer = make_customer()
    product = make_product(price="100")
    make_order(customer, [(product, "1", None)])  # 等待审核: not counted
    make_order(customer, [(product, "2", None)], status=OrderStatus.CANCELLED)
    picking = make_order(customer, [(product, "3", None)], status=OrderStatus.PICKING, paid="100")
    shipped = make_order(customer, [(product, "4", None)], status=OrderStatus.SHIPPED, paid="400")
    assert customer_totals(customer.id) == (D("700.00"), D("200.00"))
    payments.record_payment(picking, "50", None, "现金", None, admin())
    assert customer_totals(customer.id) == (D("700.00"), D("150.00"))
    back = returns.create_return(order_input(customer, [(product, "1", None)], paid="100"), admin(), shipped.id)
    assert (back.payable, back.paid, back.is_return, back.original_order_id) == (D("-100.00"), D("-100.00"), True,
                                                                                shipped.id)
    assert customer_totals(customer.id) == (D("700.00"), D("150.00"))  # still 等待审核
    transition(back, "approve", admin())
    assert customer_totals(customer.id) == (D("600.00"), D("150.00"))


def test_returns_are_limited_to_the_original_quantities(db):
    customer = make_customer()
    product, other = make_product(price="10"), make_product("别的", price="5")
    original = make_order(customer, [(product, "3", None)], status=OrderStatus.COMPLETED)
    returns.create_return(order_input(customer, [(product, "2", None)]), admin(), original.id)
    with pytest.raises(ValidationFailed, match="最多还可退 1"):
        returns.create_return(order_input(customer, [(product, "1.5", None)]), admin(), original.id)
    with pytest.raises(ValidationFailed, match="不在原订单"):
        returns.create_return(order_input(customer, [(other, "1", None)]), admin(), original.id)
    pending = make_order(customer, [(product, "1", None)])
    with pytest.raises(ValidationFailed, match="只有已发货或已完成的订单可以退货"):
        returns.create_return(order_input(customer, [(product, "1", None)]), admin(), pending.id)


def test_submitting_an_order_reminds_every_approver_who_can_see_it(db):
    approvers = make_role("审核员", ["order.view", "order.approve"], scopes={"order": "all"})
    blind = make_role("只看自己的审核员", ["order.view", "order.approve"], scopes={"order": "self"})
    clerks = make_role("下单员", ["order.view", "order.add"], scopes={"order": "self", "customer": "all"})
    checker, narrow = make_employee("checker", role=approvers), make_employee("narrow", role=blind)
    clerk = make_employee("clerk", role=clerks)
    order = make_order(actor=clerk, lines=[(make_product(), "1", None)])
    reminded = set(db.session.scalars(select(Reminder.employee_id).where(Reminder.subject_key == f"order:{order.id}")))
    assert reminded == {checker.id, admin().id}  # superadmin included, self-scoped approver cannot see it
    assert narrow.id not in reminded
    reminder = db.session.scalar(select(Reminder).where(Reminder.employee_id == checker.id))
    assert order.number in reminder.title and reminder.link == f"/order/{order.id}"


def test_a_line_without_product_is_refused_with_its_row_number(db):
    data = OrderInput(make_customer().id, [LineInput(make_product().id, "1"), LineInput("", "1")])
    with pytest.raises(ValidationFailed, match="第 2 行：请选择产品"):
        create_order(data, admin())
    assert db.session.scalar(select(OrderLog.id)) is None


def test_quick_view_with_debt_and_the_registered_customer_extensions(db):
    import admin_views.orders_customer  # noqa: F401  (registers the tabs, amounts and quick view)
    from app.services import customer_extensions
    from models.customers import Customer

    owing, settled, pending_only = make_customer("欠款客户"), make_customer("已结清客户"), make_customer("待审核客户")
    make_order(owing, [(make_product(price="10"), "1", None)], status=OrderStatus.SHIPPED)
    make_order(settled, [(make_product(price="10"), "1", None)], status=OrderStatus.SHIPPED, paid="10")
    make_order(pending_only, [(make_product(price="10"), "1", None)])
    condition = customer_extensions.quick_view("debt").condition_fn()
    assert list(db.session.scalars(select(Customer.name).where(condition))) == ["欠款客户"]
    fields = {f.label: f.fn(owing) for f in customer_extensions.summary_fields()}
    assert fields["销售总额"] == D("10.00") and fields["欠款总额"] == D("10.00")
    assert {t.key: t.label for t in customer_extensions.detail_tabs()}.items() >= {
        "orders": "订单历史", "quotes": "销售报价"}.items()
