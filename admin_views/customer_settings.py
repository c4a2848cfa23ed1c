"""系统设置 > 客户信息设置: 客户池设置, 自定义字段, 客户验证设置 (manual 3.8.1, 3.8.2, 3.8.4)."""

from flask import flash, redirect, request
from flask_admin import expose
from sqlalchemy import select
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from admin_views.base import CrmModelView, SecuredView
from admin_views.input import parse_ids
from admin_views.transactions import committed
from app.extensions import db
from app.security.permissions import Screen
from app.services.customers import custom_fields, settings
from models.base_data import CustomerCategory
from models.customers import FieldType


class CustomerPage(SecuredView):
    """A custom page registered through VIEWS like the model views (the model slot is unused)."""

    def __init__(self, model=None, **kwargs):
        super().__init__(**kwargs)


class PoolSettingsView(CustomerPage):
    screen = Screen("customer_pool_settings", "客户池设置", "系统设置", ("view", "edit"))

    @expose("/", methods=("GET", "POST"))
    def index(self):
        if request.method == "POST":
            self.require("edit")
            try:
                recycle_days = int(request.form.get("recycle_days") or 0)
                warn_days = int(request.form.get("warn_days") or 0)
            except ValueError:
                recycle_days = warn_days = -1
            with committed("客户池设置已保存") as outcome:
                ids = set(parse_ids(request.form.getlist("category_ids")))
                settings.save_pool_settings(request.form.get("pool_enabled") == "1", recycle_days, warn_days, ids)
            if not outcome.failed:
                return redirect(self.get_url(".index"))
        categories = db.session.scalars(select(CustomerCategory).order_by(CustomerCategory.sort_order)).all()
        return self.render("admin/customers/pool_settings.html", settings=settings.get_settings(),
                           categories=categories, selected=settings.pool_category_ids(), can_edit=self.allowed("edit"))


class CheckSettingsView(CustomerPage):
    screen = Screen("customer_check_settings", "客户验证设置", "系统设置", ("view", "edit"))

    @expose("/", methods=("GET", "POST"))
    def index(self):
        if request.method == "POST":
            self.require("edit")
            settings.save_check_settings(set(request.form.getlist("checks")))
            db.session.commit()
            flash("客户验证设置已保存", "success")
            return redirect(self.get_url(".index"))
        current = settings.get_settings()
        rows = [(attr, label, getattr(current, attr)) for attr, _field, label, _word in settings.CHECKS]
        return self.render("admin/customers/check_settings.html", rows=rows, can_edit=self.allowed("edit"))


class CustomerFieldView(CrmModelView):
    screen = Screen("customer_field", "自定义字段", "系统设置", ("view", "add", "edit", "delete"))
    can_view_details = False
    column_list = ("name", "field_type", "options", "is_required", "sort_order")
    column_labels = {"name": "字段名称", "field_type": "字段类型", "options": "选项", "is_required": "必填",
                     "sort_order": "排序值"}
    column_formatters = {
        "field_type": lambda v, c, m, n: m.field_type.label,
        "options": lambda v, c, m, n: "、".join(m.choices),
        "is_required": lambda v, c, m, n: "是" if m.is_required else "否",
    }
    column_default_sort = [("sort_order", False), ("id", False)]
    form_columns = ("name", "field_type", "options", "is_required", "sort_order")
    form_overrides = {"field_type": SelectField, "options": TextAreaField}
    form_args = {
        "name": {"validators": [DataRequired("字段名称不能为空"), Length(max=50, message="字段名称不能超过 50 个字")]},
        "field_type": {"choices": [(t.value, t.label) for t in FieldType], "coerce": FieldType},
        "options": {"label": "选项（单选时填写，每行一个）",
                    "validators": [Optional(), Length(max=1000, message="选项不能超过 1000 个字")]},
        "sort_order": {"validators": [Optional(), NumberRange(min=0, max=999999, message="排序值须为 0 到 999999 的整数")]},
    }
    list_template = "admin/customers/field_list.html"

    def on_model_change(self, form, model, is_created):
        custom_fields.check_field(model)

    def delete_model(self, model):
        with committed() as outcome:
            gone = custom_fields.delete_field(model)
            outcome.message = f"字段“{model.name}”及其 {gone} 条客户数据已删除"
        return not outcome.failed


