"""系统设置: 员工信息管理, 系统角色管理 (with 分配权限), 系统登录日志 (manual 3.6, 3.7, 9.1-9.4)."""

from flask import abort, flash, g, redirect, request
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import BooleanEqualFilter, FilterLike, IntEqualFilter
from flask_login import current_user
from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length, Optional

from admin_views.base import CrmModelView, format_bool, format_datetime, lazy_options
from admin_views.base_data import CRUD, TreeListMixin
from admin_views.filters import LocalDateBetweenFilter
from admin_views.input import parse_id
from admin_views.oa_journals import EMPLOYEE_WORKLOG_LINK, LinkRowAction
from admin_views.quick_filters import filtered_list_url, quick_filters
from admin_views.row_actions import PageRowAction, PostRowAction
from admin_views.transactions import committed
from app.extensions import db
from app.security.permissions import ACTION_LABELS, Screen, permissions_of, registry
from app.security.scope import scope_of
from app.services import organisation
from app.services.accounts import change_password
from app.services.errors import ValidationFailed
from models.accounts import Employee, LoginLog, Role
from models.enums import DataScope


class RoleView(TreeListMixin, CrmModelView):
    screen = Screen("role", "系统角色管理", "系统设置", CRUD + ("permission",))
    parent_label = "父角色"
    page_row_actions = (PageRowAction(".permissions_view", "分配权限", "permission", id_arg="role_id"),)
    column_list = ("name", "description", "department", "parent")
    column_labels = {"name": "角色名称", "description": "角色描述", "department": "所属部门", "parent": "父角色"}
    column_searchable_list = ("name",)
    column_filters = (IntEqualFilter(Role.department_id, "所属部门",
                                  options=lazy_options(lambda: [(str(d.id), d.name) for d in _departments()])),)
    form_columns = ("name", "description", "department", "parent")
    form_args = {
        "name": {"validators": [DataRequired("角色名称不能为空"), Length(max=50, message="角色名称不能超过 50 个字")]},
        "description": {"validators": [Optional(), Length(max=200, message="角色描述不能超过 200 个字")]},
    }

    def __init__(self, *args, **kwargs):
        self.column_formatters = {"name": self._format_tree_name}
        super().__init__(*args, **kwargs)

    def on_model_change(self, form, model, is_created):
        organisation.guard_role_change(model, None if is_created else _persisted_name(model), current_user)

    def on_model_delete(self, model):
        organisation.guard_role_delete(model, current_user)

    @expose("/permissions/<int:role_id>", methods=["GET", "POST"])
    def permissions_view(self, role_id):
        self.require("permission")
        role = db.session.get(Role, role_id) or abort(404)
        if request.method == "POST":
            codes = set(request.form.getlist("perm"))
            scopes = {key[len("scope_"):]: value for key, value in request.form.items()
                      if key.startswith("scope_")}
            with committed(f"角色“{role.name}”的权限已保存") as outcome:
                organisation.assign_permissions(role, codes, scopes, current_user)
            if not outcome.failed:
                return redirect(self.get_url(".index_view"))
            role = db.session.get(Role, role_id)
        held = {p.code for p in role.permissions}
        scopes = {row.module: row.scope.value for row in role.data_scopes}
        return self.render("admin/crm/role_permissions.html", role=role, tree=registry.tree(),
                           held=held, scopes=scopes, action_labels=ACTION_LABELS,
                           scope_choices=list(DataScope))


def _persisted_name(model):
    history = inspect(model).attrs.name.history
    return history.deleted[0] if history.deleted else model.name


def _departments():
    from models.base_data import Department

    return db.session.scalars(select(Department).order_by(Department.sort_order, Department.id)).all()


def _roles():
    return db.session.scalars(select(Role).order_by(Role.id)).all()


class EmployeeView(CrmModelView):
    screen = Screen("employee", "员工信息管理", "系统设置",
                    CRUD + ("export", "password", "transfer"), scoped=True)
    scope_module = "employee"
    owner_attr = "id"  # an employee "owns" their own account row
    export_filename = "员工信息"
    column_list = ("username", "real_name", "department", "role", "office_phone", "mobile",
                   "created_at", "is_enabled")
    column_labels = {"username": "用户名", "real_name": "真实姓名", "department": "所属部门",
                     "role": "所属角色", "office_phone": "办公电话", "mobile": "手机号码",
                     "email": "电子邮箱", "created_at": "添加时间", "is_enabled": "可用状态",
                     "password": "初始密码"}
    column_searchable_list = ("username", "real_name", "mobile")
    column_sortable_list = ("username", "real_name", "created_at")
    column_default_sort = ("id", False)
    column_filters = (
        IntEqualFilter(Employee.department_id, "所属部门",
                    options=lazy_options(lambda: [(str(d.id), d.name) for d in _departments()])),
        IntEqualFilter(Employee.role_id, "所属角色", options=lazy_options(lambda: [(str(r.id), r.name) for r in _roles()])),
        BooleanEqualFilter(Employee.is_enabled, "可用状态"),
    )
    column_formatters = {"created_at": format_datetime, "is_enabled": lambda v, c, m, n: "✓ 可用" if m.is_enabled else "停用"}
    column_formatters_export = {"is_enabled": format_bool}
    column_export_list = ("username", "real_name", "department", "role", "office_phone", "mobile",
                          "email", "created_at", "is_enabled")
    form_columns = ("username", "real_name", "password", "department", "role", "office_phone",
                    "mobile", "email", "is_enabled")
    form_extra_fields = {"password": PasswordField("初始密码")}
    form_args = {
        "username": {"validators": [DataRequired("用户名不能为空"), Length(max=50, message="用户名不能超过 50 个字符")]},
        "real_name": {"validators": [DataRequired("真实姓名不能为空"), Length(max=50, message="真实姓名不能超过 50 个字")]},
        "office_phone": {"validators": [Optional(), Length(max=50, message="办公电话不能超过 50 个字符")]},
        "mobile": {"validators": [Optional(), Length(max=50, message="手机号码不能超过 50 个字符")]},
        "email": {"validators": [Optional(), Length(max=100, message="电子邮箱不能超过 100 个字符")]},
        "role": {"validators": [DataRequired("请选择所属角色")]},
        "is_enabled": {"label": "可用状态", "default": True},
    }
    post_row_actions = (
        PostRowAction("disable", "停用", "edit", confirm="停用后该账号将无法登录，确定停用吗？",
                      visible=lambda row: row.is_enabled, css="btn-outline-warning"),
        PostRowAction("enable", "启用", "edit", visible=lambda row: not row.is_enabled,
                      css="btn-outline-success"),
    )
    list_template = "admin/crm/employee_list.html"
    page_row_actions = (
        PageRowAction(".permissions_view", "员工权限", "view", id_arg="employee_id"),
        PageRowAction(".password_view", "修改密码", "password", id_arg="employee_id"),
        EMPLOYEE_WORKLOG_LINK,
        LinkRowAction("客户列表", "customer.view",  # 3.7: the customers this employee is 客服专员 of
                      lambda employee_id: filtered_list_url("customer", "客服专员", employee_id)),
    )

    def get_query(self):
        return super().get_query().options(joinedload(Employee.role), joinedload(Employee.department))

    def create_model(self, form):
        organisation.roles_below(current_user)
        return super().create_model(form)

    def create_form(self, obj=None):
        return self._offer_manageable_roles(super().create_form(obj), None)

    def _offer_manageable_roles(self, form, keep_role_id):
        """Non-superadmins are offered only the roles they may hand out (the service enforces it)."""
        below = organisation.roles_below(current_user)
        if below is not None and hasattr(form, "role"):
            allowed = below | ({keep_role_id} if keep_role_id else set())
            form.role.query = db.session.scalars(
                select(Role).where(Role.id.in_(sorted(allowed))).order_by(Role.id)).all()
        return form

    def edit_form(self, obj=None):
        form = self._offer_manageable_roles(super().edit_form(obj), obj.role_id if obj is not None else None)
        del form.username  # 用户名 is never editable after creation (manual 3.7)
        del form.password
        if self._only_self() and not self._is_admin():
            # Staff who may only see themselves edit their contact details, not their role or status.
            for name in ("department", "role", "is_enabled"):
                delattr(form, name)
        return form

    def _only_self(self):
        return scope_of(current_user, "employee") is DataScope.SELF

    def _is_admin(self):
        return current_user.role is not None and current_user.role.is_superadmin

    def update_model(self, form, model):
        if "username" in request.form and request.form["username"] != model.username:
            flash("用户名不允许修改", "error")
            return False
        g.employee_stored_role_id = model.role_id  # before the form is applied to the row
        organisation.roles_below(current_user)  # the actor's authority as stored, before the form
        return super().update_model(form, model)

    def on_model_change(self, form, model, is_created):
        if is_created:
            organisation.prepare_new_employee(model, form.password.data or "")
        if is_created:
            organisation.guard_employee_change(model, current_user, None)
        else:
            organisation.guard_employee_change(model, current_user, g.employee_stored_role_id)

    def on_model_delete(self, model):
        organisation.guard_employee_delete(model, current_user)

    def do_disable(self, obj):
        organisation.set_enabled(obj, False, current_user)
        return f"账号“{obj.username}”已停用，将无法再登录系统"

    def do_enable(self, obj):
        organisation.set_enabled(obj, True, current_user)
        return f"账号“{obj.username}”已启用"

    @expose("/permissions/<int:employee_id>")
    def permissions_view(self, employee_id):
        """员工权限: what the employee's role lets them do, read-only (manual 3.7)."""
        employee = self.get_one(str(employee_id))
        held = permissions_of(employee)
        scopes = {screen.code: scope_of(employee, screen.code).label for screen in registry.scoped_screens()}
        return self.render("admin/crm/employee_permissions.html", employee=employee, tree=registry.tree(),
                           held=held, scopes=scopes, action_labels=ACTION_LABELS)

    @expose("/password/<int:employee_id>", methods=["GET", "POST"])
    def password_view(self, employee_id):
        """修改密码 by an administrator (no old password needed)."""
        self.require("password")
        employee = self.get_one(str(employee_id))
        organisation_error = None
        if request.method == "POST":
            with committed(f"已修改“{employee.real_name}”的密码", flash_error=False) as outcome:
                organisation.guard_account_access(employee, current_user, employee.role_id)
                if request.form.get("new_password") != request.form.get("confirm_password"):
                    raise ValidationFailed("两次输入的新密码不一致")
                change_password(employee, request.form.get("new_password", ""))
            if not outcome.failed:
                return redirect(self.get_url(".index_view"))
            organisation_error = outcome.error
        return self.render("admin/crm/password.html", employee=employee, error=organisation_error,
                           need_old=False)

    @action("transfer", "客户转移", None)
    def action_transfer(self, ids):
        """Bulk 客户转移: the chosen employees' records go to the target employee."""
        self.require("transfer")
        target_id = parse_id(request.form.get("target_id"))
        target = db.session.get(Employee, target_id) if target_id else None
        if target is None:
            flash("请选择要转移给的员工", "error")
            return redirect(self.get_url(".index_view"))
        source_ids = [self.get_one(i).id for i in ids]
        with committed() as outcome:
            moved = organisation.transfer_records(source_ids, target)
            outcome.message = f"已将 {moved} 条记录转移给“{target.real_name}”"
        return redirect(self.get_url(".index_view"))

    action_permissions = {"transfer": "transfer"}

    def render(self, template, **kwargs):
        if template == self.list_template:
            kwargs["quick_filters"] = quick_filters(self, ("所属部门",))
            kwargs["transfer_targets"] = db.session.scalars(
                select(Employee).where(Employee.is_enabled.is_(True)).order_by(Employee.id)).all()
        return super().render(template, **kwargs)


class LoginLogView(CrmModelView):
    screen = Screen("login_log", "系统登录日志", "系统设置", ("view", "export"))
    export_filename = "系统登录日志"
    can_view_details = False
    column_list = ("created_at", "username", "ip", "success", "reason", "user_agent")
    column_labels = {"created_at": "登录时间", "username": "用户名", "ip": "IP 地址", "success": "结果",
                     "reason": "失败原因", "user_agent": "浏览器"}
    column_searchable_list = ("username", "ip")
    column_sortable_list = ("created_at", "username", "ip")
    column_default_sort = ("id", True)
    column_filters = (
        FilterLike(LoginLog.username, "用户名"),
        LocalDateBetweenFilter(LoginLog.created_at, "登录日期"),
        BooleanEqualFilter(LoginLog.success, "登录成功"),
    )
    column_formatters = {"created_at": format_datetime,
                         "success": lambda v, c, m, n: "成功" if m.success else "失败"}
    column_formatters_export = dict(column_formatters)

    @property
    def can_create(self):
        return False

    @property
    def can_edit(self):
        return False

    @property
    def can_delete(self):
        return False

