"""详情 pages show what a user recognises: Chinese labels, local time, nothing internal.

Every CrmModelView gets this: columns that are bookkeeping (password hash, session version, the
built-in / super-administrator flags, a mail's claim and retry times) or raw foreign-key ids never
appear; the rest carry their view's `column_labels`, else a shared Chinese label, else they are
left out rather than shown under an English name. Times are shown in the display zone.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from flask_admin.model import typefmt
from markupsafe import Markup, escape

from app.timeutil import format_local

INTERNAL_COLUMNS = frozenset({
    "id", "password_hash", "session_version", "is_superadmin", "is_builtin", "claimed_at", "next_attempt_at",
    "pinyin_tokens", "search_tokens", "lock_version", "version",
})

# Names many models share; a view's own column_labels win.
COMMON_LABELS = {
    "name": "名称", "code": "编号", "remark": "备注", "description": "描述", "content": "内容",
    "sort_order": "排序值", "created_at": "创建时间", "updated_at": "最后修改时间", "creator": "创建人",
    "status": "状态", "title": "标题", "phone": "联系电话", "mobile": "手机", "email": "电子邮箱",
    "address": "地址", "contact_name": "联系人", "is_enabled": "是否启用", "is_default": "是否默认",
    "body_html": "内容", "account": "发件账户", "password_hash": "密码", "is_superadmin": "超级管理员",
    "is_builtin": "系统内置", "session_version": "登录会话", "birthday": "生日", "is_lunar_birthday": "农历生日",
    "district": "区县", "province": "省份", "city": "城市", "pinyin": "拼音简码", "department": "所属部门",
    "role": "所属角色", "parent": "上级", "owner": "客服专员", "qq": "QQ", "fax": "传真", "office_phone": "办公电话",
    "real_name": "真实姓名", "username": "用户名", "category": "类别", "source": "来源", "website": "网址",
}


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _local_time(view, value, name):
    return format_local(value)


def _yes_no(view, value, name):
    return "是" if value else "否"


def _enum_label(view, value, name):
    return getattr(value, "label", value.value)


def _money_or_number(view, value, name):
    return f"{value:.2f}" if value.as_tuple().exponent == -2 else str(value)


def _lines(view, value, name):
    if isinstance(value, Markup):  # a column formatter's own HTML
        return value
    return Markup("<br>").join(escape(line) for line in str(value).splitlines())


DETAIL_TYPE_FORMATTERS = {
    **typefmt.DETAIL_FORMATTERS,
    type(None): typefmt.empty_formatter,
    bool: _yes_no,
    datetime: _local_time,
    date: lambda view, value, name: value.isoformat(),
    Enum: _enum_label,
    Decimal: _money_or_number,
    str: _lines,
}


class DetailsMixin:
    """For CrmModelView: the 详情 page's columns, labels and formatting."""

    column_type_formatters_detail = DETAIL_TYPE_FORMATTERS
    details_internal_columns = INTERNAL_COLUMNS

    def get_details_columns(self):
        foreign_keys = self._foreign_key_names()
        labels = self.column_labels or {}
        shown = []
        for name, _label in super().get_details_columns():
            if name in self.details_internal_columns or name in foreign_keys:
                continue
            label = labels.get(name) or COMMON_LABELS.get(name)
            if label and _has_chinese(str(label)):
                shown.append((name, label))
        return shown

    def _foreign_key_names(self) -> set[str]:
        table = getattr(self.model, "__table__", None)
        return {c.key for c in table.columns if c.foreign_keys} if table is not None else set()
