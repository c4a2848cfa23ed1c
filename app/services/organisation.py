"""Roles, permission assignment and employees (manual 3.6, 3.7, 9.1-9.3)."""

from flask import g, has_app_context
from sqlalchemy import select, update

from app.extensions import db
from app.security.permissions import permissions_of, registry
from app.security.scope import descendant_role_ids, scope_of, set_role_scope
from app.services.accounts import check_password_policy, hash_password
from app.services.base_data import check_parent, referencing_rows
from app.services.errors import Forbidden, ValidationFailed
from models.accounts import Employee, Role, RolePermission
from models.enums import DataScope

SCOPE_WIDTH = {DataScope.SELF: 0, DataScope.SUBORDINATES: 1, DataScope.ALL: 2}
NOT_BELOW = "只能管理比您的角色更低的角色"
ROLE_TOO_HIGH = "只能分配比您的角色更低的角色"
ACCOUNT_TOO_HIGH = "只能管理角色比您低的员工账号"
SUPERADMIN_ACCOUNT = "只有超级管理员可以修改超级管理员账号"


def _authority(actor: Employee) -> tuple[bool, set[int] | None]:
    """(is superadmin, role ids strictly below the actor's role), as stored when first asked.

    Cached for the request: when staff edit their own account the actor *is* the edited row, and
    the submitted role must not count as the authority that approves it.
    """
    cache = g.setdefault("role_authority", {}) if has_app_context() else {}
    if actor.id not in cache:
        with db.session.no_autoflush:
            role_id = db.session.scalar(select(Employee.role_id).where(Employee.id == actor.id))
            role = db.session.get(Role, role_id) if role_id is not None else None
            if role is not None and role.is_superadmin:
                cache[actor.id] = (True, None)
            else:
                cache[actor.id] = (False, descendant_role_ids(role_id) if role_id is not None else set())
    return cache[actor.id]


def is_superadmin(actor: Employee) -> bool:
    return _authority(actor)[0]


def roles_below(actor: Employee) -> set[int] | None:
    """Role ids a non-superadmin may manage: those strictly below their own role. None: every role."""
    return _authority(actor)[1]


def _role(role_id: int | None) -> Role | None:
    return db.session.get(Role, role_id) if role_id is not None else None


def guard_role_scope(parent_id: int | None, original_id: int | None, actor: Employee) -> None:
    """A non-superadmin edits only roles below their own and keeps them there."""
    below = roles_below(actor)
    if below is None:
        return
    if original_id is not None and original_id not in below:
        raise Forbidden(NOT_BELOW)
    own_role_id = db.session.scalar(select(Employee.role_id).where(Employee.id == actor.id))
    if parent_id is None or (parent_id != own_role_id and parent_id not in below):
        raise Forbidden("新角色必须位于您的角色之下，请选择您的角色或其下级角色作为父角色")


def guard_role_change(role: Role, original_name: str | None, actor: Employee | None = None) -> None:
    """original_name is None for a new role."""
    with db.session.no_autoflush:  # a new role must not get an id (and look like an edit) here
        # The relationship is what the form set; parent_id is stale until the flush.
        parent_id = role.parent.id if role.parent is not None else None
        if actor is not None:
            guard_role_scope(parent_id, None if original_name is None else role.id, actor)
    if role.is_superadmin and original_name is not None and role.name != original_name:
        raise ValidationFailed("超级管理员角色不能改名")
    if role.is_superadmin and (role.parent is not None or role.parent_id is not None):
        raise ValidationFailed("超级管理员角色不能设置父角色")
    check_parent(role, parent_id, "父角色")


def guard_role_delete(role: Role, actor: Employee | None = None) -> None:
    if role.is_superadmin:
        raise ValidationFailed("超级管理员角色不能删除")
    below = roles_below(actor) if actor is not None else None
    if below is not None and role.id not in below:
        raise Forbidden(NOT_BELOW)
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
    if not is_superadmin(actor):
        if actor.role_id == role.id:
            raise Forbidden("不能修改自己所属角色的权限")
        beyond = codes - permissions_of(actor)
        if beyond:
            raise Forbidden("不能分配您自己没有的权限")
        if role.id not in roles_below(actor):
            raise Forbidden(NOT_BELOW)
    scoped_modules = {screen.code for screen in registry.scoped_screens()}
    for module, value in scopes.items():
        if module not in scoped_modules:
            raise ValidationFailed(f"未知的数据范围模块：{module}")
        try:
            scope = DataScope(value)
        except ValueError:
            raise ValidationFailed("数据范围的取值不正确") from None
        if not is_superadmin(actor) and SCOPE_WIDTH[scope] > SCOPE_WIDTH[scope_of(actor, module)]:
            raise Forbidden("不能授予比您自己更大的数据范围")
        set_role_scope(role, module, scope)
    role.permissions = [RolePermission(code=code) for code in sorted(codes)]
    db.session.flush()


def guard_account_access(employee: Employee, actor: Employee, stored_role_id: int | None) -> None:
    """Before any change to an account (edit, 停用, 修改密码, delete): superadmin accounts only by a
    superadmin; others only on their own account or accounts whose role lies strictly below theirs.

    stored_role_id is the account's role before this request's changes (the view reads it before the
    form is applied).
    """
    below = roles_below(actor)
    if below is None or employee.id is None:
        return
    role_id = stored_role_id
    stored = _role(role_id)
    if stored is not None and stored.is_superadmin:
        raise Forbidden(SUPERADMIN_ACCOUNT)
    if employee.id == actor.id or role_id is None or role_id in below:
        return
    raise Forbidden(ACCOUNT_TOO_HIGH)


def guard_role_assignment(employee: Employee, actor: Employee, stored_role_id: int | None) -> None:
    """Only a superadmin hands out 超级管理员; others only roles strictly below their own. A role that
    was not changed may stay (an employee keeps their role while editing their phone number)."""
    below = roles_below(actor)
    if below is None:
        return
    role = employee.role or _role(employee.role_id)
    role_id = role.id if role is not None else None
    if employee.id is not None and role_id == stored_role_id:
        return
    if role is not None and role.is_superadmin:
        raise Forbidden("只有超级管理员可以分配超级管理员角色")
    if role_id is not None and role_id not in below:
        raise Forbidden(ROLE_TOO_HIGH)


_CURRENT = object()


def guard_employee_change(employee: Employee, actor: Employee, stored_role_id=_CURRENT) -> None:
    """Rules for every save of an account by someone: no self-disabling, roles and accounts only
    below the actor's own role, 超级管理员 only from a superadmin. stored_role_id: see above."""
    with db.session.no_autoflush:  # a new account must not be written (and look stored) while checking
        if stored_role_id is _CURRENT:
            stored_role_id = employee.role_id
        guard_role_assignment(employee, actor, stored_role_id)
        guard_account_access(employee, actor, stored_role_id)
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
    guard_account_access(employee, actor, employee.role_id)
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
