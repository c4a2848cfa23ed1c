"""系统设置 > 系统操作日志: the audit trail, with filters (who, what, when in local time) and export."""

import json
from datetime import datetime, time, timedelta

from flask_admin.contrib.sqla.filters import DateBetweenFilter, FilterEqual, FilterLike
from markupsafe import Markup, escape

from admin_views.base import CrmModelView, format_datetime, lazy_options
from admin_views.details import COMMON_LABELS
from app.extensions import db
from app.security.permissions import Screen
from app.services.customer_extensions import register_detail_tab
from app.services.maintenance.audit import ACTION_LABELS, is_audited
from app.timeutil import local_to_utc
from models.maintenance import AuditEntry


class LocalDateBetweenFilter(DateBetweenFilter):
    """Days as people in the display time zone see them, compared with the UTC timestamps."""

    def apply(self, query, value, alias=None):
        start, end = value
        lower = local_to_utc(datetime.combine(start, time.min))
        upper = local_to_utc(datetime.combine(end + timedelta(days=1), time.min))
        column = self.get_column(alias)
        return query.filter(column >= lower, column < upper)


def _tables():
    labels = [(t.name, t.info.get("label", t.name)) for t in db.metadata.sorted_tables if is_audited(t)]
    return sorted(labels, key=lambda item: item[1]) + [("maintenance", "系统维护")]


SEARCH_KEY_SUFFIXES = ("_key", "_tokens")


def column_label(table_name: str, column: str) -> str:
    """The label a screen shows for a column (or for the relation a foreign key serves), else a
    shared Chinese label, else the column name."""
    from flask import current_app

    names = (column, column[:-3]) if column.endswith("_id") else (column,)
    for view in current_app.extensions["admin"][0]._views:
        model = getattr(view, "model", None)
        if model is not None and getattr(model, "__tablename__", None) == table_name:
            labels = getattr(view, "column_labels", None) or {}
            label = next((labels[n] for n in names if labels.get(n)), None)
            if label:
                return str(label)
    return next((COMMON_LABELS[n] for n in names if n in COMMON_LABELS), column)


def _shown(value):
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else value


def changes_text(entry: AuditEntry) -> list[tuple[str, object, object]]:
    try:
        changes = json.loads(entry.changes) if entry.changes else {}
    except ValueError:
        return []
    return [(column_label(entry.table_name, name), _shown(old), _shown(new)) for name, (old, new) in changes.items()
            if not name.endswith(SEARCH_KEY_SUFFIXES)]  # derived search keys, not what anyone typed


def _format_changes(view, context, model, name):
    parts = []
    for label, old, new in changes_text(model):
        if model.action == "update":
            parts.append(f"{escape(label)}：{escape(old)} → {escape(new)}")
        else:
            parts.append(f"{escape(label)}：{escape(new if model.action == 'create' else old)}")
    return Markup("<br>".join(parts[:12]) + ("<br>…" if len(parts) > 12 else ""))


def _export_changes(view, context, model, name):
    return "；".join(f"{label}：{old} → {new}" if model.action == "update"
                    else f"{label}：{new if model.action == 'create' else old}" for label, old, new in changes_text(model))


class AuditLogView(CrmModelView):
    screen = Screen("audit_log", "系统操作日志", "系统设置", ("view", "export"))
    export_filename = "系统操作日志"
    column_list = ("created_at", "actor_name", "action", "table_label", "record_id", "record_label", "changes")
    column_details_list = column_list
    column_labels = {"created_at": "操作时间", "actor_name": "操作人", "action": "操作", "table_label": "数据类别",
                     "record_id": "记录编号", "record_label": "记录", "changes": "修改内容（原值 → 新值）"}
    column_sortable_list = ("created_at", "actor_name")
    column_default_sort = ("id", True)
    column_filters = (
        FilterLike(AuditEntry.actor_name, "操作人"),
        FilterEqual(AuditEntry.table_name, "数据类别", options=lazy_options(_tables)),
        FilterEqual(AuditEntry.action, "操作", options=lambda: list(ACTION_LABELS.items())),
        LocalDateBetweenFilter(AuditEntry.created_at, "操作日期"),
        FilterEqual(AuditEntry.record_id, "记录编号"),
    )
    column_formatters = {"created_at": format_datetime,
                         "action": lambda v, c, m, n: ACTION_LABELS.get(m.action, m.action),
                         "changes": _format_changes}
    column_formatters_export = {"created_at": format_datetime,
                                "action": lambda v, c, m, n: ACTION_LABELS.get(m.action, m.action),
                                "changes": _export_changes}
    column_export_list = column_list

    @property
    def can_create(self):
        return False

    @property
    def can_edit(self):
        return False

    @property
    def can_delete(self):
        return False


def customer_changes(customer) -> dict:
    """修改记录 on the customer page: the customer's own fields and its contacts', old -> new."""
    from sqlalchemy import select

    from app.services.maintenance.audit import entries_for
    from models.customers import CustomerContact

    contact_ids = db.session.scalars(select(CustomerContact.id).where(CustomerContact.customer_id == customer.id)
                                     .limit(200)).all()
    entries = sorted(entries_for("customers", [customer.id]) + entries_for("customer_contacts", contact_ids),
                     key=lambda e: e.id, reverse=True)[:50]
    return {"entries": [(e, changes_text(e)) for e in entries], "action_labels": ACTION_LABELS}


register_detail_tab("changes", "修改记录", None, "admin/maintenance/record_changes_tab.html", customer_changes)
