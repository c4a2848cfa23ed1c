"""我的桌面: the home page with real counts of what the user may see."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user
from sqlalchemy import func, select

from app.extensions import db
from app.security.permissions import can
from app.security.scope import apply_scope
from models.accounts import Employee, LoginLog
from models.base import utcnow
from models.customers import Customer
from models.orders import OrderStatus, SalesOrder
from models.products import Product


@dataclass
class Card:
    label: str
    permission: str
    count: Callable[[], int]  # already limited to what the user may see
    endpoint: str
    hint: str


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _my_customers() -> int:
    return _count(select(Customer.id).where(Customer.owner_id == current_user.id))


def _pool_customers() -> int:
    return _count(select(Customer.id).where(Customer.owner_id.is_(None)))


def _pending_orders() -> int:
    query = select(SalesOrder.id).where(SalesOrder.status == OrderStatus.PENDING, SalesOrder.is_return.is_(False))
    return _count(apply_scope(query, SalesOrder.owner_id, current_user, "order"))


def _products_on_shelf() -> int:
    return _count(select(Product.id).where(Product.on_shelf.is_(True)))


def _active_accounts() -> int:
    return _count(select(Employee.id).where(Employee.is_enabled.is_(True)))


def _failed_logins_today() -> int:
    since = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    return _count(select(LoginLog.id).where(LoginLog.success.is_(False), LoginLog.created_at >= since))


# Every count is an indexed lookup (owner, status, flag), never a scan of a big table.
CARDS = [
    Card("我的客户", "customer.view", _my_customers, "my_customer.index_view", "客户管理 > 我的客户列表"),
    Card("公共客户池", "customer_pool.view", _pool_customers, "customer_pool.index_view", "客户管理 > 公共客户管理"),
    Card("等待审核订单", "order.view", _pending_orders, "order_pending.index_view", "订单管理 > 等待审核订单"),
    Card("在售产品", "product.view", _products_on_shelf, "product.index_view", "产品管理 > 产品信息管理"),
    Card("可用账号", "employee.view", _active_accounts, "employee.index_view", "系统设置 > 员工信息管理"),
    Card("今日登录失败", "login_log.view", _failed_logins_today, "login_log.index_view", "系统设置 > 系统登录日志"),
]


class HomeView(AdminIndexView):
    def is_accessible(self):
        return current_user.is_authenticated

    def inaccessible_callback(self, name, **kwargs):
        return redirect(url_for("auth.login", next=request.full_path))

    @expose("/")
    def index(self):
        return self.render("admin/home/index.html", cards=dashboard_cards(), recent_logins=recent_logins())


def dashboard_cards() -> list[dict]:
    return [{"label": card.label, "value": card.count(), "link": url_for(card.endpoint), "hint": card.hint}
            for card in CARDS if can(card.permission)]


def recent_logins():
    return db.session.scalars(
        select(LoginLog).where(LoginLog.employee_id == current_user.id, LoginLog.success.is_(True))
        .order_by(LoginLog.id.desc()).limit(5)
    ).all()
