"""模板管理 (manual 5.2, figures 5-9/5-10): 配货单, 发货单 and 报价单 templates with 上部, 产品明细 and 底部 parts.

Reached from the 模板管理 tab of the 正在配货/已经发货 lists, as in the manual, rather than from the menu.
"""

from flask import url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from admin_views.base import CrmModelView, PageRowAction, PostRowAction, format_datetime
from app.services.orders import printing
from app.services.orders.screens import PRINT_TEMPLATE
from models.print_templates import PrintTemplate, TemplateKind


def _help(kind_fields) -> str:
    return "可用占位符：" + "、".join(f"{code}（{label}）" for code, label in kind_fields)


ORDER_HELP = _help([(f"{{${k}$}}", v) for k, v in printing.ORDER_FIELDS.items()])
QUOTE_HELP = _help([(f"{{${k}$}}", v) for k, v in printing.QUOTE_FIELDS.items()])
LINE_HELP = ("产品明细为一个表格，含有以下占位符的那一行会按产品逐行重复：" + "、".join(
    f"{{${k}$}}（{v}）" for k, v in printing.LINE_FIELDS.items()))


class PrintTemplateView(CrmModelView):
    screen = PRINT_TEMPLATE
    can_view_details = False
    column_list = ("kind", "name", "is_default", "updated_at")
    column_labels = {"kind": "模板类型", "name": "模板名称", "is_default": "默认模板", "updated_at": "修改时间",
                     "header_html": "上部模板设置", "lines_html": "产品明细设置", "footer_html": "底部模板设置"}
    column_formatters = {"kind": lambda v, c, m, n: m.kind.label, "updated_at": format_datetime,
                         "is_default": lambda v, c, m, n: "默认" if m.is_default else ""}
    column_default_sort = [("kind", False), ("id", False)]
    column_filters = (FilterEqual(PrintTemplate.kind, "模板类型", options=[(k.value, k.label) for k in TemplateKind]),)
    form_columns = ("kind", "name", "is_default", "header_html", "lines_html", "footer_html")
    form_overrides = {"kind": SelectField, "header_html": TextAreaField, "lines_html": TextAreaField,
                      "footer_html": TextAreaField}
    form_args = {
        "kind": {"label": "模板类型", "choices": [(k.value, k.label) for k in TemplateKind],
                 "coerce": lambda v: TemplateKind(v) if v else None},
        "name": {"validators": [DataRequired("模板名称不能为空"), Length(max=50, message="模板名称不能超过 50 个字")]},
        "is_default": {"label": "设为默认模板"},
        "header_html": {"description": ORDER_HELP + "；报价单" + QUOTE_HELP},
        "lines_html": {"description": LINE_HELP},
        "footer_html": {"description": "底部同样可以使用上部的占位符。"},
    }
    form_widget_args = {"header_html": {"rows": 10, "style": "font-family:monospace"},
                        "lines_html": {"rows": 10, "style": "font-family:monospace"},
                        "footer_html": {"rows": 6, "style": "font-family:monospace"}}
    post_row_actions = (PostRowAction("make_default", "设为默认", "edit", visible=lambda row: not row.is_default),)
    page_row_actions = (PageRowAction(".preview", "预览", "view", id_arg="template_id"),)

    def __init__(self, model, *args, name=None, **kwargs):
        super().__init__(model, *args, name="模板管理", **kwargs)

    def is_visible(self):
        return False

    def on_model_change(self, form, model, is_created):
        printing.save_template(model)

    @expose("/preview/<int:template_id>")
    def preview(self, template_id):
        """The template filled with example data (never a real order), as it would print."""
        template = self.get_one(str(template_id))
        values, lines = printing.sample_values(template.kind)
        return self.render("print/document.html", pages=[printing.render(template, values, lines)],
                           title=f"{template.kind.label}模板预览", current_template=template, templates=[template],
                           kind=template.kind, switch_url=lambda t: url_for(".preview", template_id=t.id))

    def do_make_default(self, obj):
        printing.set_default_template(obj)
        return f"已将“{obj.name}”设为默认{obj.kind.label}模板"
