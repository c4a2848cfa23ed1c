"""模板管理 (manual 5.2, figures 5-9/5-10): 配货单, 发货单 and 报价单 templates with 上部, 产品明细 and 底部 parts.

Reached from the 模板管理 tab of the 正在配货/已经发货 lists, as in the manual, rather than from the menu.
"""

from flask import abort, render_template, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_login import current_user
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from admin_views.base import CrmModelView, format_datetime
from admin_views.order_tabs import order_tabs
from admin_views.rich_text import RICH_TEXT_CSS, StaticUrl
from admin_views.row_actions import PageRowAction, PostRowAction
from app.services.errors import DomainError, Forbidden, NotFound
from app.services.orders import print_preview, printing
from app.services.orders.screens import PRINT_TEMPLATE
from models.print_templates import PrintTemplate, TemplateKind

LINE_HELP = "产品明细为一个表格，含有产品明细字段（如 {$ProductName$}）的那一行会按产品逐行重复。"
PART_HELP = "在右侧“占位符”中点击即可插入到光标处；含表格的部分请在“源代码”中修改。"


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
        "header_html": {"description": PART_HELP},
        "lines_html": {"description": LINE_HELP},
        "footer_html": {"description": "底部同样可以使用订单（报价单）字段。"},
    }
    # data-print-editor: the part's editor (print_template_editor.js); "table" opens the 产品明细 part as source.
    form_widget_args = {name: {"rows": rows, "data-print-editor": mode, "spellcheck": "false",
                               "style": "font-family:monospace;font-size:12px"}
                        for name, rows, mode in (("header_html", 12, "rich"), ("lines_html", 12, "table"),
                                                 ("footer_html", 8, "rich"))}
    list_template = "admin/print_templates/list.html"
    create_template = "admin/print_templates/create.html"
    edit_template = "admin/print_templates/edit.html"
    extra_css = [*RICH_TEXT_CSS, StaticUrl("css/print_template_editor.css")]
    extra_js = [StaticUrl("vendor/quill/quill.js"), StaticUrl("js/print_template_editor.js")]
    post_row_actions = (PostRowAction("make_default", "设为默认", "edit", visible=lambda row: not row.is_default),)
    page_row_actions = (PageRowAction(".preview", "预览", "view", id_arg="template_id"),)

    def __init__(self, model, *args, name=None, **kwargs):
        super().__init__(model, *args, name="模板管理", **kwargs)

    def is_visible(self):
        return False

    def on_model_change(self, form, model, is_created):
        printing.save_template(model)

    def tabs(self):
        return order_tabs("templates")

    def placeholder_groups(self) -> dict[str, list]:
        """The picker's lists per 模板类型; the page shows the one of the chosen type."""
        return {kind.value: printing.placeholder_groups(kind) for kind in TemplateKind}

    @expose("/preview", methods=["POST"])
    def preview_draft(self):
        """预览 of the form as typed (unsaved edits included), in a new tab; CSRF-checked like every POST."""
        if not (self.allowed("add") or self.allowed("edit")):
            abort(403)
        form = request.form
        try:
            template, page, caption = print_preview.preview(form.get("kind"), form.get("header_html"),
                                                            form.get("lines_html"), form.get("footer_html"),
                                                            form.get("preview_number"), current_user)
        except DomainError as exc:
            code = 404 if isinstance(exc, NotFound) else 403 if isinstance(exc, Forbidden) else 400
            return render_template("error.html", code=code, message=exc.message), code
        return self.render("print/document.html", pages=[page], title=f"{template.kind.label}模板预览（{caption}）",
                           current_template=None, templates=[], caption=caption)

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
