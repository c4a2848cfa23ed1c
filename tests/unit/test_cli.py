"""The `flask crm` commands an administrator runs."""

from sqlalchemy import func, select

from models.accounts import Employee


def test_create_admin_refuses_a_weak_password_then_creates(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["crm", "create-admin", "--username", "boss", "--password", "boss"])
    assert result.exit_code != 0 and "密码至少需要 8 个字符" in result.output
    result = runner.invoke(args=["crm", "create-admin", "--username", "boss", "--password", "Boss#2026x"])
    assert result.exit_code == 0, result.output
    boss = db.session.scalar(select(Employee).where(Employee.username == "boss"))
    assert boss.role.is_superadmin
    result = runner.invoke(args=["crm", "create-admin", "--username", "boss", "--password", "Boss#2026x"])
    assert "已存在" in result.output
    assert db.session.scalar(select(func.count()).where(Employee.username == "boss")) == 1


def test_rebuild_order_sums_restores_lost_buckets(app, db):
    from models.orders import OrderDailySum
    from tests.order_factories import make_order

    make_order()
    db.session.commit()
    before = db.session.scalars(select(OrderDailySum)).all()
    expected = [(b.day, b.status, b.order_count, b.payable) for b in before]
    db.session.execute(OrderDailySum.__table__.delete())
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["crm", "rebuild-order-sums"])
    assert result.exit_code == 0, result.output
    assert f"已重算订单金额汇总：{len(expected)} 个日汇总" in result.output
    db.session.expire_all()
    after = [(b.day, b.status, b.order_count, b.payable) for b in db.session.scalars(select(OrderDailySum))]
    assert expected and after == expected


def test_demo_fills_customers_whose_follow_ups_search_and_contacts_hold_together(app, db):
    from app.services.customers.search import search_condition
    from models.customers import Customer, CustomerContact, FollowUp

    result = app.test_cli_runner().invoke(args=["crm", "demo", "--products", "20", "--employees", "4",
                                                "--customers", "300", "--follow-ups", "900"])
    assert result.exit_code == 0, result.output
    customers = db.session.scalar(select(func.count(Customer.id)))
    follow_ups = db.session.scalar(select(func.count(FollowUp.id)))
    assert f"客户：{customers}，联系记录：{follow_ups}" in result.output
    assert customers == 300 and 800 <= follow_ups <= 900
    latest = dict(db.session.execute(select(FollowUp.customer_id, func.max(FollowUp.contacted_at))
                                     .group_by(FollowUp.customer_id)).all())
    contacted = dict(db.session.execute(select(Customer.id, Customer.last_contact_at)
                                        .where(Customer.last_contact_at.is_not(None))).all())
    assert contacted == latest  # 最近一次联系 is the newest follow-up of each customer
    primary = db.session.scalar(select(func.count()).select_from(CustomerContact).where(CustomerContact.is_primary))
    assert primary == customers  # every demo customer has its 主联系人
    sample = db.session.scalar(select(Customer).where(Customer.name.like("%公司")).order_by(Customer.id.desc()).limit(1))
    for term in (sample.name[-6:-2], sample.pinyin[:4], sample.mobile[-4:]):
        found = db.session.scalars(select(Customer.id).where(search_condition(term))).all()
        assert sample.id in found, term


def test_demo_adds_orders_in_every_status_and_quotes_that_agree_with_the_totals(app, db):
    from app.services.orders.customer_totals import customer_totals
    from models.orders import OrderDailySum, OrderStatus, SalesOrder
    from models.quotes import Quote

    result = app.test_cli_runner().invoke(args=["crm", "demo", "--products", "20", "--employees", "4",
                                                "--customers", "50", "--follow-ups", "50", "--orders", "60",
                                                "--quotes", "8"])
    assert result.exit_code == 0, result.output
    assert "订单：60，报价单：8" in result.output
    assert db.session.scalar(select(func.count(Quote.id))) == 8
    statuses = set(db.session.scalars(select(SalesOrder.status).distinct()))
    assert {OrderStatus.PENDING, OrderStatus.PICKING, OrderStatus.COMPLETED} <= statuses
    assert db.session.scalar(select(func.count(SalesOrder.id)).where(SalesOrder.paid > 0)) > 0
    order = db.session.scalar(select(SalesOrder).where(SalesOrder.status == OrderStatus.COMPLETED).limit(1))
    counted = (OrderStatus.PICKING, OrderStatus.SHIPPED, OrderStatus.COMPLETED)
    expected = db.session.scalar(select(func.sum(SalesOrder.payable)).where(
        SalesOrder.customer_id == order.customer_id, SalesOrder.status.in_(counted)))
    assert customer_totals(order.customer_id)[0] == expected
    buckets = db.session.scalar(select(func.sum(OrderDailySum.order_count)))
    assert buckets == 60  # 订单金额汇总 follows every demo order


def test_demo_refuses_to_add_to_a_database_with_customers_unless_told_to(app, db):
    from models.customers import Customer

    runner = app.test_cli_runner()
    args = ["crm", "demo", "--products", "5", "--employees", "2", "--customers", "20", "--follow-ups", "20",
            "--orders", "5", "--quotes", "1"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "数据库里已有客户数据，演示数据未添加" in again.output
    assert db.session.scalar(select(func.count(Customer.id))) == 20
    more = runner.invoke(args=[*args, "--append"])
    assert more.exit_code == 0, more.output
    assert db.session.scalar(select(func.count(Customer.id))) == 40


def test_init_creates_a_postgresql_database_that_does_not_exist_yet(tmp_path):
    import os

    import pytest
    from sqlalchemy import create_engine, make_url, text

    from app.services.maintenance.databases import pg_drop_database
    from tests.conftest import make_test_app
    from tests.parallel import sibling_database_url

    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    url = make_url(sibling_database_url("fresh_init"))
    pg_drop_database(url, url.database)
    try:
        app = make_test_app(url.render_as_string(hide_password=False))
        result = app.test_cli_runner().invoke(args=["crm", "init"])
        assert result.exit_code == 0, result.output
        assert f"已创建数据库 {url.database}" in result.output and "管理员账号：admin" in result.output
        engine = create_engine(url)
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM employees")) == 1
        engine.dispose()
        with app.app_context():
            from app.extensions import db as app_db

            app_db.engine.dispose()
        again = app.test_cli_runner().invoke(args=["crm", "init"])  # idempotent: nothing created twice
        assert again.exit_code == 0 and "已创建数据库" not in again.output
        with app.app_context():
            app_db.engine.dispose()
    finally:
        pg_drop_database(url, url.database)
