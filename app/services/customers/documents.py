"""合同文档: uploads checked by extension and content, <= 10 MB, stored outside the web root."""

import logging
import os
import uuid
import zipfile
from pathlib import Path

import filetype
from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.services.errors import ValidationFailed
from models.accounts import Employee
from models.customers import Customer, CustomerDocument, CustomerDocumentFile

log = logging.getLogger(__name__)
_PENDING = "customer_files_to_remove"
ALLOWED = ("jpg", "jpeg", "gif", "png", "bmp", "rar", "zip", "txt", "doc", "docx", "xls", "xlsx", "ppt", "pptx")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OOXML_PART = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "customers"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def _content_matches(ext: str, head: bytes, path: Path) -> bool:
    if ext in ("doc", "xls", "ppt"):
        return head.startswith(OLE2)
    if ext in OOXML_PART:
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return False
        return "[Content_Types].xml" in names and any(n.startswith(OOXML_PART[ext]) for n in names)
    if ext == "txt":
        if b"\x00" in head:
            return False
        for encoding in ("utf-8", "gb18030"):
            try:
                head.decode(encoding)
                return True
            except UnicodeDecodeError:
                continue
        return False
    kind = filetype.guess(head)
    if kind is None:
        return False
    expected = {"jpeg": "jpg"}.get(ext, ext)
    return kind.extension == expected


def store_file(storage) -> CustomerDocumentFile:
    """Check and store one uploaded file (werkzeug FileStorage); raise ValidationFailed with its name."""
    original = os.path.basename((storage.filename or "").replace("\\", "/")).strip()
    if not original:
        raise ValidationFailed("请选择要上传的文件")
    ext = _extension(original)
    if ext not in ALLOWED:
        raise ValidationFailed(f"文件“{original}”的类型不允许上传，只支持 jpg gif png bmp rar zip txt doc docx xls xlsx ppt pptx")
    limit = current_app.config.get("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
    stored_name = f"{uuid.uuid4().hex}.{ext}"
    path = upload_dir() / stored_name
    size = 0
    with open(path, "wb") as out:
        while chunk := storage.stream.read(65536):
            size += len(chunk)
            if size > limit:
                break
            out.write(chunk)
    try:
        if size > limit:
            raise ValidationFailed(f"文件“{original}”超过 10M，不能上传")
        if size == 0:
            raise ValidationFailed(f"文件“{original}”是空文件")
        with open(path, "rb") as handle:
            head = handle.read(8192)
        if not _content_matches(ext, head, path):
            raise ValidationFailed(f"文件“{original}”的内容与扩展名 .{ext} 不符")
    except ValidationFailed:
        path.unlink(missing_ok=True)
        raise
    return CustomerDocumentFile(original_name=original[:200], stored_name=stored_name, size=size,
                                content_type=filetype.guess_mime(head) if ext not in ("txt",) else "text/plain")


def add_document(customer: Customer, name: str, category: str | None, description: str | None, uploads: list,
                 actor: Employee) -> CustomerDocument:
    """添加文档 with one or more files; all files are accepted or none (stored files are removed again)."""
    name = (name or "").strip()
    uploads = [u for u in uploads if u and u.filename]
    if not uploads:
        raise ValidationFailed("请至少选择一个文件")
    if not name:
        name = os.path.basename(uploads[0].filename.replace("\\", "/"))[:100]
    if len(name) > 100 or len(category or "") > 50 or len(description or "") > 500:
        raise ValidationFailed("文档名称不能超过 100 个字，类别不能超过 50 个字，说明不能超过 500 个字")
    stored: list[CustomerDocumentFile] = []
    try:
        for upload in uploads:
            stored.append(store_file(upload))
    except ValidationFailed:
        for row in stored:
            (upload_dir() / row.stored_name).unlink(missing_ok=True)
        raise
    document = CustomerDocument(customer_id=customer.id, name=name, category=(category or "").strip() or None,
                                description=(description or "").strip() or None, uploader_id=actor.id)
    document.files = stored
    db.session.add(document)
    db.session.flush()
    return document


def update_document(document: CustomerDocument, name: str, category: str | None, description: str | None,
                    uploads: list) -> CustomerDocument:
    """编辑 a 合同文档: its name, category and description; files chosen here are added to the ones it has."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("请填写文档名称")
    if len(name) > 100 or len((category or "").strip()) > 50 or len((description or "").strip()) > 500:
        raise ValidationFailed("文档名称不能超过 100 个字，类别不能超过 50 个字，说明不能超过 500 个字")
    stored: list[CustomerDocumentFile] = []
    try:
        for upload in [u for u in uploads if u and u.filename]:
            stored.append(store_file(upload))
    except ValidationFailed:
        for row in stored:
            (upload_dir() / row.stored_name).unlink(missing_ok=True)
        raise
    document.name = name
    document.category = (category or "").strip() or None
    document.description = (description or "").strip() or None
    document.files.extend(stored)
    db.session.flush()
    return document


def file_path(row: CustomerDocumentFile) -> Path:
    return upload_dir() / row.stored_name


def _remove_after_commit(paths: list[Path]) -> None:
    """Stored files go only once the deletion is committed; a refused or failed action keeps them."""
    db.session().info.setdefault(_PENDING, []).extend(paths)


@event.listens_for(Session, "after_commit")
def _remove_files(session):
    for path in session.info.pop(_PENDING, []):
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.warning("could not remove %s", path)


@event.listens_for(Session, "after_rollback")
def _keep_files(session):
    session.info.pop(_PENDING, None)


def forget_files(customer_ids: list[int]) -> None:
    """Remove stored files of customers being deleted (the rows go by cascade), after the commit."""
    rows = db.session.scalars(select(CustomerDocumentFile.stored_name).join(CustomerDocument)
                              .where(CustomerDocument.customer_id.in_(customer_ids))).all()
    _remove_after_commit([upload_dir() / stored_name for stored_name in rows])


def delete_document(document: CustomerDocument) -> None:
    _remove_after_commit([file_path(row) for row in document.files])
    db.session.delete(document)
    db.session.flush()
