"""客户资料管理 (manual 4.1): list with 万能检索, filters, 快捷视图, bulk edits, export, form and detail page."""

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from admin_views.base import CrmModelView, form_id, parse_id
from admin_views.customer_children import CustomerChildrenMixin
from admin_views.customer_export import ExportMixin
from admin_views.customer_forms import choice_lists, customer_form_data, customer_values
from admin_views.customer_list import CustomerListMixin, EditCustomerLink
from admin_views.input import parse_ids
from admin_views.transactions import committed
from app.extensions import db
from app.security.permissions import Screen, can
from app.security.urls import safe_return_url
from app.services import customer_extensions, money
from app.services.customers import custom_fields, list_query, records
from app.services.customers.documents import file_path
from app.services.customers.history import history_of
from app.services.customers.regions import region_tree
from app.services.customers.visibility import can_manage, can_view
from app.timeutil import format_local
from models.base import utcnow
from models.customers import (
    Customer,
    CustomerContact,
    CustomerDocument,
    CustomerDocumentFile,
    FollowUp,
)

FOLLOW_UP_PAGE = 50


def qq_link(qq: str | None):
    """A QQ number (digits only) opens a chat; anything else (a 旺旺 name) stays text."""
    qq = (qq or "").strip()
    if not (qq.isascii() and qq.isdigit() and 5 <= len(qq) <= 12):
        return qq
    url = f"https://wpa.qq.com/msgrd?v=3&uin={qq}&site=qq&menu=yes"
    return Markup(f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer" class="qq-link" '
                  f'title="QQ 在线交谈">{escape(qq)}</a>')


def phones_cell(customer):
    """联系电话 with 发送短信 next to the mobile number (opens 群发短信 with the number filled in)."""
    if not (customer.mobile and can("sms_send.view")):
        return customer.phones
    url = url_for("sms_send.index", mobile=customer.mobile)
    return Markup(f'{escape(customer.phones)} <a class="small send-sms-link" href="{escape(url)}">发送短信</a>')


class CustomerView(CustomerChildrenMixin, ExportMixin, CustomerListMixin, CrmModelView):
    screen = Screen("customer", "客户资料管理", "客户管理", ("view", "add", "edit", "delete", "export", "assign"),
                    scoped=True)
    scope_module = "customer"
    owner_attr = "owner_id"
    export_filename = "客户资料"
    column_list = list_query.LIST_COLUMNS  # ?sort=N counts these, in the export job too
    column_sortable_list = tuple(list_query.SORTABLE)
    action_permissions = {"set_category": "edit", "set_source": "edit", "assign": "assign"}

    def get_list_row_actions(self):
        """编辑 per row; 删除 is the bulk action (a delete form on every row costs a third of the page)."""
        return [EditCustomerLink()]

    # Form ---------------------------------------------------------------------------
    def _render_form(self, customer, data, error=None):
        return self.render("admin/customers/form.html", customer=customer, data=data, error=error,
                           can_assign=self.allowed("assign"), now=utcnow(), **choice_lists())

    def _save(self, customer):
        values, custom = customer_values(request.form)
        if customer is None:
            owner = None
            if self.allowed("assign") and request.form.get("owner_id"):
                owner = records.assignable_employee(form_id("owner_id"))
            customer = records.create_customer(values, current_user, owner=owner, custom_values=custom)
        else:
            records.update_customer(customer, values, current_user, custom_values=custom)
        return customer

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        self.require("add")
        data = {}
        if request.method == "POST":
            with committed(flash_error=False) as outcome:
                customer = self._save(None)
                outcome.message = f"客户“{customer.name}”已保存，客户编号 {customer.code}"
            if outcome.failed:
                return self._render_form(None, request.form.to_dict(), outcome.error)
            return self._after_save(customer)
        return self._render_form(None, data)

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        self.require("edit")
        customer = self.get_one(request.args.get("id", ""))
        if request.method == "POST":
            with committed(flash_error=False) as outcome:
                self._save(customer)
                outcome.message = f"客户“{customer.name}”已保存"
            if outcome.failed:
                customer = self.get_one(request.args.get("id", ""))
                return self._render_form(customer, request.form.to_dict(), outcome.error)
            return self._after_save(customer)
        return self._render_form(customer, customer_form_data(customer))

    def _after_save(self, customer):
        if request.form.get("then") == "follow_up":
            return redirect(url_for("follow_up.create_view", customer_id=customer.id))
        return redirect(self.get_url(".index_view"))

    @expose("/regions.json")
    def regions(self):
        response = jsonify(region_tree())
        response.cache_control.max_age = 86400
        return response

    # Delete ---------------------------------------------------------------------------
    def on_model_delete(self, model):
        records.prepare_delete(model)

    # Detail page -------------------------------------------------------------------------
    def visible_customer(self, customer_id):
        customer_id = parse_id(customer_id)
        customer = db.session.get(Customer, customer_id) if customer_id is not None else None
        if customer is None or not can_view(current_user, customer):
            abort(404)
        return customer

    @expose("/details/")
    def details_view(self):
        customer = self.visible_customer(request.args.get("id"))
        tabs = [tab for tab in customer_extensions.detail_tabs() if tab.permission is None or can(tab.permission)]
        follow_up_page = min(parse_id(request.args.get("fpage")) or 0, 100_000)
        follow_ups = db.session.scalars(select(FollowUp).where(FollowUp.customer_id == customer.id)
                                        .order_by(FollowUp.contacted_at.desc(), FollowUp.id.desc())
                                        .offset(follow_up_page * FOLLOW_UP_PAGE).limit(FOLLOW_UP_PAGE + 1)).all()
        more_follow_ups = len(follow_ups) > FOLLOW_UP_PAGE
        documents = db.session.scalars(select(CustomerDocument).where(CustomerDocument.customer_id == customer.id)
                                       .order_by(CustomerDocument.id.desc())).all()
        contacts = db.session.scalars(select(CustomerContact).where(CustomerContact.customer_id == customer.id)
                                      .order_by(CustomerContact.is_primary.desc(), CustomerContact.id)).all()
        fields = custom_fields.all_fields()
        values = custom_fields.values_of(customer.id)
        return self.render(
            "admin/customers/details.html", customer=customer, basic=self.basic_cells(customer, fields, values),
            follow_ups=follow_ups[:FOLLOW_UP_PAGE], follow_up_page=follow_up_page, more_follow_ups=more_follow_ups,
            documents=documents,
            contacts=contacts, history=history_of(customer.id), tabs=tabs,
            tab_contexts={tab.key: tab.context_fn(customer) for tab in tabs},
            manageable=can_manage(current_user, customer), format_local=format_local)

    @staticmethod
    def basic_cells(customer, fields, values):
        """(label, text) pairs of the 客户基本信息 block, figure 4-12 order, registered amounts included."""
        contact = (customer.contact_name or "") + (f"（{customer.gender.label}）" if customer.gender else "")
        birthday = ""
        if customer.birthday:
            birthday = f"{customer.birthday}（{'农历' if customer.is_lunar_birthday else '公历'}）"
        contract = f"{customer.contract_start or ''} ~ {customer.contract_end or ''}" if (
            customer.contract_start or customer.contract_end) else ""
        cells = [
            ("客户编号", customer.code), ("客户名称", customer.name),
            ("客户类别", customer.category.name if customer.category else ""),
            ("主联系人", contact), ("联系电话", phones_cell(customer)), ("QQ/旺旺", qq_link(customer.qq)),
        ]
        cells += [(f.label, money.yuan(f.fn(customer))) for f in customer_extensions.summary_fields()]
        cells += [
            ("电子邮件", customer.email or ""), ("传真", customer.fax or ""), ("当前职位", customer.position or ""),
            ("建档客服", f"{customer.creator.real_name if customer.creator else ''} [{format_local(customer.created_at)}]"),
            ("客服专员", customer.owner.real_name if customer.owner else "公共客户池"),
            ("客户来源", customer.source.name if customer.source else ""), ("所属行业", customer.industry or ""),
            ("合同期限", contract), ("出生日期", birthday),
            ("最近一次联系", format_local(customer.last_contact_at, "%Y-%m-%d %H:%M")),
            ("预约联系时间", format_local(customer.next_contact_at, "%Y-%m-%d %H:%M")),
        ]
        cells += [(f.name, values.get(f.id, "")) for f in fields]
        return cells

    @expose("/document-file/<int:file_id>")
    def document_file(self, file_id):
        from flask import send_file

        row = db.session.get(CustomerDocumentFile, file_id)
        if row is None:
            abort(404)
        self.visible_customer(row.document.customer_id)
        return send_file(file_path(row), as_attachment=True, download_name=row.original_name)

    # Bulk actions ------------------------------------------------------------------------
    def _bulk_redirect(self, kind, ids):
        return redirect(self.get_url(".bulk_view", kind=kind, ids=",".join(ids), url=safe_return_url(request.referrer, "")))

    @action("set_category", "批量修改客户类别")
    def action_set_category(self, ids):
        return self._bulk_redirect("category", ids)

    @action("set_source", "批量修改客户来源")
    def action_set_source(self, ids):
        return self._bulk_redirect("source", ids)

    @action("assign", "客户指派")
    def action_assign(self, ids):
        return self._bulk_redirect("assign", ids)

    BULK = {"category": ("edit", "批量修改客户类别", "客户类别"), "source": ("edit", "批量修改客户来源", "客户来源"),
            "assign": ("assign", "客户指派", "客服专员")}

    def bulk_customers(self, ids):
        return [self.get_one(i) for i in ids]

    @expose("/bulk/<kind>", methods=("GET", "POST"))
    def bulk_view(self, kind):
        if kind not in self.BULK:
            abort(404)
        permission, title, label = self.BULK[kind]
        self.require(permission)
        raw = request.values.get("ids", "")
        ids = [str(i) for i in parse_ids(raw)]
        if not ids:
            flash("请先选择客户", "error")
            return redirect(self.get_url(".index_view"))
        customers = self.bulk_customers(ids)
        if request.method == "POST":
            with committed() as outcome:
                target = form_id("target")
                if kind == "category":
                    done = records.set_category(customers, target, current_user)
                elif kind == "source":
                    done = records.set_source(customers, target)
                else:
                    done = records.assign_owner(customers, target, current_user)
                outcome.message = f"已{title.removeprefix('客户')} {done} 个客户"  # 已指派 5 个客户
            if not outcome.failed:
                return redirect(safe_return_url(request.form.get("url"), self.get_url(".index_view")))
        options = {"category": choice_lists()["categories"], "source": choice_lists()["sources"],
                   "assign": choice_lists()["employees"]}[kind]
        return self.render("admin/customers/bulk.html", title=title, label=label, kind=kind, customers=customers,
                           ids=",".join(ids), options=options,
                           back=safe_return_url(request.values.get("url"), self.get_url(".index_view")))
