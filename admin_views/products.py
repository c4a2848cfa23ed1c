"""产品管理: 产品类别管理 (tree) and 产品信息管理 (manual 3.3, 3.4)."""

from flask import flash
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from admin_views.base import CrmModelView, format_datetime, lazy_options, parse_id
from admin_views.base_data import CRUD, NAME_RULES, ReferencedRowMixin, TreeListMixin, _sort_rules
from admin_views.row_actions import PostRowAction
from app.extensions import db
from app.security.permissions import Screen
from app.services import base_data, products
from models.products import Product, ProductCategory


class ProductCategoryView(TreeListMixin, ReferencedRowMixin, CrmModelView):
    screen = Screen("product_category", "产品类别管理", "产品管理", CRUD)
    parent_label = "上级分类"
    column_list = ("name", "parent", "sort_order")
    column_labels = {"name": "类别名称", "parent": "上级分类", "sort_order": "排序值"}
    column_searchable_list = ("name",)
    form_columns = ("name", "parent", "sort_order")
    form_args = {"name": NAME_RULES, "sort_order": _sort_rules()}

    def __init__(self, *args, **kwargs):
        self.column_formatters = {"name": self._format_tree_name}
        super().__init__(*args, **kwargs)


def _category_choices():
    rows = db.session.scalars(select(ProductCategory)).all()
    return [(str(row.id), "　" * depth + row.name) for row, depth in base_data.tree_order(rows)]


class CategoryTreeFilter(BaseSQLAFilter):
    """产品类别 filter that includes every sub-category."""

    def apply(self, query, value, alias=None):
        category_id = parse_id(value)
        return query if category_id is None else query.filter(products.category_condition(category_id))

    def operation(self):
        return "包含下级"



class ShelfFilter(BaseSQLAFilter):
    def apply(self, query, value, alias=None):
        return query.filter(Product.on_shelf.is_(value == "1"))

    def operation(self):
        return "等于"



class ProductView(CrmModelView):
    screen = Screen("product", "产品信息管理", "产品管理", CRUD + ("export", "shelf"))
    export_filename = "产品信息"
    column_list = ("code", "name", "pinyin", "spec", "unit", "price", "category", "on_shelf", "created_at")
    column_labels = {
        "code": "产品编号", "name": "产品名称", "pinyin": "拼音简码", "spec": "规格", "unit": "单位",
        "price": "单价", "category": "产品类别", "on_shelf": "状态", "description": "产品描述",
        "created_at": "添加时间",
    }
    column_export_list = ("code", "name", "pinyin", "spec", "unit", "price", "category", "on_shelf",
                          "description")
    column_sortable_list = ("code", "name", "price", "created_at")
    column_default_sort = ("id", True)
    column_searchable_list = ("code", "name", "pinyin", "spec")
    column_filters = (
        CategoryTreeFilter(Product.category_id, "产品类别", options=lazy_options(_category_choices)),
        ShelfFilter(Product.on_shelf, "状态", options=(("1", "上架"), ("0", "下架"))),
    )
    column_formatters = {
        "on_shelf": lambda v, c, m, n: "上架" if m.on_shelf else "下架",
        "created_at": format_datetime,
        "category": lambda v, c, m, n: m.category.name if m.category else "",
    }
    column_formatters_export = {
        "on_shelf": lambda v, c, m, n: "上架" if m.on_shelf else "下架",
        "category": lambda v, c, m, n: m.category.name if m.category else "",
    }
    form_columns = ("code", "name", "spec", "unit", "price", "category", "on_shelf", "description")
    form_args = {
        "code": {"validators": [DataRequired("产品编号不能为空"), Length(max=50, message="产品编号不能超过 50 个字符")]},
        "name": {"validators": [DataRequired("产品名称不能为空"), Length(max=100, message="产品名称不能超过 100 个字")]},
        "spec": {"validators": [Optional(), Length(max=100, message="规格不能超过 100 个字")]},
        "unit": {"validators": [Optional(), Length(max=20, message="单位不能超过 20 个字")]},
        "price": {"validators": [InputRequired("单价不能为空"),
                                 NumberRange(min=0, message="单价不能为负数")], "places": 2},
        "description": {"validators": [Optional(), Length(max=5000, message="产品描述不能超过 5000 个字")]},
        "on_shelf": {"label": "上架", "default": True},
    }
    form_ajax_refs = {}
    post_row_actions = (
        PostRowAction("take_off", "下架", "shelf", visible=lambda row: row.on_shelf,
                      css="btn-outline-warning"),
        PostRowAction("put_on", "上架", "shelf", visible=lambda row: not row.on_shelf,
                      css="btn-outline-success"),
    )
    action_permissions = {"take_off": "shelf", "put_on": "shelf"}

    def get_query(self):
        return super().get_query().options(joinedload(Product.category))

    def _apply_search(self, query, count_query, joins, count_joins, search):
        """One condition per word over code, name, pinyin initials and spec (no CAST, no lower())."""
        for term in search.split():
            query = query.filter(products.search_condition(term))
            if count_query is not None:
                count_query = count_query.filter(products.search_condition(term))
        return query, count_query, joins, count_joins

    def on_model_change(self, form, model, is_created):
        products.prepare_product(model)

    def on_model_delete(self, model):
        products.ensure_deletable(model)

    def do_take_off(self, obj):
        products.set_shelf([obj.id], False)
        return f"产品“{obj.name}”已下架"

    def do_put_on(self, obj):
        products.set_shelf([obj.id], True)
        return f"产品“{obj.name}”已上架"

    def _bulk_shelf(self, ids, on_shelf):
        scoped_ids = [self.get_one(i).id for i in ids]
        changed = products.set_shelf(scoped_ids, on_shelf)
        db.session.commit()
        flash(f"已{'上架' if on_shelf else '下架'} {changed} 个产品", "success")

    @action("take_off", "批量下架", "确定要下架选中的产品吗？下架后不能再用于销售或采购。")
    def action_take_off(self, ids):
        self._bulk_shelf(ids, False)

    @action("put_on", "批量上架", "确定要上架选中的产品吗？")
    def action_put_on(self, ids):
        self._bulk_shelf(ids, True)
