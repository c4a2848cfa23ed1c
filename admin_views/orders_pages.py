"""Order pages behind the lists: 订单明细, 添加/编辑订单, 销售退货, 物流, 回款, 打印, and the AJAX lookups.

Each handler parses the request, calls one service function, commits once and flashes the result.
"""

from datetime import date, datetime

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select

from admin_views.base import SecuredView
from admin_views.document_list import customer_url, yuan
from admin_views.input import parse_id, parse_ids
from admin_views.transactions import Outcome, committed
from admin_views.workflow import state_labels, step_buttons
from app.extensions import db
from app.security.permissions import can
from app.security.scope import apply_scope
from app.services.customers.search import search_condition as customer_search_condition
from app.services.customers.visibility import may_place_orders_for, orderable_condition
from app.services.errors import DomainError, Forbidden, NotFound, ValidationFailed
from app.services.orders import logistics, payments, printing, returns
from app.services.orders import orders as order_service
from app.services.orders.lines import LineInput
from app.services.orders.orders import RECEIVER_FIELDS, OrderInput
from app.services.orders.screens import ORDER
from app.services.orders.workflow import ORDER_FLOW, transition
from app.services.products import category_condition, search_condition
from app.services.workflow import success_message
from app.timeutil import format_local, local_to_utc, to_local
from models.accounts import Employee
from models.base import utcnow
from models.base_data import LogisticsCompany, Warehouse
from models.customers import Customer
from models.orders import OrderStatus, Payment, SalesOrder
from models.print_templates import TemplateKind
from models.products import Product

LOOKUP_LIMIT = 20
LIST_ENDPOINTS = {OrderStatus.PENDING: "order_pending", OrderStatus.PICKING: "order_picking",
                  OrderStatus.SHIPPED: "order_shipped", OrderStatus.COMPLETED: "order_completed",
                  OrderStatus.CANCELLED: "order_cancelled"}


def list_endpoint(order: SalesOrder) -> str:
    return "order_return" if order.is_return else LIST_ENDPOINTS[order.status]


def parse_lines(form) -> list[LineInput]:
    ids, quantities, prices = form.getlist("product_id"), form.getlist("quantity"), form.getlist("unit_price")
    lines = []
    for index, product_id in enumerate(ids):
        quantity = quantities[index] if index < len(quantities) else ""
        price = prices[index] if index < len(prices) else ""
        if not product_id.strip() and not quantity.strip():
            continue  # an empty row left in the form
        lines.append(LineInput(product_id, quantity, price))
    return lines


def parse_local_datetime(value: str | None) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if not 1900 <= parsed.year <= 2999:
            raise ValidationFailed("日期不正确（年份应在 1900 至 2999 之间）")
        return local_to_utc(parsed)
    raise ValidationFailed("日期格式不正确")


def order_input(form) -> OrderInput:
    return OrderInput(
        customer_id=form.get("customer_id"), lines=parse_lines(form), owner_id=form.get("owner_id"),
        order_date=parse_local_datetime(form.get("order_date")), warehouse_id=form.get("warehouse_id"),
        freight=form.get("freight", "0"), discount=form.get("discount", "0"), paid=form.get("paid", "0"),
        texts={name: form.get(name) for name in RECEIVER_FIELDS})


class OrderPagesView(SecuredView):
    """Hidden from the menu: the lists, the customer tabs and reminders link here."""

    screen = ORDER

    def __init__(self, model=None, name=None, category=None, endpoint=None, url=None, **kwargs):
        super().__init__(name="销售订单", category=category, endpoint=endpoint, url=url, **kwargs)

    def is_visible(self):
        return False

    @property
    def extra_js(self):
        return [url_for("static", filename="workflow.js")]

    def _fail(self, exc: DomainError):
        if isinstance(exc, NotFound):
            abort(404)
        if isinstance(exc, Forbidden):
            abort(403)

    def _fail_and_flash(self, outcome: Outcome):
        """After committed(flash_error=False) rolled back: 404 / 403 for NotFound / Forbidden, else flash the error."""
        self._fail(outcome.exception)
        flash(outcome.error, "error")

    def _order(self, order_id, permission="view") -> SalesOrder:
        try:
            return order_service.get_order(order_id, current_user, permission)
        except DomainError as exc:
            self._fail(exc)
            raise

    def _back(self, order: SalesOrder):
        return redirect(url_for(".detail", order_id=order.id))

    @expose("/")
    def index(self):
        return redirect(url_for("order_query.index_view"))

    # Detail --------------------------------------------------------------------
    @expose("/<int:order_id>")
    def detail(self, order_id):
        order = self._order(order_id)
        kind = TemplateKind.SHIPPING if order.status in (OrderStatus.SHIPPED, OrderStatus.COMPLETED) \
            else TemplateKind.PICKING
        steps = step_buttons(ORDER_FLOW, order, lambda step: url_for(".do_transition", order_id=order.id,
                                                                     step_name=step.name))
        allows = {name: ORDER_FLOW.allows(name, order) for name in ORDER_FLOW.capabilities}
        return self.render("admin/orders/detail.html", order=order, yuan=yuan, fmt=format_local,
                           status_labels=state_labels(ORDER_FLOW), steps=steps,
                           customer_url=customer_url(order.customer_id),
                           templates={k: printing.templates_of(k) for k in (TemplateKind.PICKING, TemplateKind.SHIPPING)},
                           default_kind=kind, list_endpoint=list_endpoint(order),
                           editable=allows["edit"], deletable=allows["delete"], shippable=allows["logistics"],
                           payable=allows["pay"], returnable=allows["return"])

    @expose("/<int:order_id>/payments")
    def payment_records(self, order_id):
        order = self._order(order_id)
        return redirect(url_for(".detail", order_id=order.id, _anchor="payments"))

    # Form ------------------------------------------------------------------------
    def _form_context(self, order=None, customer=None, form=None, is_return=False, original=None):
        owners = apply_scope(select(Employee).where(Employee.is_enabled.is_(True)), Employee.id, current_user,
                             "order").order_by(Employee.id)
        warehouses = db.session.scalars(select(Warehouse).where(Warehouse.is_enabled.is_(True))
                                        .order_by(Warehouse.sort_order, Warehouse.id)).all()
        values = {}
        lines = []
        if form is not None:
            values = form.to_dict()
            for line in parse_lines(form):
                product = (db.session.get(Product, parse_id(line.product_id)) if parse_id(line.product_id) else None)
                lines.append({"product": product, "quantity": line.quantity, "unit_price": line.unit_price})
        elif order is not None:
            values = {name: getattr(order, name) or "" for name in RECEIVER_FIELDS}
            values.update(customer_id=order.customer_id, owner_id=order.owner_id, warehouse_id=order.warehouse_id,
                          order_date=to_local(order.order_date).strftime("%Y-%m-%dT%H:%M"),
                          freight=f"{order.freight:.2f}", discount=f"{order.discount:.2f}",
                          paid=f"{order_service.paid_at_order_time(order):.2f}")
            lines = [{"product": line.product, "quantity": f"{line.quantity.normalize():f}",
                      "unit_price": f"{line.unit_price:.2f}"} for line in order.lines]
        elif customer is not None:
            values = {k: v or "" for k, v in order_service.receiver_defaults(customer).items()}
            values.update(customer_id=customer.id, owner_id=current_user.id)
            if original is not None:
                left = returns.returnable_quantities(original)
                lines = [{"product": line.product, "quantity": f"{left.get(line.product_id, 0).normalize():f}",
                          "unit_price": f"{line.unit_price:.2f}"} for line in original.lines
                         if left.get(line.product_id, 0) > 0]
        if not values.get("order_date"):
            values["order_date"] = to_local(utcnow()).strftime("%Y-%m-%dT%H:%M")
        chosen_customer = customer or (order.customer if order else None)
        if chosen_customer is None and parse_id(values.get("customer_id")):
            posted = db.session.get(Customer, parse_id(values["customer_id"]))
            # A crafted id must not reveal another user's customer name on the re-rendered form.
            chosen_customer = posted if posted and may_place_orders_for(current_user, posted) else None
        return dict(order=order, values=values, lines=lines, owners=db.session.scalars(owners).all(),
                    warehouses=warehouses, customer=chosen_customer, is_return=is_return, original=original)

    @expose("/new", methods=["GET", "POST"])
    def new(self):
        self.require("add")
        customer = None
        if request.method == "POST":
            with committed() as outcome:
                order = order_service.create_order(order_input(request.form), current_user)
                outcome.message = f"订单 {order.number} 已提交，等待审核"
            if not outcome.failed:
                return self._back(order)
            return self.render("admin/orders/form.html", **self._form_context(form=request.form))
        customer_id = parse_id(request.args.get("customer_id"))
        if customer_id:
            try:
                customer = order_service.visible_customer(customer_id, current_user)
            except DomainError:
                abort(404)
        return self.render("admin/orders/form.html", **self._form_context(customer=customer))

    @expose("/<int:order_id>/edit", methods=["GET", "POST"])
    def edit(self, order_id):
        order = self._order(order_id, "edit")
        if request.method == "POST":
            with committed(f"订单 {order.number} 已保存") as outcome:
                order_service.update_order(order, order_input(request.form), current_user)
            if not outcome.failed:
                return self._back(order)
            order = self._order(order_id, "edit")
            return self.render("admin/orders/form.html", **self._form_context(order=order, form=request.form))
        if not ORDER_FLOW.allows("edit", order):
            flash(f"订单 {order.number} 当前状态为“{order.status_label}”，审核通过后的订单不能修改", "error")
            return self._back(order)
        return self.render("admin/orders/form.html", **self._form_context(order=order))

    @expose("/return/new", methods=["GET", "POST"])
    def new_return(self):
        self.require("add")
        original = None
        original_id = parse_id(request.values.get("original_id"))
        if original_id:
            original = self._order(original_id)
        if request.method == "POST":
            with committed() as outcome:
                order = returns.create_return(order_input(request.form), current_user, original_id)
                outcome.message = f"退货单 {order.number} 已提交，等待审核"
            if not outcome.failed:
                return self._back(order)
            return self.render("admin/orders/form.html", **self._form_context(
                form=request.form, is_return=True, original=original))
        customer_id = parse_id(request.args.get("customer_id")) or (original.customer_id if original else None)
        customer = None
        if customer_id:
            try:
                customer = order_service.visible_customer(customer_id, current_user)
            except DomainError:
                abort(404)
        originals = []
        if customer is not None:
            originals = db.session.scalars(apply_scope(
                select(SalesOrder).where(SalesOrder.customer_id == customer.id, SalesOrder.is_return.is_(False),
                                         SalesOrder.status.in_(ORDER_FLOW.states_allowing("return"))),
                SalesOrder.owner_id, current_user, "order").order_by(SalesOrder.id.desc()).limit(50)).all()
        context = self._form_context(customer=customer, is_return=True, original=original)
        return self.render("admin/orders/form.html", originals=originals, **context)

    # Workflow --------------------------------------------------------------------
    @expose("/<int:order_id>/transition/<step_name>", methods=["POST"])
    def do_transition(self, order_id, step_name):
        step = ORDER_FLOW.steps.get(step_name) or abort(404)
        self.require(step.action)
        order = self._order(order_id)
        with committed(flash_error=False) as outcome:
            transition(order, step_name, current_user, request.form.get("note"))
            outcome.message = success_message(ORDER_FLOW, step, order)
        if outcome.failed:
            self._fail_and_flash(outcome)
        return self._back(order)

    @expose("/<int:order_id>/delete", methods=["POST"])
    def delete(self, order_id):
        order = self._order(order_id, "delete")
        number, endpoint = order.number, list_endpoint(order)
        with committed(f"订单 {number} 已删除") as outcome:
            order_service.delete_order(order, current_user)
        if outcome.failed:
            return self._back(order)
        return redirect(url_for(f"{endpoint}.index_view"))

    # 物流 ---------------------------------------------------------------------------
    @expose("/<int:order_id>/logistics", methods=["GET", "POST"])
    def logistics(self, order_id):
        order = self._order(order_id, "ship")
        if request.method == "POST":
            button = request.form.get("button", "save")
            with committed(flash_error=False) as outcome:
                if button == "cancel":
                    transition(order, "cancel", current_user, request.form.get("remark"))
                    outcome.message = f"订单 {order.number} 已取消"
                else:
                    logistics.save_logistics(order, request.form.get("logistics_company_id"),
                                             request.form.get("tracking_number"), request.form.get("remark"),
                                             current_user, ship=button == "ship",
                                             notify_receiver=request.form.get("notify_receiver") == "1")
                    outcome.message = (f"订单 {order.number} 的物流信息已保存并发货" if button == "ship"
                                       else f"订单 {order.number} 的物流信息已保存")
            if not outcome.failed:
                return self._back(order)
            self._fail_and_flash(outcome)
            order = self._order(order_id, "ship")
        companies = db.session.scalars(select(LogisticsCompany).order_by(LogisticsCompany.sort_order,
                                                                         LogisticsCompany.id)).all()
        return self.render("admin/orders/logistics.html", order=order, companies=companies, yuan=yuan,
                           fmt=format_local)

    # 回款 ----------------------------------------------------------------------------
    @expose("/<int:order_id>/payment", methods=["GET", "POST"])
    def payment(self, order_id):
        order = self._order(order_id, "pay")
        if request.method == "POST":
            try:
                with committed(flash_error=False) as outcome:
                    paid_on = request.form.get("paid_on") or None
                    payments.record_payment(order, request.form.get("amount"),
                                            date.fromisoformat(paid_on) if paid_on else None,
                                            request.form.get("method"), request.form.get("note"), current_user)
                    outcome.message = f"订单 {order.number} 回款成功，当前欠款 {yuan(order.debt)}"
            except ValueError:  # committed() lets it through without a rollback
                db.session.rollback()
                flash("回款日期格式不正确", "error")
            else:
                if not outcome.failed:
                    return self._back(order)
                self._fail_and_flash(outcome)
            order = self._order(order_id, "pay")
        return self.render("admin/orders/payment.html", order=order, yuan=yuan, methods=Payment.METHODS,
                           today=date.today().isoformat(), fmt=format_local)

    # 打印 ----------------------------------------------------------------------------
    @expose("/<int:order_id>/print")
    def print_view(self, order_id):
        order = self._order(order_id, "print")
        return self._print([order], request.args.get("kind"), request.args.get("template_id"))

    @expose("/print")
    def print_many(self):
        self.require("print")
        ids = parse_ids(request.args.getlist("id"), limit=100)
        orders = [self._order(i, "print") for i in ids]
        if not orders:
            abort(404)
        return self._print(orders, request.args.get("kind"), request.args.get("template_id"))

    def _print(self, orders, kind_value, template_id):
        try:
            kind = TemplateKind(kind_value or "picking")
            if kind == TemplateKind.QUOTE:
                raise ValueError
        except ValueError:
            abort(404)
        try:
            template = printing.pick_template(kind, template_id)
        except DomainError as exc:
            flash(exc.message, "error")
            return self._back(orders[0])
        pages = [printing.render_order(template, order) for order in orders]
        return self.render("print/document.html", pages=pages, title=f"{kind.label}打印", current_template=template,
                           templates=printing.templates_of(kind), kind=kind,
                           switch_url=lambda t: url_for(request.endpoint, **{**request.view_args,
                                                                            **request.args.to_dict(flat=False),
                                                                            "template_id": t.id}))

    # Lookups ---------------------------------------------------------------------------
    @expose("/lookup/customers")
    def lookup_customers(self):
        """客户 picker through the customer search index (name, contact, code, pinyin, phone digits ...);
        only customers the user may place orders for (app.services.customers.visibility)."""
        if not (self.allowed("add") or self.allowed("edit")):
            abort(403)
        term = (request.args.get("q") or "").strip()
        condition = customer_search_condition(term) if term else None
        if condition is None:
            return jsonify(results=[])
        query = select(Customer).where(condition)
        orderable = orderable_condition(current_user)
        if orderable is not None:
            query = query.where(orderable)
        rows = db.session.scalars(query.order_by(Customer.id.desc()).limit(LOOKUP_LIMIT)).all()
        return jsonify(results=[{
            "id": c.id, "text": f"{c.name}（{c.code}）", "name": c.name,
            "receiver": order_service.receiver_defaults(c)} for c in rows])

    @expose("/lookup/products")
    def lookup_products(self):
        """产品 picker: code, name, pinyin initials or spec; on-shelf products only."""
        if not (self.allowed("add") or self.allowed("edit") or can_quote()):
            abort(403)
        term, category = (request.args.get("q") or "").strip(), parse_id(request.args.get("category"))
        conditions = ([search_condition(term)] if term else []) + ([category_condition(category)] if category else [])
        if not conditions:
            return jsonify(results=[])
        rows = db.session.scalars(select(Product).where(Product.on_shelf.is_(True), *conditions)
                                  .order_by(Product.code).limit(LOOKUP_LIMIT)).all()
        return jsonify(results=[{"id": p.id, "text": f"{p.code} {p.name} {p.spec or ''}".strip(), "code": p.code,
                                 "name": p.name, "spec": p.spec or "", "unit": p.unit or "",
                                 "price": f"{p.price:.2f}"} for p in rows])


def can_quote() -> bool:
    return can("quote.add") or can("quote.edit")
