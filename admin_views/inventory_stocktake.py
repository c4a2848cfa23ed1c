"""库存盘点 pages (12.3, fig. 12-21): pick a warehouse, 开始盘点, enter actual quantities (相符 / 盘正 / 盘负),
the 盘点单 page with 通过审核 and the movements posted since 开始盘点, 删除, 打印. Hidden from the menu."""

import tempfile
from io import BytesIO

from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select

from admin_views.base import SecuredView
from admin_views.inventory_pages import print_document
from admin_views.transactions import committed
from admin_views.workflow import step_buttons
from app.extensions import db
from app.services.errors import Forbidden, NotFound, ValidationFailed
from app.services.inventory import documents, postings, stocktake_import, stocktakes
from app.services.inventory.flow import STOCKTAKE_FLOW
from app.services.inventory.screens import STOCKTAKE
from app.services.workflow import advance_one, success_message
from app.timeutil import format_local
from models.base_data import Warehouse
from models.print_templates import TemplateKind

COUNT_PREFIX = "actual_"


class StocktakePagesView(SecuredView):
    screen = STOCKTAKE
    flow = STOCKTAKE_FLOW

    def __init__(self, model=None, name=None, category=None, endpoint=None, url=None, **kwargs):
        super().__init__(name="盘点单", category=category, endpoint=endpoint, url=url, **kwargs)

    def is_visible(self):
        return False

    @expose("/")
    def index(self):
        return redirect(url_for("stocktake.index_view"))

    def _doc(self, doc_id, permission="view"):
        try:
            return STOCKTAKE_FLOW.get(doc_id, current_user, permission)
        except NotFound:
            abort(404)
        except Forbidden:
            abort(403)

    @expose("/add", methods=["GET", "POST"])
    def new(self):
        """① 选择仓库 ② 开始盘点: the 盘点单 is created with the book quantities, then counted on its edit page."""
        self.require("add")
        if request.method == "POST":
            with committed() as outcome:
                sheet = stocktakes.start_stocktake(request.form.get("warehouse_id"), current_user,
                                                   request.form.get("remark"))
                outcome.message = f"盘点单 {sheet.number} 已载入 {len(sheet.lines)} 个产品的账面库存，请录入实际库存"
            if not outcome.failed:
                return redirect(url_for(".edit", doc_id=sheet.id))
        warehouses = db.session.scalars(select(Warehouse).where(Warehouse.is_enabled.is_(True))
                                        .order_by(Warehouse.sort_order, Warehouse.id)).all()
        return self.render("admin/inventory/stocktake_new.html", warehouses=warehouses,
                           values=request.form.to_dict())

    def _page(self, sheet, editing: bool, values=None):
        back = url_for(".detail", doc_id=sheet.id)
        steps = step_buttons(STOCKTAKE_FLOW, sheet, lambda step: url_for(".step", doc_id=sheet.id, step_name=step.name,
                                                                         url=back))
        moved = sheet.moved_since_start if sheet.status.value == "approved" else postings.movements_since(sheet)
        return self.render("admin/inventory/stocktake.html", sheet=sheet, editing=editing, steps=steps,
                           values=values or {}, moved=moved, summary=stocktakes.summary(sheet), fmt=format_local,
                           editable=STOCKTAKE_FLOW.allows("edit", sheet), prefix=COUNT_PREFIX)

    @expose("/<doc_id>/edit", methods=["GET", "POST"])
    def edit(self, doc_id):
        sheet = self._doc(doc_id, "edit")
        if request.method == "POST":
            counts = {key[len(COUNT_PREFIX):]: value for key, value in request.form.items()
                      if key.startswith(COUNT_PREFIX)}
            with committed() as outcome:
                stocktakes.save_counts(sheet.id, counts, current_user, request.form.get("remark"),
                                       notify=request.form.get("notify_approvers") == "1")
                outcome.message = f"盘点单 {sheet.number} 已保存"
            if not outcome.failed:
                return redirect(url_for(".detail", doc_id=sheet.id))
            return self._page(self._doc(doc_id, "edit"), True, request.form.to_dict()), 400
        if not STOCKTAKE_FLOW.allows("edit", sheet):
            flash(f"盘点单 {sheet.number} 已审核，不能修改；如盘点有误请重新盘点", "error")
            return redirect(url_for(".detail", doc_id=sheet.id))
        return self._page(sheet, True)

    # 导入实盘数量 ---------------------------------------------------------------------
    def _pending(self, doc_id):
        sheet = self._doc(doc_id, "edit")
        if not STOCKTAKE_FLOW.allows("edit", sheet):
            flash(f"盘点单 {sheet.number} 已审核，不能导入实盘数量", "error")
            return sheet, redirect(url_for(".detail", doc_id=sheet.id))
        return sheet, None

    @expose("/<doc_id>/import-template.xlsx")
    def import_template(self, doc_id):
        sheet, refused = self._pending(doc_id)
        if refused:
            return refused
        return send_file(BytesIO(stocktake_import.template_bytes(sheet)), as_attachment=True,
                         download_name=f"盘点单{sheet.number}.xlsx",
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    @expose("/<doc_id>/import", methods=["POST"])
    def import_counts(self, doc_id):
        sheet, refused = self._pending(doc_id)
        if refused:
            return refused
        back = redirect(url_for(".edit", doc_id=sheet.id))
        upload = request.files.get("file")
        name = (upload.filename or "") if upload else ""
        if not name:
            flash("请选择要导入的 Excel 文件", "error")
            return back
        if not name.lower().endswith(".xlsx"):
            flash("只能导入 Excel 文件（.xlsx），请使用下载的模板", "error")
            return back
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as target:
            size = 0
            while chunk := upload.stream.read(65536):
                size += len(chunk)
                if size > stocktake_import.MAX_BYTES:
                    flash("文件超过 5M，请使用下载的模板填写后上传", "error")
                    return back
                target.write(chunk)
            target.flush()
            with committed() as outcome:
                _sheet, rows = stocktake_import.import_counts(sheet.id, target.name, current_user)
                outcome.message = f"盘点单 {sheet.number} 已导入 {rows} 行实盘数量"
        return back

    @expose("/<doc_id>")
    def detail(self, doc_id):
        return self._page(self._doc(doc_id), False)

    @expose("/<doc_id>/step/<step_name>", methods=["POST"])
    def step(self, doc_id, step_name):
        the_step = STOCKTAKE_FLOW.steps.get(step_name)
        if the_step is None:
            abort(404)
        self.require(the_step.action)
        sheet = self._doc(doc_id)
        with committed() as outcome:
            advance_one(STOCKTAKE_FLOW, sheet, step_name, current_user, request.form.get("note"))
            outcome.message = success_message(STOCKTAKE_FLOW, the_step, sheet)
            if sheet.moved_since_start:
                outcome.message += f"（注意：开始盘点后该仓库的这些产品有 {sheet.moved_since_start} 笔库存变动）"
        return redirect(url_for(".detail", doc_id=sheet.id))

    @expose("/<doc_id>/delete", methods=["POST"])
    def delete(self, doc_id):
        sheet = self._doc(doc_id, "delete")
        number = sheet.number
        with committed(f"盘点单 {number} 已删除") as outcome:
            _deleted, refused = documents.delete_documents(STOCKTAKE_FLOW, [sheet.id], current_user)
            if refused:
                raise ValidationFailed(refused[0])
        if outcome.failed:
            return redirect(url_for(".detail", doc_id=doc_id))
        return redirect(url_for("stocktake.index_view"))

    @expose("/<doc_id>/print")
    def print_view(self, doc_id):
        self.require("print")
        sheet = self._doc(doc_id)
        return print_document(sheet, TemplateKind.STOCKTAKE,
                              lambda t: url_for(".print_view", doc_id=sheet.id, template_id=t.id))
