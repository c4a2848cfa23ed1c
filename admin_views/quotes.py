"""报价单管理 (manual 5.8): every quote in scope with sums, search and dates; quote pages and print."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import and_, or_

from admin_views.document_list import DocumentListView, customer_link, customer_url, local_column, money_column, yuan
from admin_views.filters import LocalDateBetweenFilter
from admin_views.input import parse_id
from admin_views.orders_pages import parse_lines, parse_local_datetime
from admin_views.row_actions import PostRowAction
from admin_views.transactions import committed
from admin_views.workflow import state_labels, step_buttons
from app.extensions import db
from app.services.errors import DomainError, Forbidden, NotFound
from app.services.orders import printing
from app.services.orders import quotes as quote_service
from app.services.orders.orders import visible_customer
from app.services.orders.screens import QUOTE
from app.timeutil import format_local, to_local
from models.base import utcnow
from models.print_templates import TemplateKind
from models.products import Product
from models.quotes import Quote


def quote_input(form) -> quote_service.QuoteInput:
    return quote_service.QuoteInput(customer_id=form.get("customer_id"), lines=parse_lines(form),
                                    contact_name=form.get("contact_name"), phone=form.get("phone"),
                                    remark=form.get("remark"), quote_date=parse_local_datetime(form.get("quote_date")))


def _quote_link(_view, _context, model, _name):
    return Markup(f'<a href="{escape(url_for("quote.detail", quote_id=model.id))}">{escape(model.number)}</a>')


class QuoteView(DocumentListView):
    """Quotes use the orders' 数据范围 (module "order")."""

    screen = QUOTE
    flow = quote_service.QUOTE_FLOW
    title = "报价单管理"
    scope_module = "order"
    sum_columns = ("total",)
    sum_label = "报价单金额汇总"
    add_endpoint = "quote.new"
    add_label = "添加报价单"
    export_filename = "报价单"
    column_list = ("number", "customer", "contact_name", "total", "owner", "quote_date", "status")
    column_labels = {"number": "报价单号", "customer": "客户名称", "contact_name": "联络人", "total": "报价总额",
                     "owner": "报价客服", "quote_date": "报价日期", "status": "状态", "phone": "联系电话"}
    column_sortable_list = ("number", "quote_date", "total")
    column_default_sort = [("quote_date", True), ("id", True)]
    column_searchable_list = ("number", "contact_name")
    column_formatters = {
        "number": _quote_link, "customer": customer_link, "total": money_column,
        "owner": lambda v, c, m, n: m.owner.real_name, "quote_date": local_column(),
        "status": lambda v, c, m, n: m.status.label,
    }
    column_formatters_export = {"customer": lambda v, c, m, n: m.customer.name, "owner": lambda v, c, m, n: m.owner.real_name,
                                "status": lambda v, c, m, n: m.status.label}
    column_filters = (LocalDateBetweenFilter(Quote.quote_date, "报价日期"),)
    other_row_actions = (PostRowAction("copy", "复制", "add", css="btn-outline-secondary"),)
    row_steps = ("convert",)

    def search_condition(self, term):
        """报价单号 or 联络人 starting with the term."""
        term = term.strip()
        return or_(and_(Quote.number >= term.upper(), Quote.number < term.upper() + "\uffff"),
                   and_(Quote.contact_name >= term, Quote.contact_name < term + "\uffff"))

    def on_model_delete(self, model):
        quote_service.ensure_quote_access(model, current_user, "delete")
        self.flow.ensure("delete", model, "删除")

    def do_copy(self, obj):
        copy = quote_service.copy_quote(obj, current_user)
        return f"已复制报价单 {obj.number}，新报价单号 {copy.number}"

    # Pages ------------------------------------------------------------------------
    def _quote(self, quote_id, action="view") -> Quote:
        try:
            return quote_service.get_quote(quote_id, current_user, action)
        except NotFound:
            abort(404)
        except Forbidden:
            abort(403)

    def _form(self, quote=None, customer=None, form=None):
        values, lines = {}, []
        if form is not None:
            values = form.to_dict()
            for line in parse_lines(form):
                product = (db.session.get(Product, parse_id(line.product_id)) if parse_id(line.product_id) else None)
                lines.append({"product": product, "quantity": line.quantity, "unit_price": line.unit_price})
        elif quote is not None:
            values = {"customer_id": quote.customer_id, "contact_name": quote.contact_name or "", "phone": quote.phone or "",
                      "remark": quote.remark or "", "quote_date": to_local(quote.quote_date).strftime("%Y-%m-%dT%H:%M")}
            lines = [{"product": line.product, "quantity": f"{line.quantity.normalize():f}",
                      "unit_price": f"{line.unit_price:.2f}"} for line in quote.lines]
        elif customer is not None:
            values = {"customer_id": customer.id, "contact_name": customer.contact_name or "",
                      "phone": customer.mobile or customer.phone or ""}
        values.setdefault("quote_date", to_local(utcnow()).strftime("%Y-%m-%dT%H:%M"))
        if customer is None and quote is not None:
            customer = quote.customer
        return self.render("admin/orders/quote_form.html", quote=quote, values=values, lines=lines, customer=customer)

    @expose("/add", methods=["GET", "POST"])
    def new(self):
        self.require("add")
        if request.method == "POST":
            with committed() as outcome:
                quote = quote_service.create_quote(quote_input(request.form), current_user)
                outcome.message = f"报价单 {quote.number} 已保存"
            if not outcome.failed:
                return redirect(url_for(".detail", quote_id=quote.id))
            customer = None
            try:
                customer = visible_customer(request.form.get("customer_id"), current_user)
            except DomainError:
                pass
            return self._form(customer=customer, form=request.form)
        customer = None
        if request.args.get("customer_id"):
            try:
                customer = visible_customer(request.args.get("customer_id"), current_user)
            except DomainError:
                abort(404)
        return self._form(customer=customer)

    @expose("/<int:quote_id>")
    def detail(self, quote_id):
        quote = self._quote(quote_id)
        back = url_for(".detail", quote_id=quote.id)
        steps = step_buttons(self.flow, quote, lambda step: url_for(".row_action", action_name=step.name,
                                                                    record_id=quote.id, url=back))
        return self.render("admin/orders/quote_detail.html", quote=quote, yuan=yuan, fmt=format_local,
                           customer_url=customer_url(quote.customer_id), steps=steps,
                           editable=self.flow.allows("edit", quote), status_labels=state_labels(self.flow),
                           templates=printing.templates_of(TemplateKind.QUOTE))

    @expose("/<int:quote_id>/edit", methods=["GET", "POST"])
    def edit(self, quote_id):
        quote = self._quote(quote_id, "edit")
        if request.method == "POST":
            with committed(f"报价单 {quote.number} 已保存") as outcome:
                quote_service.update_quote(quote, quote_input(request.form), current_user)
            if not outcome.failed:
                return redirect(url_for(".detail", quote_id=quote.id))
            return self._form(quote=self._quote(quote_id, "edit"), form=request.form)
        return self._form(quote=quote)

    @expose("/<int:quote_id>/print")
    def print_view(self, quote_id):
        quote = self._quote(quote_id, "print")
        try:
            template = printing.pick_template(TemplateKind.QUOTE, request.args.get("template_id"))
        except DomainError as exc:
            flash(exc.message, "error")
            return redirect(url_for(".detail", quote_id=quote.id))
        return self.render("print/document.html", pages=[printing.render_quote(template, quote)], title="报价单打印",
                           current_template=template, templates=printing.templates_of(TemplateKind.QUOTE),
                           kind=TemplateKind.QUOTE,
                           switch_url=lambda t: url_for(".print_view", quote_id=quote.id, template_id=t.id))
