"""Ticket pages (manual 6.1-6.5): 添加工单, 编辑, the ticket page (conversation, 提交回复, buttons, 工单日志),
工单分配 / 重新分配 (one or the selected tickets), 删除, attachment download. Hidden from the menu."""

from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select

from admin_views.base import SecuredView
from admin_views.transactions import committed
from admin_views.workflow import state_labels, step_buttons
from app.extensions import db
from app.services.customers.visibility import can_view
from app.services.errors import DomainError, Forbidden, NotFound
from app.services.tickets import sla
from app.services.tickets import tickets as ticket_service
from app.services.tickets.flow import TICKET, TICKET_FLOW
from app.services.workflow import advance, advance_one, parse_record_id, success_message
from app.timeutil import format_local
from models.accounts import Employee
from models.base import utcnow
from models.base_data import Department
from models.customers import Customer
from models.tickets import TicketCategory, TicketPriority, TicketStatus

FORM_FIELDS = ("customer_id", "subject", "content", "category_id", "priority", "department_id", "order_id",
               "contact_name", "contact_phone", "assignee_id", "parent_id")
STEPS_ON_PAGE = ("resolve", "close", "reopen", "cancel")  # 工单分配 / 重新分配 open the assignment page


def ticket_input(form, files) -> ticket_service.TicketInput:
    values = {name: form.get(name) for name in FORM_FIELDS}
    return ticket_service.TicketInput(**values, uploads=files.getlist("files"))


class TicketPagesView(SecuredView):
    screen = TICKET

    def __init__(self, model=None, name=None, category=None, endpoint=None, url=None, **kwargs):
        super().__init__(name="工单", category=category, endpoint=endpoint, url=url, **kwargs)

    def is_visible(self):
        return False

    @property
    def extra_js(self):
        return [url_for("static", filename="workflow.js")]

    @expose("/")
    def index(self):
        return redirect(url_for("ticket_new.index_view"))

    def _ticket(self, ticket_id, permission="view"):
        try:
            return ticket_service.get_ticket(ticket_id, current_user, permission)
        except NotFound:
            abort(404)
        except Forbidden:
            abort(403)

    def _back(self, ticket=None):
        target = request.values.get("url") or ""
        if target.startswith("/") and not target.startswith("//"):
            return target
        return url_for(".detail", ticket_id=ticket.id) if ticket is not None else url_for("ticket_new.index_view")

    # 添加工单 / 编辑 ----------------------------------------------------------------
    def _customer(self, value):
        key = parse_record_id(value)
        customer = db.session.get(Customer, key) if key is not None else None
        if customer is None or not can_view(current_user, customer):
            abort(404)
        return customer

    def _form(self, customer, values, ticket=None):
        return self.render(
            "admin/tickets/form.html", customer=customer, values=values, ticket=ticket,
            categories=db.session.scalars(select(TicketCategory).order_by(TicketCategory.sort_order, TicketCategory.id)).all(),
            departments=db.session.scalars(select(Department).order_by(Department.sort_order, Department.id)).all(),
            employees=db.session.scalars(select(Employee).where(Employee.is_enabled.is_(True)).order_by(Employee.id)).all(),
            orders=ticket_service.customer_orders(customer.id), priorities=list(TicketPriority),
            contacts=customer.contacts)

    def _pick_customer(self):
        term = (request.args.get("q") or "").replace("\x00", "").strip()[:50]
        found = []
        if term:
            query = select(Customer).where(Customer.name >= term, Customer.name < term + "\uffff").order_by(Customer.name)
            found = [c for c in db.session.scalars(query.limit(200)) if can_view(current_user, c)][:20]
        return self.render("admin/tickets/pick_customer.html", term=term, found=found)

    @expose("/add", methods=["GET", "POST"])
    def new(self):
        self.require("add")
        if request.method == "POST":
            with committed() as outcome:
                ticket = ticket_service.create_ticket(ticket_input(request.form, request.files), current_user)
                outcome.message = f"工单 {ticket.number} 已提交，当前状态为“{ticket.status.label}”"
            if not outcome.failed:
                return redirect(url_for(".detail", ticket_id=ticket.id))
            return self._form(self._customer(request.form.get("customer_id")), request.form.to_dict())
        if not request.args.get("customer_id"):
            return self._pick_customer()
        customer = self._customer(request.args.get("customer_id"))
        values = {"contact_name": customer.contact_name or "", "contact_phone": customer.mobile or customer.phone or "",
                  "priority": TicketPriority.MEDIUM.value}
        parent = request.args.get("parent_id")
        if parent:
            source = self._ticket(parent)
            if source.customer_id != customer.id:
                abort(404)
            values.update(parent_id=source.id, subject=source.subject, category_id=source.category_id or "",
                          priority=source.priority.value, contact_name=source.contact_name or "",
                          contact_phone=source.contact_phone or "")
        return self._form(customer, values)

    @expose("/<int:ticket_id>/edit", methods=["GET", "POST"])
    def edit(self, ticket_id):
        ticket = self._ticket(ticket_id, "edit")
        if request.method == "POST":
            form = request.form.to_dict()
            form["customer_id"] = str(ticket.customer_id)
            with committed(f"工单 {ticket.number} 已保存") as outcome:
                ticket_service.update_ticket(ticket, ticket_service.TicketInput(
                    **{name: form.get(name) for name in FORM_FIELDS if name not in ("assignee_id", "parent_id")},
                    uploads=request.files.getlist("files")), current_user)
            if not outcome.failed:
                return redirect(url_for(".detail", ticket_id=ticket_id))
            return self._form(self._ticket(ticket_id).customer, form, self._ticket(ticket_id))
        if not TICKET_FLOW.allows("edit", ticket):
            flash(TICKET_FLOW.refusal(ticket, "编辑").message, "error")
            return redirect(url_for(".detail", ticket_id=ticket_id))
        values = {name: getattr(ticket, name) or "" for name in FORM_FIELDS if hasattr(ticket, name)}
        values["priority"] = ticket.priority.value
        return self._form(ticket.customer, values, ticket)

    # The ticket page ---------------------------------------------------------------
    @expose("/<int:ticket_id>")
    def detail(self, ticket_id):
        ticket = self._ticket(ticket_id)
        back = url_for(".detail", ticket_id=ticket.id)
        steps = step_buttons(TICKET_FLOW, ticket, lambda step: url_for(".step", ticket_id=ticket.id, step_name=step.name,
                                                                       url=back))
        return self.render(
            "admin/tickets/detail.html", ticket=ticket, steps=steps, fmt=format_local, status_labels=state_labels(TICKET_FLOW),
            can_reply=ticket_service.can_reply(ticket, current_user), sla_state=sla.state_of(ticket, utcnow()),
            hours=sla.hours, targets=sla.targets_of(ticket.priority), editable=TICKET_FLOW.allows("edit", ticket),
            deletable=TICKET_FLOW.allows("delete", ticket), ticket_files=[a for a in ticket.attachments if a.reply_id is None],
            closed=ticket.status == TicketStatus.CLOSED)

    @expose("/<int:ticket_id>/step/<step_name>", methods=["POST"])
    def step(self, ticket_id, step_name):
        name = step_name
        if name not in STEPS_ON_PAGE:
            abort(404)
        the_step = TICKET_FLOW.steps[name]
        self.require(the_step.action)
        ticket = self._ticket(ticket_id)
        with committed() as outcome:
            advance_one(TICKET_FLOW, ticket, name, current_user, request.form.get("note"))
            outcome.message = success_message(TICKET_FLOW, the_step, ticket)
        return redirect(self._back(ticket))

    @expose("/<int:ticket_id>/reply", methods=["POST"])
    def reply(self, ticket_id):
        ticket = self._ticket(ticket_id)
        resolve = request.form.get("resolve") == "1"
        with committed() as outcome:
            ticket_service.reply(ticket, request.form.get("body"), current_user, request.files.getlist("files"), resolve)
            outcome.message = "回复已提交" + ("，工单已标记为已解决" if resolve else "")
        if outcome.failed and isinstance(outcome.exception, Forbidden):
            abort(403)
        return redirect(url_for(".detail", ticket_id=ticket_id) + "#ticket-replies")

    @expose("/<int:ticket_id>/delete", methods=["POST"])
    def delete(self, ticket_id):
        ticket = self._ticket(ticket_id, "delete")
        number = ticket.number
        with committed(f"工单 {number} 已删除") as outcome:
            ticket_service.delete_ticket(ticket, current_user)
        if outcome.failed:
            return redirect(url_for(".detail", ticket_id=ticket_id))
        return redirect(url_for("ticket_new.index_view"))

    @expose("/<int:ticket_id>/files/<file_id>")
    def download(self, ticket_id, file_id):
        ticket = self._ticket(ticket_id)
        try:
            row = ticket_service.attachment_of(ticket, file_id)
        except DomainError:
            abort(404)
        path = ticket_service.attachment_path(row)
        if not path.exists():
            abort(404)
        return send_file(path, as_attachment=True, download_name=row.original_name,
                         mimetype=row.content_type or "application/octet-stream")

    # 工单分配 / 重新分配 --------------------------------------------------------------
    def _assign_page(self, tickets, step_name, action):
        employees = db.session.scalars(select(Employee).where(Employee.is_enabled.is_(True)).order_by(Employee.id)).all()
        return self.render("admin/tickets/assign.html", tickets=tickets, step=TICKET_FLOW.steps[step_name],
                           employees=employees, action=action,
                           back=self._back(tickets[0] if len(tickets) == 1 else None))

    @expose("/<int:ticket_id>/assign", methods=["GET", "POST"])
    def assign(self, ticket_id):
        ticket = self._ticket(ticket_id)
        step_name = "reassign" if ticket.status == TicketStatus.ASSIGNED else "assign"
        the_step = TICKET_FLOW.steps[step_name]
        self.require(the_step.action)
        if request.method == "POST":
            with committed() as outcome:
                advance_one(TICKET_FLOW, ticket, step_name, current_user, request.form.get("note"),
                            assignee_id=request.form.get("assignee_id"))
                outcome.message = success_message(TICKET_FLOW, the_step, ticket)
            if not outcome.failed:
                return redirect(self._back(ticket))
            ticket = self._ticket(ticket_id)
        if not TICKET_FLOW.can_take(ticket, step_name):
            flash(TICKET_FLOW.refusal(ticket, the_step.label).message, "error")
            return redirect(url_for(".detail", ticket_id=ticket.id))
        return self._assign_page([ticket], step_name, url_for(".assign", ticket_id=ticket.id))

    @expose("/assign", methods=["GET", "POST"])
    def assign_many(self):
        self.require("assign")
        ids = [i for i in (request.values.getlist("id"))][:500]
        if request.method == "POST":
            result = None
            with committed(flash_error=True) as outcome:
                result = advance(TICKET_FLOW, ids, "assign", current_user, request.form.get("note"),
                                 assignee_id=request.form.get("assignee_id"))
            if not outcome.failed:
                flash(result.summary(), "success" if not result.refused else ("warning" if result.count else "error"))
                return redirect(self._back())
        tickets = []
        for raw in ids:
            try:
                tickets.append(ticket_service.get_ticket(raw, current_user, "assign"))
            except DomainError:
                continue
        if not tickets:
            flash("请先选择要分配的工单", "error")
            return redirect(self._back())
        return self._assign_page(tickets, "assign", url_for(".assign_many"))
