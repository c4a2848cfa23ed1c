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
