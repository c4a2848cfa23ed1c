"""附件信息 of a mail: the 合同文档 upload rules (type by content, <= 10 MB, generated names, outside the web root)."""

import os
import uuid
from pathlib import Path

import filetype
from flask import current_app

from app.services.customers.documents import ALLOWED, _content_matches, _extension
from app.services.errors import ValidationFailed
from models.mail import MailAttachment

MAX_FILES = 10


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "mail"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def path_of(row: MailAttachment) -> Path:
    return upload_dir() / row.stored_name


def _store(storage) -> MailAttachment:
    original = os.path.basename((storage.filename or "").replace("\\", "/")).replace("\x00", "").strip()
    ext = _extension(original)
    if ext not in ALLOWED:
        raise ValidationFailed(f"附件“{original[:100]}”的类型不允许，只支持 {' '.join(ALLOWED)}")
    limit = current_app.config.get("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
    stored_name = f"{uuid.uuid4().hex}.{ext}"
    path = upload_dir() / stored_name
    size = 0
    with open(path, "wb") as out:
        os.chmod(path, 0o600)
        while chunk := storage.stream.read(65536):
            size += len(chunk)
            if size > limit:
                break
            out.write(chunk)
    try:
        if size > limit:
            raise ValidationFailed(f"附件“{original[:100]}”超过 10M，不能上传")
        if size == 0:
            raise ValidationFailed(f"附件“{original[:100]}”是空文件")
        with open(path, "rb") as handle:
            head = handle.read(8192)
        if not _content_matches(ext, head, path):
            raise ValidationFailed(f"附件“{original[:100]}”的内容与扩展名 .{ext} 不符")
    except ValidationFailed:
        path.unlink(missing_ok=True)
        raise
    mime = "text/plain" if ext == "txt" else (filetype.guess_mime(head) or "application/octet-stream")
    return MailAttachment(original_name=original[:200], stored_name=stored_name, size=size, content_type=mime)


def store_all(uploads: list) -> list[MailAttachment]:
    """Every uploaded file accepted, or none (files already stored are removed again)."""
    uploads = [u for u in uploads if u is not None and u.filename]
    if len(uploads) > MAX_FILES:
        raise ValidationFailed(f"一封邮件最多 {MAX_FILES} 个附件")
    stored: list[MailAttachment] = []
    try:
        for upload in uploads:
            stored.append(_store(upload))
    except ValidationFailed:
        remove(stored)
        raise
    return stored


def remove(rows: list[MailAttachment]) -> None:
    for row in rows:
        path_of(row).unlink(missing_ok=True)
