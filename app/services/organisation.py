"""Roles, permission assignment and employees (manual 3.6, 3.7, 9.1-9.3)."""

from sqlalchemy import select, update

from app.extensions import db
from app.security.permissions import permissions_of, registry
from app.security.scope import descendant_role_ids, set_role_scope
from app.services.accounts import check_password_policy, hash_password
from app.services.base_data import check_parent, referencing_rows
from app.services.errors import Forbidden, ValidationFailed
from models.accounts import Employee, Role, RolePermission
from models.enums import DataScope


def guard_role_change(role: Role, original_name: str | None) -> None:
    if role.is_superadmin and original_name is not None and role.name != original_name:
        raise ValidationFailed("超级管理员角色不能改名")
    if role.is_superadmin and (role.parent is not None or role.parent_id is not None):
        raise ValidationFailed("超级管理员角色不能设置父角色")
    parent_id = role.parent.id if role.parent is not None else role.parent_id
    check_parent(role, parent_id, "父角色")


def guard_role_delete(role: Role) -> None:
    if role.is_superadmin:
        raise ValidationFailed("超级管理员角色不能删除")
    used_by = referencing_rows(role)
    if used_by == "员工":
        raise ValidationFailed(f"角色“{role.name}”仍有员工在使用，请先为这些员工更换角色再删除")
    if used_by:
        raise ValidationFailed(f"角色“{role.name}”下还有{used_by}角色，请先处理后再删除")


def assign_permissions(role: Role, codes: set[str], scopes: dict[str, str], actor: Employee) -> None:
    """Replace the role's permission codes and data scopes with what the 分配权限 page sent."""
    if role.is_superadmin:
        raise ValidationFailed("超级管理员始终拥有全部权限，无需分配")
    unknown = codes - registry.all_codes()
    if unknown:
        raise ValidationFailed(f"未知的权限：{', '.join(sorted(unknown))}")
    if actor.role is None or not actor.role.is_superadmin:
        if actor.role_id == role.id:
            raise Forbidden("不能修改自己所属角色的权限")
        beyond = codes - permissions_of(actor)
        if beyond:
            raise Forbidden("不能分配您自己没有的权限")
    scoped_modules = {screen.code for screen in registry.scoped_screens()}
    for module, value in scopes.items():
        if module not in scoped_modules:
            raise ValidationFailed(f"未知的数据范围模块：{module}")
        try:
            scope = DataScope(value)
        except ValueError:
            raise ValidationFailed("数据范围的取值不正确") from None
        set_role_scope(role, module, scope)
    role.permissions = [RolePermission(code=code) for code in sorted(codes)]
    db.session.flush()


def guard_role_assignment(employee: Employee, actor: Employee) -> None:
    """Only a superadmin may hand out 超级管理员 or edit a superadmin account."""
    if actor.role is not None and actor.role.is_superadmin:
        return
    role = employee.role or (db.session.get(Role, employee.role_id) if employee.role_id else None)
    if role is not None and role.is_superadmin:
        raise Forbidden("只有超级管理员可以分配超级管理员角色")


def guard_employee_change(employee: Employee, actor: Employee) -> None:
    """Rules for every save of an account by someone: no self-disabling, 超级管理员 only from a superadmin."""
    guard_role_assignment(employee, actor)
    if employee.id is not None and employee.id == actor.id and not employee.is_enabled:
        raise ValidationFailed("不能停用自己的账号")


def set_enabled(employee: Employee, enabled: bool, actor: Employee) -> None:
    """停用 / 启用 an account; a disabled account cannot log in and keeps its history."""
    employee.is_enabled = enabled
    guard_employee_change(employee, actor)
    db.session.flush()


def prepare_new_employee(employee: Employee, password: str) -> None:
    employee.username = (employee.username or "").strip()
    if not employee.username:
        raise ValidationFailed("用户名不能为空")
    check_password_policy(password, employee.username)
    with db.session.no_autoflush:  # the new row has no password hash yet
        exists = db.session.scalar(select(Employee.id).where(Employee.username == employee.username))
    if exists:
        raise ValidationFailed(f"用户名“{employee.username}”已存在")
    employee.password_hash = hash_password(password)


def guard_employee_delete(employee: Employee, actor: Employee) -> None:
    if employee.id == actor.id:
        raise ValidationFailed("不能删除自己的账号")
    used_by = referencing_rows(employee)
    if used_by:
        raise ValidationFailed(
            f"员工“{employee.real_name}”名下还有{used_by}，请先通过“客户转移”指派给其他员工，或将账号停用"
        )


def owner_columns():
    """Every column that records which employee owns a row (tables marked info={"owner_column": name})."""
    for table in db.metadata.sorted_tables:
        column_name = table.info.get("owner_column")
        if column_name:
            yield table, table.c[column_name]


def transfer_records(from_ids: list[int], to_employee: Employee) -> int:
    """客户转移: hand every record owned by the given employees to another employee."""
    if not to_employee.is_enabled:
        raise ValidationFailed("不能转移给已停用的员工")
    if to_employee.id in from_ids:
        raise ValidationFailed("不能转移给员工自己")
    moved = 0
    for table, column in owner_columns():
        if table.info.get("transfer") is False:
            continue  # what the employee wrote or did (工作日志, 考勤 ...) stays theirs
        result = db.session.execute(
            update(table).where(column.in_(from_ids)).values({column.name: to_employee.id})
        )
        moved += result.rowcount or 0
    db.session.flush()
    return moved


def subordinate_role_ids(role_id: int) -> set[int]:
    return descendant_role_ids(role_id)
