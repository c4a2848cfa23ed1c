"""工单信息设置 (manual 6.8): the 服务类别 offered by 添加工单; a category still used by a ticket cannot be deleted."""

from wtforms import validators

from admin_views.base import CrmModelView
from app.security.permissions import Screen
from app.services.base_data import ensure_in_use_guard


class TicketCategoryView(CrmModelView):
    screen = Screen("ticket_category", "工单信息设置", "售后管理", ("view", "add", "edit", "delete"))
    can_view_details = False
    record_noun = "服务类别"
    column_list = ("name", "sort_order")
    column_labels = {"name": "类别名称", "sort_order": "排序"}
    column_default_sort = [("sort_order", False), ("id", False)]
    form_columns = ("name", "sort_order")
    form_args = {"name": {"label": "类别名称", "validators": [validators.InputRequired("请填写类别名称"),
                                                              validators.Length(max=50, message="类别名称不能超过 50 个字")]},
                 "sort_order": {"label": "排序"}}

    def on_model_change(self, form, model, is_created):
        model.name = (model.name or "").replace("\x00", "").strip()

    def on_model_delete(self, model):
        ensure_in_use_guard(model)
