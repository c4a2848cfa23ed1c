"""Rules shared by the chapter-3 lookups: one default per table, trees without cycles, built-ins."""

from sqlalchemy import select, update

from app.extensions import db
from app.services.errors import ValidationFailed
from models.base_data import LogisticsCompany


def set_default(obj) -> None:
    """Make obj the one 默认 row of its table, clearing the previous default (manual 3.1, 3.2, 3.9)."""
    model = type(obj)
    if getattr(obj, "is_enabled", True) is False:
        raise ValidationFailed(f"停用的{model.__table__.info.get('label', '记录')}不能设为默认")
    db.session.flush()
    db.session.execute(update(model).where(model.id != obj.id).values(is_default=False))
    obj.is_default = True
    db.session.flush()


def ensure_single_default(obj) -> None:
    """Called after a form save: a row saved with 默认 ticked takes the default from the others."""
    if obj.is_default:
        set_default(obj)


def check_parent(obj, parent_id: int | None, label: str = "上级") -> None:
    """Refuse a parent that is the row itself or one of its descendants."""
    if parent_id is None or obj.id is None:
        return
    model = type(obj)
    seen: set[int] = set()
    current = parent_id
    while current is not None:
        if current == obj.id:
            raise ValidationFailed(f"不能选择自身或自身的下级作为{label}")
        if current in seen:  # pre-existing damage; stop instead of looping forever
            break
        seen.add(current)
        current = db.session.execute(select(model.parent_id).where(model.id == current)).scalar()


def subtree_ids(model, root_id: int) -> list[int]:
    """root_id and every descendant id, for filters like "category including sub-categories"."""
    rows = db.session.execute(select(model.id, model.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for row_id, parent_id in rows:
        children.setdefault(parent_id, []).append(row_id)
    result, stack = [], [root_id]
    while stack:
        node = stack.pop()
        if node in result:
            continue
        result.append(node)
        stack.extend(children.get(node, []))
    return result


def tree_order(rows) -> list[tuple[object, int]]:
    """Rows of a parent_id tree in display order, each with its depth."""
    by_parent: dict[int | None, list] = {}
    ids = {row.id for row in rows}
    for row in rows:
        parent = row.parent_id if row.parent_id in ids else None
        by_parent.setdefault(parent, []).append(row)
    for siblings in by_parent.values():
        siblings.sort(key=lambda r: (getattr(r, "sort_order", 0), r.id))
    ordered: list[tuple[object, int]] = []

    def walk(parent, depth):
        for row in by_parent.get(parent, []):
            ordered.append((row, depth))
            walk(row.id, depth + 1)

    walk(None, 0)
    return ordered


def guard_builtin_logistics(company: LogisticsCompany, new_name: str | None = None, deleting=False):
    """The built-in 无需物流 can be neither renamed nor deleted (manual 9.6)."""
    if not company.is_builtin:
        return
    if deleting:
        raise ValidationFailed("系统内置的“无需物流”不能删除")
    if new_name is not None and new_name != LogisticsCompany.NO_SHIPPING_NAME:
        raise ValidationFailed("系统内置的“无需物流”不能修改名称")


def ensure_in_use_guard(obj, label: str | None = None) -> None:
    """Refuse deleting a row that other rows still refer to."""
    referencing = referencing_rows(obj)
    if referencing:
        raise ValidationFailed(f"“{obj}”已被{referencing}使用，不能删除")


def referencing_rows(obj) -> str | None:
    """Name the first table whose rows refer to obj by foreign key, found from the schema itself.

    Later modules (orders, purchases, stocktakes) are covered without touching this function.
    Tables marked info={"owned": True} belong to their parent and go with it.
    """
    table = type(obj).__table__
    for other in db.metadata.sorted_tables:
        if other.info.get("owned"):
            continue
        for fk in other.foreign_keys:
            if fk.column.table is not table:
                continue
            query = select(fk.parent).where(fk.parent == obj.id)
            if other is table:
                query = query.where(table.c.id != obj.id)
            if db.session.execute(query.limit(1)).first():
                return "下级" if other is table else other.info.get("label", other.name)
    return None
