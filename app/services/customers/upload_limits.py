"""Limits for uploaded workbooks, checked before anything is read, and removal of stale uploads.

An xlsx file is a zip archive: a 1 MB upload can expand to gigabytes (a "zip bomb") and take the
server's memory with it. The archive's directory (zipfile.infolist) states every member's size
before it is unpacked, so we refuse a file whose members are too big or compress too well, and
then, from the sheet's own dimensions, one with too many rows or columns.
"""

import time
import zipfile

from app.services.customers import progress
from app.services.errors import ValidationFailed

MAX_MEMBER_BYTES = 256 * 1024 * 1024  # uncompressed size of any one part (a 100,000-row sheet is ~60 MB)
MAX_TOTAL_BYTES = 400 * 1024 * 1024
MAX_RATIO = 100  # spreadsheet XML compresses 5-20 times; bombs compress hundreds to thousands of times
RATIO_FROM_BYTES = 1024 * 1024  # tiny parts (styles, an empty sheet) may compress well; they cannot hurt
MAX_COLUMNS = 200
REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")
NOT_XLSX = "文件不是有效的 Excel 文件（.xlsx），请使用下载的模板填写后上传"
TOO_BIG = "文件解压后过大（可能是压缩炸弹），已拒绝导入；请删除多余的行列后重新上传"
STALE_AFTER_SECONDS = 24 * 3600


def check_archive(path: str) -> None:
    """Refuse a file that is not an xlsx archive or would unpack too big; reads only the zip directory."""
    if not zipfile.is_zipfile(path):
        raise ValidationFailed(NOT_XLSX)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValidationFailed(NOT_XLSX) from None
    names = {member.filename for member in members}
    if not all(name in names for name in REQUIRED_MEMBERS):
        raise ValidationFailed(NOT_XLSX)
    total = 0
    for member in members:
        total += member.file_size
        too_dense = (member.file_size > RATIO_FROM_BYTES
                     and member.file_size > MAX_RATIO * max(member.compress_size, 1))
        if member.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES or too_dense:
            raise ValidationFailed(TOO_BIG)


def check_dimensions(sheet, max_rows: int) -> None:
    """Rows and columns as the sheet declares them (calamine reads the dimension, not the cells)."""
    height, width = getattr(sheet, "total_height", 0) or 0, getattr(sheet, "total_width", 0) or 0
    if width > MAX_COLUMNS:
        raise ValidationFailed(f"表格列数过多（{width} 列，最多 {MAX_COLUMNS} 列），请使用下载的模板")
    if height > max_rows + 1:
        raise ValidationFailed(f"一次最多导入 {max_rows} 行，请分批导入")


def remove_upload(token: str) -> None:
    progress.path_for(token, ".upload").unlink(missing_ok=True)


def purge_stale_uploads(max_age_seconds: int = STALE_AFTER_SECONDS, now: float | None = None) -> int:
    """Uploads whose preview was abandoned (never imported) are removed after a day."""
    now = time.time() if now is None else now
    removed = 0
    for path in progress.jobs_dir().glob("*.upload"):
        try:
            if now - path.stat().st_mtime > max_age_seconds:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
