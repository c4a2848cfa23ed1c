"""我的桌面: the home page with real counts of what the user may see."""

from flask_admin import AdminIndexView, expose
from flask_login import current_user
from sqlalchemy import func, select

from app.extensions import db
from app.security.permissions import can
from models.accounts import Employee, LoginLog
from models.base import utcnow
from models.products import Product


class HomeView(AdminIndexView):
    def is_accessible(self):
        return current_user.is_authenticated

    def inaccessible_callback(self, name, **kwargs):
        from flask import redirect, request, url_for

        return redirect(url_for("auth.login", next=request.full_path))

    @expose("/")
    def index(self):
        return self.render("admin/home/index.html", cards=dashboard_cards(), recent_logins=recent_logins())


def dashboard_cards() -> list[dict]:
    cards = []
    if can("product.view"):
        on_shelf = db.session.scalar(select(func.count(Product.id)).where(Product.on_shelf.is_(True)))
        total = db.session.scalar(select(func.count(Product.id)))
        cards.append({"label": "在售产品", "value": on_shelf, "hint": f"共 {total} 个产品"})
    if can("employee.view"):
        active = db.session.scalar(select(func.count(Employee.id)).where(Employee.is_enabled.is_(True)))
        cards.append({"label": "可用账号", "value": active, "hint": "系统设置 > 员工信息管理"})
    if can("login_log.view"):
        since = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
        failures = db.session.scalar(
            select(func.count(LoginLog.id)).where(LoginLog.success.is_(False), LoginLog.created_at >= since))
        cards.append({"label": "今日登录失败", "value": failures, "hint": "系统设置 > 系统登录日志"})
    return cards


def recent_logins():
    return db.session.scalars(
        select(LoginLog).where(LoginLog.employee_id == current_user.id, LoginLog.success.is_(True))
        .order_by(LoginLog.id.desc()).limit(5)
    ).all()
