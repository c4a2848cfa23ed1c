"""合同文档 and 联系人 of a customer, managed from its detail page."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user

from admin_views.customer_forms import parse_date
from admin_views.transactions import committed
from app.extensions import db
from app.services.customers import contacts, documents
from app.services.customers.visibility import can_manage
from models.customers import CustomerContact, CustomerDocument, Gender


class CustomerChildrenMixin:
    def managed_customer(self, customer_id):
        self.require("edit")
        customer = self.visible_customer(customer_id)
        if not can_manage(current_user, customer):
            abort(404)
        return customer

    def _detail(self, customer_id, tab):
        return redirect(url_for(".details_view", id=customer_id) + tab)

    @expose("/<int:customer_id>/documents", methods=("POST",))
    def document_add(self, customer_id):
        customer = self.managed_customer(customer_id)
        with committed("文档已上传"):
            documents.add_document(customer, request.form.get("name"), request.form.get("category"),
                                   request.form.get("description"), request.files.getlist("files"), current_user)
        return self._detail(customer.id, "#tab-documents")

    @expose("/document/<int:document_id>/edit", methods=("GET", "POST"))
    def document_edit(self, document_id):
        document = db.session.get(CustomerDocument, document_id) or abort(404)
        customer = self.managed_customer(document.customer_id)
        data, error = {"name": document.name, "category": document.category or "",
                       "description": document.description or ""}, None
        if request.method == "POST":
            with committed("文档已保存", flash_error=False) as outcome:
                documents.update_document(document, request.form.get("name"), request.form.get("category"),
                                          request.form.get("description"), request.files.getlist("files"))
            if not outcome.failed:
                return self._detail(customer.id, "#tab-documents")
            document = db.session.get(CustomerDocument, document_id) or abort(404)
            data, error = request.form.to_dict(), outcome.error
        return self.render("admin/customers/document_form.html", customer=customer, document=document, data=data,
                           error=error)

    @expose("/document/<int:document_id>/delete", methods=("POST",))
    def document_delete(self, document_id):
        document = db.session.get(CustomerDocument, document_id) or abort(404)
        customer = self.managed_customer(document.customer_id)
        documents.delete_document(document)
        db.session.commit()
        flash("文档已删除", "success")
        return self._detail(customer.id, "#tab-documents")

    def _contact_page(self, customer, contact, data, error=None):
        return self.render("admin/customers/contact_form.html", customer=customer, contact=contact, data=data,
                           error=error, genders=[(g.value, g.label) for g in Gender])

    def _save_contact(self, customer, contact):
        form = request.form
        with committed("联系人已保存", flash_error=False) as outcome:
            values = {k: form.get(k) for k in contacts.FIELDS}
            values["birthday"] = parse_date(form.get("birthday"), "生日")
            values["is_lunar_birthday"] = form.get("is_lunar_birthday") == "1"
            contacts.save_contact(customer, contact, values)
        if outcome.failed:
            return self._contact_page(customer, contact, form.to_dict(), outcome.error)
        return self._detail(customer.id, "#tab-contacts")

    @expose("/<int:customer_id>/contacts/new", methods=("GET", "POST"))
    def contact_add(self, customer_id):
        customer = self.managed_customer(customer_id)
        if request.method == "POST":
            return self._save_contact(customer, None)
        return self._contact_page(customer, None, {})

    @expose("/contact/<int:contact_id>/edit", methods=("GET", "POST"))
    def contact_edit(self, contact_id):
        contact = db.session.get(CustomerContact, contact_id) or abort(404)
        customer = self.managed_customer(contact.customer_id)
        if request.method == "POST":
            return self._save_contact(customer, contact)
        return self._contact_page(customer, contact, contacts.form_data(contact))

    @expose("/contact/<int:contact_id>/delete", methods=("POST",))
    def contact_delete(self, contact_id):
        contact = db.session.get(CustomerContact, contact_id) or abort(404)
        customer = self.managed_customer(contact.customer_id)
        with committed("联系人已删除"):
            contacts.delete_contact(contact)
        return self._detail(customer.id, "#tab-contacts")
