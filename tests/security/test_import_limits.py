"""Item 7 and the upload part of item 12: a zip bomb or a disguised file is refused before it is
unpacked, with a clear message, and import uploads do not stay on disk."""

import io
import os
import time
import zipfile

import pytest
from openpyxl import Workbook

from app.services.customers import imports, progress, upload_limits
from tests.security.conftest import post, secure_login


def _template_bytes(columns=None) -> bytes:
    columns = columns or imports.headers()
    row = dict.fromkeys(columns) | {"客户名称": "北京世纪城有限公司", "联系手机": "13900000001"}
    wb = Workbook()
    wb.active.append(columns)
    wb.active.append([row[c] for c in columns])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _bomb(expanded_mb: int = 1024) -> bytes:
    """A real xlsx whose first sheet is expanded_mb of XML whitespace: about 1 MB on the wire."""
    source = zipfile.ZipFile(io.BytesIO(_template_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info, source.read(info))
                continue
            with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                sheet.write(source.read(info)[:-len("</worksheet>")])
                block = b" " * (1024 * 1024)
                for _ in range(expanded_mb):
                    sheet.write(block)
                sheet.write(b"</worksheet>")
    return buffer.getvalue()


def _upload(client, data: bytes, name="客户.xlsx") -> str:
    response = post(client, "/customer-import/upload", {"file": (io.BytesIO(data), name)},
                    content_type="multipart/form-data")
    assert response.status_code == 302
    return response.headers["Location"]


def _uploads() -> list[str]:
    return sorted(p.name for p in progress.jobs_dir().glob("*.upload"))


@pytest.fixture()
def importer(client, db):
    secure_login(client)
    for path in progress.jobs_dir().glob("*.upload"):
        path.unlink()
    return client


def test_a_zip_bomb_is_refused_before_it_is_unpacked(importer):
    bomb = _bomb()
    assert len(bomb) < 2 * 1024 * 1024  # about 1 MB that would expand to 1 GB
    started = time.monotonic()
    page = importer.get(_upload(importer, bomb)).get_data(as_text=True)
    assert "文件解压后过大" in page
    assert time.monotonic() - started < 10  # refused from the zip directory, not after unpacking 1 GB
    assert _uploads() == []


@pytest.mark.parametrize("data", [
    "客户名称,联系手机\n北京,13900000001\n".encode("gbk"),  # a CSV renamed to .xlsx
    b"\x89PNG\r\n\x1a\n" + os.urandom(2000),
    b"PK\x03\x04" + os.urandom(2000),  # looks like a zip, is not one
])
def test_a_file_that_is_not_an_xlsx_is_refused(importer, data):
    page = importer.get(_upload(importer, data)).get_data(as_text=True)
    assert "文件不是有效的 Excel 文件" in page
    assert _uploads() == []


def test_a_zip_that_is_no_workbook_is_refused(importer):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    page = importer.get(_upload(importer, buffer.getvalue())).get_data(as_text=True)
    assert "文件不是有效的 Excel 文件" in page


def test_too_many_columns_are_refused(importer):
    columns = imports.headers() + [f"多余{i}" for i in range(300)]
    page = importer.get(_upload(importer, _template_bytes(columns))).get_data(as_text=True)
    assert "表格列数过多" in page


def test_the_upload_is_removed_when_the_import_ends(importer):
    status = _upload(importer, _template_bytes())
    assert len(_uploads()) == 1  # kept for the preview until 开始导入
    token = status.rstrip("/").rsplit("/", 1)[-1]
    page = post(importer, f"/customer-import/start/{token}", follow_redirects=True).get_data(as_text=True)
    assert "成功导入 1 个客户" in page
    assert _uploads() == []


def test_abandoned_previews_are_removed_after_a_day(app, importer):
    _upload(importer, _template_bytes())
    assert len(_uploads()) == 1
    assert upload_limits.purge_stale_uploads(now=time.time() + 3600) == 0
    assert upload_limits.purge_stale_uploads(now=time.time() + 25 * 3600) == 1
    assert _uploads() == []
