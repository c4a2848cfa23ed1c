"""Views of the chapter-3 lookups: 客户类别, 客户来源, 联系方式, 企业部门, 仓库, 供应商, 物流公司."""

from flask_login import current_user
from markupsafe import Markup, escape
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from admin_views.base import CrmModelView, format_bool, format_datetime
from admin_views.row_actions import PostRowAction
from app.extensions import db
from app.security.permissions import Screen
from app.services import base_data

CRUD = ("view", "add", "edit", "delete")
NAME_RULES = {"validators": [DataRequired("名称不能为空"), Length(max=50, message="名称不能超过 50 个字")]}


def _sort_rules():
    return {"validators": [Optional(), NumberRange(min=0, max=999999, message="排序值须为 0 到 999999 的整数")]}


class ReferencedRowMixin:
    """Deleting a row still referred to by other records is refused with its reason."""

    def on_model_delete(self, model):
        base_data.ensure_in_use_guard(model, self.name)


class DefaultFlagView(ReferencedRowMixin, CrmModelView):
    """Tables where exactly one row is 默认 (manual 3.1, 3.2, 3.9, 3.10)."""

    column_formatters = {"is_default": lambda v, c, m, n: "默认" if m.is_default else ""}
    post_row_actions = (
        PostRowAction("make_default", "设为默认", "edit", visible=lambda row: not row.is_default),
    )

    def on_model_change(self, form, model, is_created):
        db.session.flush()
        base_data.ensure_single_default(model)

    def do_make_default(self, obj):
        base_data.set_default(obj)
        return f"已将“{obj}”设为默认"


class CustomerCategoryView(DefaultFlagView):
    screen = Screen("customer_category", "客户类别管理", "客户管理", CRUD)
    column_list = ("name", "sort_order", "is_default")
    column_labels = {"name": "类别名称", "sort_order": "排序值", "is_default": "默认"}
    column_searchable_list = ("name",)
    column_default_sort = [("sort_order", False), ("id", False)]
    form_columns = ("name", "sort_order", "is_default")
    form_args = {"name": NAME_RULES, "sort_order": _sort_rules()}


class CustomerSourceView(CustomerCategoryView):
    screen = Screen("customer_source", "客户来源管理", "客户管理", CRUD)
    column_labels = {"name": "来源名称", "sort_order": "排序值", "is_default": "默认"}


class ContactMethodView(ReferencedRowMixin, CrmModelView):
    screen = Screen("contact_method", "联系方式设置", "系统设置", CRUD)
    column_list = ("name", "sort_order")
    column_labels = {"name": "联系方式", "sort_order": "排序值"}
    column_searchable_list = ("name",)
    column_default_sort = [("sort_order", False), ("id", False)]
    form_columns = ("name", "sort_order")
    form_args = {"name": NAME_RULES, "sort_order": _sort_rules()}


class TreeListMixin:
    """Small parent/child tables listed in tree order with indentation."""

    column_sortable_list = ()
    can_set_page_size = False
    page_size = 500

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        count, rows = super().get_list(0, None, False, search, filters, execute=True, page_size=0)
        ordered = base_data.tree_order(rows)
        self._depths = {row.id: depth for row, depth in ordered}
        return count, [row for row, _ in ordered]

    def _format_tree_name(self, _view, context, model, name):
        depth = getattr(self, "_depths", {}).get(model.id, 0)
        prefix = "&nbsp;&nbsp;&nbsp;&nbsp;" * depth + ("└ " if depth else "")
        return Markup(prefix) + escape(model.name)

    def on_model_change(self, form, model, is_created):
        parent = getattr(model, "parent", None)
        base_data.check_parent(model, parent.id if parent else None, self.parent_label)


class DepartmentView(TreeListMixin, ReferencedRowMixin, CrmModelView):
    screen = Screen("department", "企业部门管理", "系统设置", CRUD)
    parent_label = "上级部门"
    column_list = ("name", "parent", "description", "sort_order")
    column_labels = {"name": "部门名称", "parent": "上级部门", "description": "部门描述", "sort_order": "排序值"}
    column_searchable_list = ("name",)
    form_columns = ("name", "parent", "description", "sort_order")
    form_args = {"name": NAME_RULES, "sort_order": _sort_rules(),
                 "description": {"validators": [Optional(), Length(max=200, message="部门描述不能超过 200 个字")]}}

    def __init__(self, *args, **kwargs):
        self.column_formatters = {"name": self._format_tree_name}
        super().__init__(*args, **kwargs)


class WarehouseView(DefaultFlagView):
    screen = Screen("warehouse", "仓库信息管理", "库存管理", CRUD)
    column_list = ("name", "contact", "phone", "address", "is_enabled", "is_default", "sort_order")
    column_labels = {"name": "仓库名称", "contact": "联系人", "phone": "联系电话", "address": "仓库地址",
                     "remark": "备注", "is_enabled": "是否启用", "is_default": "是否默认", "sort_order": "排序值"}
    column_searchable_list = ("name", "contact", "address")
    column_filters = ("is_enabled",)
    column_default_sort = [("sort_order", False), ("id", False)]
    form_columns = ("name", "contact", "phone", "address", "remark", "is_enabled", "is_default", "sort_order")
    form_args = {
        "name": NAME_RULES,
        "contact": {"validators": [Optional(), Length(max=50, message="联系人不能超过 50 个字")]},
        "phone": {"validators": [Optional(), Length(max=50, message="联系电话不能超过 50 个字符")]},
        "address": {"validators": [Optional(), Length(max=200, message="地址不能超过 200 个字")]},
        "remark": {"validators": [Optional(), Length(max=500, message="备注不能超过 500 个字")]},
        "sort_order": _sort_rules(),
    }
    column_formatters = {
        "is_default": lambda v, c, m, n: "默认" if m.is_default else "",
        "is_enabled": format_bool,
    }


class SupplierView(DefaultFlagView):
    screen = Screen("supplier", "供应商管理", "库存管理", CRUD + ("export",))
    export_filename = "供应商"
    column_list = ("name", "contact", "phone", "mobile", "address", "is_default")
    column_labels = {"name": "供应商名称", "contact": "联系人", "phone": "联系电话", "mobile": "手机",
                     "fax": "传真", "email": "电子邮箱", "address": "地址", "remark": "备注",
                     "is_default": "是否默认", "created_at": "添加时间"}
    column_searchable_list = ("name", "contact", "phone", "mobile")
    column_sortable_list = ("name", "created_at")
    column_default_sort = ("id", True)
    column_export_list = ("name", "contact", "phone", "mobile", "fax", "email", "address", "remark")
    form_columns = ("name", "contact", "phone", "mobile", "fax", "email", "address", "remark", "is_default")
    form_args = {
        "name": {"validators": [DataRequired("供应商名称不能为空"), Length(max=100, message="供应商名称不能超过 100 个字")]},
        **{f: {"validators": [Optional(), Length(max=50, message="不能超过 50 个字符")]}
           for f in ("contact", "phone", "mobile", "fax")},
        "email": {"validators": [Optional(), Length(max=100, message="电子邮箱不能超过 100 个字符")]},
        "address": {"validators": [Optional(), Length(max=200, message="地址不能超过 200 个字")]},
        "remark": {"validators": [Optional(), Length(max=500, message="备注不能超过 500 个字")]},
    }


class LogisticsCompanyView(ReferencedRowMixin, CrmModelView):
    screen = Screen("logistics", "物流公司设置", "系统设置", CRUD)
    column_list = ("name", "contact", "phone", "sort_order", "operator_name", "updated_at")
    column_labels = {"name": "物流公司名称", "contact": "联系人", "phone": "联系电话", "sort_order": "排序值",
                     "operator_name": "操作人", "updated_at": "操作时间"}
    column_searchable_list = ("name", "contact")
    column_default_sort = [("sort_order", False), ("id", False)]
    column_formatters = {"updated_at": format_datetime}
    form_columns = ("name", "contact", "phone", "sort_order")
    form_args = {"name": NAME_RULES, "sort_order": _sort_rules(),
                 "contact": {"validators": [Optional(), Length(max=50, message="联系人不能超过 50 个字")]},
                 "phone": {"validators": [Optional(), Length(max=50, message="联系电话不能超过 50 个字符")]}}

    def on_model_change(self, form, model, is_created):
        if not is_created:
            base_data.guard_builtin_logistics(model, new_name=model.name)
        model.operator_name = current_user.real_name

    def on_model_delete(self, model):
        base_data.guard_builtin_logistics(model, deleting=True)
        super().on_model_delete(model)
