"""Pages of 采购进货单 and 采购退货单 (12.1, 12.2): 添加 / 编辑 (fig. 12-2, the product picker), the document page
with 通过审核 and 删除, 付款 (fig. 12-7), 打印 and the picker's JSON lookup. Hidden from the menu."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select

from admin_views.base import SecuredView
from admin_views.transactions import committed
from admin_views.workflow import state_labels, step_buttons
from app.extensions import db
from app.security.permissions import can
from app.services.errors import Forbidden, NotFound, ValidationFailed
from app.services.inventory import documents, payments, queries
from app.services.inventory.flow import PURCHASE_FLOW, RETURN_FLOW
from app.services.inventory.screens import PURCHASE, PURCHASE_RETURN
from app.services.orders import printing
from app.services.workflow import advance_one, parse_record_id, success_message
from app.timeutil import format_local, local_today
from models.base_data import Supplier, Warehouse
from models.print_templates import TemplateKind


def lines_from(form) -> list[documents.LineInput]:
    ids, prices, quantities = form.getlist("product_id"), form.getlist("unit_price"), form.getlist("quantity")
    lines = []
    for index, product_id in enumerate(ids[:documents.MAX_LINES + 1]):
        price = prices[index] if index < len(prices) else ""
        quantity = quantities[index] if index < len(quantities) else ""
        if not product_id.strip() and not quantity.strip():
            continue  # an empty row left in the form
        lines.append(documents.LineInput(product_id, price, quantity))
    return lines


def input_from(form) -> documents.DocumentInput:
    return documents.DocumentInput(form.get("supplier_id"), form.get("warehouse_id"), lines_from(form),
                                   form.get("day"), form.get("paid"), form.get("discount"), form.get("remark"))


def print_document(doc, kind: TemplateKind, switch_url):
    """The document through its 打印模板 (模板管理; ?template_id= picks another of the kind)."""
    try:
        template = printing.pick_template(kind, request.args.get("template_id"))
    except ValidationFailed as exc:
        return render_template("error.html", code=400, message=exc.message), 400
    return render_template("print/document.html", pages=[printing.render_inventory(template, doc)],
                           title=f"{kind.label} {doc.number}", current_template=template,
                           templates=printing.templates_of(kind), kind=kind, switch_url=switch_url)


class DocumentPages(SecuredView):
    """One document type's pages; subclasses name the flow, the screen and the list endpoints."""

    flow = PURCHASE_FLOW
    noun = "采购单"
    day_label = "收货日期"
    price_label = "采购单价"
    pending_list = "purchase"
    approved_list = "purchase_approved"
    with_payment = True
    template_kind = TemplateKind.PURCHASE

    def __init__(self, model=None, name=None, category=None, endpoint=None, url=None, **kwargs):
        super().__init__(name=self.noun, category=category, endpoint=endpoint, url=url, **kwargs)

    def is_visible(self):
        return False

    @expose("/")
    def index(self):
        return redirect(url_for(f"{self.pending_list}.index_view"))

    def _doc(self, doc_id, permission="view"):
        try:
            return self.flow.get(doc_id, current_user, permission)
        except NotFound:
            abort(404)
        except Forbidden:
            abort(403)

    def _form(self, values: dict, lines: list[dict], doc=None):
        warehouses = db.session.scalars(select(Warehouse).where(Warehouse.is_enabled.is_(True))
                                        .order_by(Warehouse.sort_order, Warehouse.id)).all()
        suppliers = db.session.scalars(select(Supplier).order_by(Supplier.is_default.desc(), Supplier.name)
                                       .limit(500)).all()
        return self.render("admin/inventory/doc_form.html", values=values, lines=lines, doc=doc, view=self,
                           warehouses=warehouses, suppliers=suppliers)

    def _posted_lines(self):
        from models.products import Product

        rows = []
        for line in lines_from(request.form):
            key = parse_record_id(line.product_id)
            product = db.session.get(Product, key) if key is not None else None
            rows.append({"product": product, "unit_price": line.unit_price, "quantity": line.quantity})
        return rows

    @expose("/add", methods=["GET", "POST"])
    def new(self):
        self.require("add")
        if request.method == "POST":
            with committed() as outcome:
                doc = documents.create_document(self.flow, input_from(request.form), current_user,
                                                notify=request.form.get("notify_approvers") == "1")
                outcome.message = f"{self.noun} {doc.number} 已保存，等待审核"
            if not outcome.failed:
                return redirect(url_for(".detail", doc_id=doc.id))
            return self._form(request.form.to_dict(), self._posted_lines())
        default = db.session.scalar(select(Supplier.id).where(Supplier.is_default.is_(True)))
        return self._form({"supplier_id": default or "", "day": local_today().isoformat()}, [])

    @expose("/<doc_id>/edit", methods=["GET", "POST"])
    def edit(self, doc_id):
        doc = self._doc(doc_id, "edit")
        if request.method == "POST":
            with committed() as outcome:
                documents.update_document(self.flow, doc.id, input_from(request.form), current_user)
                outcome.message = f"{self.noun} {doc.number} 已保存"
            if not outcome.failed:
                return redirect(url_for(".detail", doc_id=doc.id))
            return self._form(request.form.to_dict(), self._posted_lines(), doc)
        if not self.flow.allows("edit", doc):
            flash(f"{self.noun} {doc.number} 已审核，不能修改；如有错误请通过库存盘点修正库存", "error")
            return redirect(url_for(".detail", doc_id=doc.id))
        day = doc.received_on if self.with_payment else doc.returned_on
        values = {"supplier_id": doc.supplier_id, "warehouse_id": doc.warehouse_id, "day": day.isoformat(),
                  "remark": doc.remark or ""}
        if self.with_payment:
            values.update(paid=f"{doc.paid:.2f}", discount=f"{doc.discount:.2f}")
        lines = [{"product": line.product, "unit_price": f"{line.unit_price:.2f}",
                  "quantity": f"{line.quantity.normalize():f}"} for line in doc.lines]
        return self._form(values, lines, doc)

    @expose("/<doc_id>")
    def detail(self, doc_id):
        doc = self._doc(doc_id)
        back = url_for(".detail", doc_id=doc.id)
        steps = step_buttons(self.flow, doc, lambda step: url_for(".step", doc_id=doc.id, step_name=step.name,
                                                                  url=back))
        return self.render("admin/inventory/doc_detail.html", doc=doc, steps=steps, view=self, fmt=format_local,
                           status_labels=state_labels(self.flow), editable=self.flow.allows("edit", doc),
                           payable=self.with_payment and self.flow.allows("pay", doc))

    @expose("/<doc_id>/step/<step_name>", methods=["POST"])
    def step(self, doc_id, step_name):
        the_step = self.flow.steps.get(step_name)
        if the_step is None:
            abort(404)
        self.require(the_step.action)
        doc = self._doc(doc_id)
        with committed() as outcome:
            advance_one(self.flow, doc, step_name, current_user, request.form.get("note"))
            outcome.message = success_message(self.flow, the_step, doc)
        return redirect(url_for(".detail", doc_id=doc.id))

    @expose("/<doc_id>/delete", methods=["POST"])
    def delete(self, doc_id):
        doc = self._doc(doc_id, "delete")
        number = doc.number
        with committed(f"{self.noun} {number} 已删除") as outcome:
            deleted, refused = documents.delete_documents(self.flow, [doc.id], current_user)
            if refused:
                raise ValidationFailed(refused[0])
        if outcome.failed:
            return redirect(url_for(".detail", doc_id=doc_id))
        return redirect(url_for(f"{self.pending_list}.index_view"))

    @expose("/<doc_id>/print")
    def print_view(self, doc_id):
        self.require("print")
        doc = self._doc(doc_id)
        if not self.flow.allows("print", doc):
            abort(404)  # 只有审核通过的单据可以打印 (12.1.3)
        return print_document(doc, self.template_kind, lambda t: url_for(".print_view", doc_id=doc.id,
                                                                          template_id=t.id))

    @expose("/lookup/products")
    def lookup_products(self):
        """The product picker (fig. 12-2): 上次进价 and 当前库存 in the chosen warehouse."""
        if not (self.allowed("add") or self.allowed("edit")):
            abort(403)
        warehouse_id = parse_record_id(request.args.get("warehouse_id"))
        return jsonify(results=queries.pick_products(request.args.get("q") or "", warehouse_id))


    @expose("/lookup/history")
    def purchase_history(self):
        """进货记录 of one product (fig. 12-2): its latest purchase lines, newest first."""
        if not (self.allowed("add") or self.allowed("edit")) or not can("purchase.view"):
            abort(403)
        key = parse_record_id(request.args.get("product_id"))
        if key is None:
            abort(404)
        return jsonify(results=[{"number": doc.number, "day": doc.received_on.isoformat(), "supplier": doc.supplier.name,
                                 "status": doc.status.label, "unit_price": f"{line.unit_price:.2f}",
                                 "quantity": f"{line.quantity:.2f}"} for doc, line in queries.purchase_history(key)])


class PurchasePagesView(DocumentPages):
    screen = PURCHASE

    @expose("/<doc_id>/pay", methods=["GET", "POST"])
    def pay(self, doc_id):
        doc = self._doc(doc_id, "pay")
        if request.method == "POST":
            with committed() as outcome:
                payment = payments.pay_purchase(doc.id, request.form.get("amount"), request.form.get("paid_on"),
                                                request.form.get("note"), current_user)
                outcome.message = f"采购单 {doc.number} 已付款 ¥{payment.amount}"
            if not outcome.failed:
                return redirect(url_for(".detail", doc_id=doc.id))
            return self.render("admin/inventory/pay.html", doc=doc, values=request.form.to_dict()), 400
        if not PURCHASE_FLOW.allows("pay", doc):
            abort(404)
        return self.render("admin/inventory/pay.html", doc=doc,
                           values={"amount": f"{doc.debt:.2f}", "paid_on": local_today().isoformat()})


class ReturnPagesView(DocumentPages):
    screen = PURCHASE_RETURN
    flow = RETURN_FLOW
    noun = "采购退货单"
    day_label = "退货日期"
    price_label = "退货单价"
    pending_list = "purchase_return"
    approved_list = "purchase_return_approved"
    with_payment = False
    template_kind = TemplateKind.PURCHASE_RETURN
