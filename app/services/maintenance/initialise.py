"""系统初始化 (manual 9.8, fig. 9-4): wipe chosen groups of data, and everything that depends on them.

Groups come from table metadata, so a new module joins by declaring its group on its root table:
    __table_args__ = {"info": {"label": "工单", "init_group": "工单"}}
Tables already built before this module get their group from DEFAULT_GROUPS. Everything that refers to
a wiped row through a foreign key goes too (or has the reference cleared where the key is
ON DELETE SET NULL), found by walking the metadata's foreign keys, so nothing is left orphaned.
"""

from dataclasses import dataclass, field

from sqlalchemy import Table, and_, delete, func, or_, select, update

from app.extensions import db
from app.services.maintenance.databases import MaintenanceError

DEFAULT_GROUPS = {
    "customers": "客户信息",
    "customer_search_tokens": "客户信息",
    "customer_search_vocabulary": "客户信息",
    "sales_orders": "订单信息",
    "sales_order_daily_sums": "订单信息",
    "quotes": "订单信息",
    "login_logs": "日志",
    "reminders": "日志",
}
GROUP_ORDER = ["客户信息", "订单信息", "工单", "库存", "采购", "邮件", "短信", "办公", "日志"]
# Accounts, roles and settings are never wiped: the administrator must be able to log in afterwards.
PROTECTED = {"employees", "roles", "role_permissions", "role_data_scopes", "alembic_version"}


# Tables built before groups were declared have no label of their own.
TABLE_LABELS = {"login_logs": "系统登录日志", "reminders": "提醒", "audit_log": "系统操作日志",
                "customer_search_tokens": "万能检索索引", "customer_search_vocabulary": "万能检索词表",
                "sales_order_lines": "订单明细", "order_logs": "订单日志", "payments": "回款记录",
                "quote_lines": "报价明细", "customer_history": "客户变更记录", "customer_shares": "客户共享",
                "customer_field_values": "自定义字段值", "customer_document_files": "合同文档附件",
                "sales_order_daily_sums": "订单日汇总"}


def table_label(table: Table) -> str:
    return table.info.get("label") or TABLE_LABELS.get(table.name, table.name)


def group_of(table: Table) -> str | None:
    return table.info.get("init_group") or DEFAULT_GROUPS.get(table.name)


def groups() -> list[str]:
    found = {group_of(t) for t in db.metadata.sorted_tables} - {None}
    order = {name: i for i, name in enumerate(GROUP_ORDER)}
    return sorted(found, key=lambda name: (order.get(name, 99), name))


ALL = None  # a condition meaning "every row of the table"


@dataclass
class Plan:
    groups: list[str]
    # table -> WHERE clause of the rows to delete (ALL for the whole table), children before parents
    deletes: dict[str, object] = field(default_factory=dict)
    # (table, column) -> WHERE clause of the rows whose reference is cleared (ON DELETE SET NULL)
    clears: dict[tuple[str, str], object] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)


def _references(fk, parent_condition):
    """The rows of fk's table that point at a row of the parent that goes."""
    if parent_condition is ALL:
        return fk.parent.is_not(None)
    return fk.parent.in_(select(fk.column).where(parent_condition))


def plan(chosen: list[str]) -> Plan:
    chosen = [g for g in groups() if g in set(chosen)]
    if not chosen:
        raise MaintenanceError("请选择要初始化的项目")
    result = Plan(groups=chosen)
    conditions: dict[str, list | None] = {}
    for table in db.metadata.sorted_tables:
        if group_of(table) in chosen:
            conditions[table.name] = ALL
            result.reasons[table.name] = group_of(table)
    # Parents come before children in sorted_tables, so each child sees its parents' final conditions.
    for table in db.metadata.sorted_tables:
        for fk in sorted(table.foreign_keys, key=lambda k: k.parent.name):
            parent = fk.column.table
            if parent.name not in conditions or parent is table:
                continue
            parent_condition = _condition(conditions[parent.name])
            if (fk.ondelete or "").upper() == "SET NULL":
                result.clears[(table.name, fk.parent.name)] = _references(fk, parent_condition)
                continue
            if table.name in conditions and conditions[table.name] is ALL:
                continue
            conditions.setdefault(table.name, []).append(_references(fk, parent_condition))
            result.reasons.setdefault(table.name, f"引用了{table_label(parent)}")
    blocked = sorted(set(conditions) & PROTECTED)
    if blocked:
        raise MaintenanceError(f"不能初始化：{'、'.join(blocked)} 依赖于所选数据")
    result.clears = {key: value for key, value in result.clears.items() if conditions.get(key[0]) is not ALL}
    for table in reversed(db.metadata.sorted_tables):
        if table.name in conditions:
            result.deletes[table.name] = _condition(conditions[table.name])
    return result


def _condition(parts: list | None):
    if parts is ALL:
        return ALL
    return parts[0] if len(parts) == 1 else or_(*parts)


def _count(table: Table, condition=ALL) -> int:
    query = select(func.count()).select_from(table)
    if condition is not ALL:
        query = query.where(condition)
    return db.session.execute(query).scalar_one()


def preview(chosen: list[str]) -> list[dict]:
    """Per table: its label, why it is included, and how many rows will be deleted."""
    the_plan = plan(chosen)
    tables = db.metadata.tables
    rows = []
    for name, condition in reversed(list(the_plan.deletes.items())):
        table = tables[name]
        rows.append({"table": name, "label": table_label(table), "reason": the_plan.reasons.get(name, ""),
                     "rows": _count(table, condition)})
    for (name, column), condition in the_plan.clears.items():
        rows.append({"table": name, "label": table_label(tables[name]),
                     "reason": f"清空 {column}（保留记录）", "rows": _count(tables[name], condition), "clear": True})
    return rows


def initialise(chosen: list[str], actor, password: str, typed: str) -> dict:
    """Wipe the chosen groups after the strong confirmation; needs a verified backup of the last hour.

    Returns {table: (rows before, rows after)} for every table touched. One transaction: the caller
    commits, and any failure leaves everything as it was.
    """
    from app.services.maintenance.audit import record_event
    from app.services.maintenance.backup import latest_good_backup
    from app.services.maintenance.restore import check_confirmation

    check_confirmation(actor, password, typed, "初始化")
    if latest_good_backup() is None:
        raise MaintenanceError("初始化前必须先备份数据库：最近一小时内没有校验通过的备份")
    the_plan = plan(chosen)
    tables = db.metadata.tables
    db.session.flush()
    before = {name: _count(tables[name]) for name in the_plan.deletes}
    session = db.session
    for (name, column), condition in the_plan.clears.items():
        session.execute(update(tables[name]).where(condition).values({column: None}))
    for name, condition in the_plan.deletes.items():
        statement = delete(tables[name])
        if condition is not ALL:
            statement = statement.where(condition)
        session.execute(statement)
    after = {name: _count(tables[name]) for name in the_plan.deletes}
    deleted = sum(before.values()) - sum(after.values())
    record_event("initialise", f"系统初始化：{'、'.join(the_plan.groups)}，删除 {deleted} 行", count=deleted,
                 actor=actor)
    return {name: (before[name], after[name]) for name in the_plan.deletes}


def orphans() -> list[tuple[str, str, int]]:
    """Rows whose foreign key points at no row, over every foreign key of the metadata (a check, for tests
    and for the page after an initialisation)."""
    found = []
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            parent = fk.column.table
            alias = parent.alias()
            column = alias.c[fk.column.name]
            query = (select(func.count()).select_from(table.outerjoin(alias, fk.parent == column))
                     .where(and_(fk.parent.is_not(None), column.is_(None))))
            count = db.session.execute(query).scalar_one()
            if count:
                found.append((table.name, fk.parent.name, count))
    return found

