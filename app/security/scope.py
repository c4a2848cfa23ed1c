"""数据范围: which owners' records a user may see, per record-owning module (manual 4.1).

"下属" are employees whose role lies below the user's role in the role tree. Every list,
detail page, export, report, search and action filters through visible_owner_ids().
"""

from flask import g, has_app_context
from sqlalchemy import select

from app.extensions import db
from models.accounts import Employee, Role, RoleDataScope
from models.enums import DataScope


def scope_of(user, module: str) -> DataScope:
    role = user.role
    if role is None:
        return DataScope.SELF
    if role.is_superadmin:
        return DataScope.ALL
    for row in role.data_scopes:
        if row.module == module:
            return row.scope
    return DataScope.SELF


def descendant_role_ids(role_id: int) -> set[int]:
    rows = db.session.execute(select(Role.id, Role.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for rid, parent in rows:
        children.setdefault(parent, []).append(rid)
    found: set[int] = set()
    stack = list(children.get(role_id, []))
    while stack:
        rid = stack.pop()
        if rid in found or rid == role_id:
            continue
        found.add(rid)
        stack.extend(children.get(rid, []))
    return found


def visible_owner_ids(user, module: str) -> set[int] | None:
    """None means every owner; otherwise the employee ids whose records the user may see."""
    cache = g.setdefault("scope_cache", {}) if has_app_context() else {}
    key = (user.id, module)
    if key in cache:
        return cache[key]
    scope = scope_of(user, module)
    if scope is DataScope.ALL:
        result = None
    elif scope is DataScope.SELF or user.role_id is None:
        result = {user.id}
    else:
        roles = descendant_role_ids(user.role_id)
        ids = set(db.session.scalars(select(Employee.id).where(Employee.role_id.in_(roles))))
        result = ids | {user.id}
    cache[key] = result
    return result


def apply_scope(query, owner_column, user, module: str):
    """Filter a Select or legacy Query to the records the user may see."""
    owners = visible_owner_ids(user, module)
    if owners is None:
        return query
    return query.filter(owner_column.in_(sorted(owners)))


def can_see_owner(user, module: str, owner_id: int | None) -> bool:
    owners = visible_owner_ids(user, module)
    return owners is None or owner_id in owners


def set_role_scope(role: Role, module: str, scope: DataScope) -> None:
    for row in role.data_scopes:
        if row.module == module:
            row.scope = scope
            return
    role.data_scopes.append(RoleDataScope(module=module, scope=scope))
