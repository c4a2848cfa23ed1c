"""Defaults of a new installation (manual ch. 3), inserted only where missing: safe to run again."""

import secrets

from sqlalchemy import select

from app.extensions import db
from app.security.scope import set_role_scope
from app.services.accounts import hash_password
from app.services.customers.settings import ensure_settings
from app.services.inventory import flow as _inventory_flow  # noqa: F401  (registers the inventory codes)
from app.services.oa import MANAGER_PERMISSIONS, SCOPED_MODULES, STAFF_PERMISSIONS
from app.services.orders.seed import seed_print_templates
from app.services.sms.templates import seed_system_templates
from models.accounts import Employee, Role, RolePermission
from models.base_data import (
    ContactMethod,
    CustomerCategory,
    CustomerSource,
    Department,
    LogisticsCompany,
    Warehouse,
)
from models.enums import DataScope

CUSTOMER_CATEGORIES = ["潜在客户", "意向客户", "正式客户", "流失客户", "无意向客户"]
CUSTOMER_SOURCES = ["主动开拓", "搜索引擎", "媒体广告", "客户介绍", "展会", "电话营销", "网络推广", "其他"]
CONTACT_METHODS = ["电话", "电子邮件", "QQ", "微信", "短信", "上门拜访"]
DEPARTMENTS = {"总经办": [], "销售部": ["销售一部", "销售二部"], "技术部": [], "财务部": [],
               "售后服务部": [], "仓储部": []}
# Permission sets of the seeded sales roles; administrators adjust them in 分配权限.
SALES_REP = [
    "customer.view", "customer.add", "customer.edit", "my_customer.view", "my_customer.share",
    "my_customer.abandon", "customer_pool.view", "customer_pool.claim", "customer_share.view",
    "follow_up.view", "follow_up.add", "follow_up.edit", "follow_up_due.view", "customer_import.view",
    "customer_import.add", "order.view", "order.add", "order.edit", "order.delete", "order.pay", "order.print",
    "quote.view", "quote.add", "quote.edit", "quote.delete", "quote.print", "quote.convert", "product.view",
    "employee.view", "employee.edit", *STAFF_PERMISSIONS,
]
SALES_MANAGER = SALES_REP + [
    "customer.export", "customer.assign", "customer_pool.assign", "follow_up.export", "order.approve",
    "order.export", "quote.export", *MANAGER_PERMISSIONS,
]
SALES_DIRECTOR = SALES_MANAGER + [
    "customer.delete", "follow_up.delete", "order.ship", "order.complete", "order.cancel", "product.export",
]
SALES_DIRECTOR += ["stock.view"]  # 当前库存查询 / 库存流水查询, read only
# 仓储部: enters and approves 采购进货单, 采购退货单 and 库存盘点单, pays suppliers, reads the stock screens.
WAREHOUSE_KEEPER = [
    *(f"{screen}.{action}" for screen in ("purchase", "purchase_return", "stocktake")
      for action in ("view", "add", "edit", "delete", "export", "print", "approve")),
    "purchase.pay", "stock.view", "stock.export", "warehouse.view", "supplier.view", "supplier.add", "supplier.edit",
    "product.view", "employee.view", "employee.edit", *STAFF_PERMISSIONS,
]
# name -> (parent, department, description, permissions, data scope of record-owning screens)
ROLES = {
    "销售总监": (None, "销售部", "管理全部销售人员", SALES_DIRECTOR, DataScope.ALL),
    "销售一部经理": ("销售总监", "销售一部", "查看自己及下属的客户", SALES_MANAGER, DataScope.SUBORDINATES),
    "销售一部销售员": ("销售一部经理", "销售一部", "只查看自己的客户", SALES_REP, DataScope.SELF),
    "销售二部经理": ("销售总监", "销售二部", "查看自己及下属的客户", SALES_MANAGER, DataScope.SUBORDINATES),
    "销售二部销售员": ("销售二部经理", "销售二部", "只查看自己的客户", SALES_REP, DataScope.SELF),
    "仓库管理员": (None, "仓储部", "采购进货、采购退货、库存盘点与库存查询", WAREHOUSE_KEEPER, DataScope.SELF),
}
ADMIN_USERNAME = "admin"


def _ensure_named(model, names, default_first=False):
    existing = set(db.session.scalars(select(model.name)))
    has_default = hasattr(model, "is_default") and db.session.scalar(
        select(model.id).where(model.is_default.is_(True)))
    for order, name in enumerate(names, start=1):
        if name not in existing:
            row = model(name=name, sort_order=order)
            if default_first and order == 1 and not has_default:
                row.is_default = True
            db.session.add(row)


def seed_defaults() -> None:
    _ensure_named(CustomerCategory, CUSTOMER_CATEGORIES, default_first=True)
    _ensure_named(CustomerSource, CUSTOMER_SOURCES, default_first=True)
    _ensure_named(ContactMethod, CONTACT_METHODS)
    departments = {d.name: d for d in db.session.scalars(select(Department))}
    for order, (name, children) in enumerate(DEPARTMENTS.items(), start=1):
        parent = departments.get(name) or Department(name=name, sort_order=order)
        db.session.add(parent)
        departments[name] = parent
        for child_order, child in enumerate(children, start=1):
            if child not in departments:
                departments[child] = Department(name=child, parent=parent, sort_order=child_order)
                db.session.add(departments[child])
    if not db.session.scalar(select(Warehouse.id).limit(1)):
        db.session.add(Warehouse(name="默认仓库", is_enabled=True, is_default=True, sort_order=1))
    if not db.session.scalar(select(LogisticsCompany.id).where(LogisticsCompany.is_builtin.is_(True))):
        db.session.add(LogisticsCompany(name=LogisticsCompany.NO_SHIPPING_NAME, is_builtin=True,
                                        sort_order=11, operator_name="系统"))
    db.session.flush()
    _seed_roles(departments)
    seed_print_templates()
    ensure_settings()
    seed_system_templates()
    db.session.flush()


def _seed_roles(departments) -> None:
    roles = {r.name: r for r in db.session.scalars(select(Role))}
    if Role.SUPERADMIN_NAME not in roles:
        roles[Role.SUPERADMIN_NAME] = Role(name=Role.SUPERADMIN_NAME, description="拥有系统全部权限",
                                           is_superadmin=True, department=departments.get("总经办"))
        db.session.add(roles[Role.SUPERADMIN_NAME])
    for name, (parent, department, description, codes, scope) in ROLES.items():
        if name in roles:
            continue
        role = Role(name=name, description=description, parent=roles.get(parent),
                    department=departments.get(department))
        role.permissions = [RolePermission(code=code) for code in sorted(set(codes))]
        set_role_scope(role, "employee", DataScope.SELF)
        for module in ("customer", "order", *SCOPED_MODULES):
            set_role_scope(role, module, scope)
        db.session.add(role)
        roles[name] = role


def ensure_admin(password: str | None = None) -> tuple[Employee, str | None]:
    """Create the admin account once; returns (admin, password if it was just created)."""
    admin = db.session.scalar(select(Employee).where(Employee.username == ADMIN_USERNAME))
    if admin is not None:
        return admin, None
    password = password or secrets.token_urlsafe(9)
    superadmin = db.session.scalar(select(Role).where(Role.is_superadmin.is_(True)))
    admin = Employee(username=ADMIN_USERNAME, real_name="系统管理员", password_hash=hash_password(password),
                     role=superadmin, department=superadmin.department if superadmin else None)
    db.session.add(admin)
    db.session.flush()
    return admin, password
