"""合同文档 and 联系人 on the detail page: upload checks, download in scope only, delete with cascade."""

import io

from sqlalchemy import func, select

from app.extensions import db
from app.services.customer_demo import make_customer
from app.services.customers.followups import add_follow_up
from models.customers import CustomerContact, CustomerDocument, CustomerDocumentFile, CustomerSearchToken, FollowUp
from tests.helpers import admin, login, make_employee, make_role

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def _post(client, customer, files, name="合同扫描件"):
    return client.post(f"/customer/{customer.id}/documents", data={
        "name": name, "category": "合同文档", "description": "签订的合同扫描件",
        "files": [(io.BytesIO(content), filename) for filename, content in files]},
        content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)


def test_upload_several_files_and_download(client):
    customer = make_customer(admin())
    db.session.commit()
    login(client)
    page = _post(client, customer, [("Page1.png", PNG), ("说明.txt", "开票信息".encode())])
    assert "文档已上传" in page and "Page1.png" in page and "说明.txt" in page
    row = db.session.scalar(select(CustomerDocumentFile).where(CustomerDocumentFile.original_name == "Page1.png"))
    assert row.stored_name != "Page1.png"
    assert client.get(f"/customer/document-file/{row.id}").data == PNG


def test_bad_uploads_are_refused_and_nothing_is_saved(client, app):
    customer = make_customer(admin())
    db.session.commit()
    login(client)
    assert "类型不允许上传" in _post(client, customer, [("run.exe", b"MZ...")])
    assert "内容与扩展名 .png 不符" in _post(client, customer, [("Page1.png", PNG), ("fake.png", b"<html>")])
    assert "内容与扩展名 .docx 不符" in _post(client, customer, [("a.docx", b"PK\x03\x04garbage")])
    big = b"a" * (app.config["UPLOAD_MAX_BYTES"] + 1)
    assert "超过 10M" in _post(client, customer, [("big.txt", big)])
    assert db.session.scalar(select(func.count(CustomerDocument.id))) == 0


def test_documents_are_downloadable_only_in_scope(client):
    role = make_role("销售员", ["customer.view", "customer.edit"], scopes={"customer": "self"})
    make_employee("zhangsan", role=role)
    customer = make_customer(admin())
    db.session.commit()
    login(client)
    _post(client, customer, [("Page1.png", PNG)])
    row = db.session.scalar(select(CustomerDocumentFile))
    client.post("/logout")
    login(client, "zhangsan", "secret#123")
    assert client.get(f"/customer/document-file/{row.id}").status_code == 404
    assert client.post(f"/customer/{customer.id}/documents", data={}).status_code == 404


def test_contacts_and_deleting_a_customer_takes_its_records_along(client):
    customer = make_customer(admin(), contact_name="陈军")
    add_follow_up(customer, {"content": "回访"}, admin())
    db.session.commit()
    login(client)
    page = client.post(f"/customer/{customer.id}/contacts/new", data={"name": "李四", "mobile": "13800000000"},
                       follow_redirects=True).get_data(as_text=True)
    assert "联系人已保存" in page and "李四" in page
    page = client.post(f"/customer/{customer.id}/contacts/new", data={"name": ""}, follow_redirects=True)
    assert "联系人姓名不能为空" in page.get_data(as_text=True)
    _post(client, customer, [("Page1.png", PNG)])
    client.post("/customer/delete/", data={"id": str(customer.id)})
    for model in (CustomerContact, FollowUp, CustomerDocument, CustomerSearchToken):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0, model


def test_stored_files_go_only_when_the_deletion_is_committed(client, app):
    from pathlib import Path

    customer = make_customer(admin())
    db.session.commit()
    login(client)
    _post(client, customer, [("Page1.png", PNG)])
    stored = Path(app.config["UPLOAD_DIR"]) / "customers" / db.session.scalar(select(CustomerDocumentFile.stored_name))
    document = db.session.scalar(select(CustomerDocument))
    assert stored.exists()
    client.post(f"/customer/document/{document.id}/delete")
    assert not stored.exists()
