"""系统初始化: groups from the metadata, a preview with child tables, the confirmation, no orphans afterwards."""

import pytest
from sqlalchemy import func, select

from app.extensions import db as _db
from app.services.maintenance import backup, initialise
from app.services.maintenance.databases import MaintenanceError
from models.accounts import Employee, LoginLog
from models.customers import Customer, CustomerContact, FollowUp
from models.orders import SalesOrder, SalesOrderLine
from models.products import Product
from tests.helpers import ADMIN_PASSWORD, admin
from tests.maintenance.conftest import *  # noqa: F403
from tests.maintenance.data import build_business


def count(model):
    return _db.session.scalar(select(func.count()).select_from(model))


def fresh_backup():
    return backup.run_backup(backup.start_backup("manual", "系统管理员").name)


def test_groups_come_from_the_metadata(db):
    assert initialise.groups()[:5] == ["客户信息", "订单信息", "库存", "采购", "日志"]
    table = Product.__table__
    table.info["init_group"] = "产品"  # a module joins by declaring its group
    try:
        assert "产品" in initialise.groups()
    finally:
        del table.info["init_group"]


def test_preview_lists_child_tables_with_their_row_counts(db):
    build_business(3)
    rows = {row["table"]: row for row in initialise.preview(["客户信息"]) if not row.get("clear")}
    assert rows["customers"]["rows"] == 3
    assert rows["customer_contacts"]["rows"] == count(CustomerContact) >= 3
    assert rows["follow_ups"]["rows"] == 3
    # Orders refer to their customer (no cascade), so they are shown as going too, with their lines.
    assert rows["sales_orders"]["rows"] == 3 and rows["sales_order_lines"]["rows"] == count(SalesOrderLine)
    assert "引用了客户" in rows["sales_orders"]["reason"]
    assert "products" not in rows and "employees" not in rows


def test_initialise_wipes_the_chosen_groups_and_leaves_no_orphans(db, maintenance_dirs):
    build_business(4)
    products, employees = count(Product), count(Employee)
    fresh_backup()
    result = initialise.initialise(["订单信息", "日志"], admin(), ADMIN_PASSWORD, "初始化")
    _db.session.commit()
    assert result["sales_orders"] == (4, 0) and result["login_logs"][1] == 0
    assert count(SalesOrder) == 0 and count(LoginLog) == 0
    assert count(Customer) == 4 and count(FollowUp) == 4
    assert count(Product) == products and count(Employee) == employees
    assert initialise.orphans() == []

    result = initialise.initialise(["客户信息"], admin(), ADMIN_PASSWORD, "初始化")
    _db.session.commit()
    assert result["customers"] == (4, 0) and count(FollowUp) == 0 and count(CustomerContact) == 0
    assert initialise.orphans() == []


def test_customers_alone_take_their_orders_along_without_orphans(db, maintenance_dirs):
    build_business(2)
    fresh_backup()
    initialise.initialise(["客户信息"], admin(), ADMIN_PASSWORD, "初始化")
    _db.session.commit()
    assert count(SalesOrder) == 0 and count(SalesOrderLine) == 0
    assert initialise.orphans() == []


@pytest.mark.parametrize("password,typed", [("wrong", "初始化"), (ADMIN_PASSWORD, "初始"), ("", "")])
def test_wrong_confirmation_refuses_and_changes_nothing(db, maintenance_dirs, password, typed):
    build_business(2)
    fresh_backup()
    with pytest.raises(MaintenanceError):
        initialise.initialise(["客户信息"], admin(), password, typed)
    _db.session.rollback()
    assert count(Customer) == 2


def test_a_backup_of_the_last_hour_is_required(db, maintenance_dirs):
    build_business(1)
    with pytest.raises(MaintenanceError, match="必须先备份"):
        initialise.initialise(["客户信息"], admin(), ADMIN_PASSWORD, "初始化")
    with pytest.raises(MaintenanceError, match="请选择"):
        fresh_backup()
        initialise.initialise(["不存在的项目"], admin(), ADMIN_PASSWORD, "初始化")


def test_stock_and_purchases_are_wiped_without_orphans(db, maintenance_dirs):
    from models.inventory import Purchase, PurchaseLine, StockBalance, StockMovement, Stocktake
    from tests.inventory_factories import make_purchase, make_stocktake, product

    item = product()
    make_purchase([(item, 3, "10.00")], approve=True)
    make_stocktake()
    _db.session.commit()
    fresh_backup()
    initialise.initialise(["库存", "采购"], admin(), ADMIN_PASSWORD, "初始化")
    _db.session.commit()
    assert [count(m) for m in (StockBalance, StockMovement, Stocktake, Purchase, PurchaseLine)] == [0] * 5
    assert count(Product) >= 1 and initialise.orphans() == []
