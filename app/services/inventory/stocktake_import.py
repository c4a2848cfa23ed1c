"""导入实盘数量 (12.3): a template of the 盘点单's lines, then actual quantities read back from an .xlsx.

The upload gets the project's workbook checks (app/services/customers/upload_limits.py: a real xlsx archive that
does not unpack too big) before openpyxl reads it in read-only mode. Every row is checked first; when any row is
bad the errors are reported per row and nothing is changed.
"""

from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from app.services.customers import upload_limits
from app.services.errors import ValidationFailed
from app.services.inventory import stocktakes
from app.services.inventory.flow import STOCKTAKE_FLOW
from models.inventory import Stocktake

HEADERS = ("产品编号", "产品名称", "规格", "账面数量", "实盘数量")
CODE, QUANTITY = "产品编号", "实盘数量"
MAX_BYTES = 5 * 1024 * 1024  # a 3,000-line 盘点单 is about 100 KB
MAX_REPORTED = 20
ACTION = "导入实盘数量"


def template_bytes(stocktake: Stocktake) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "盘点单"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in stocktake.lines:
        sheet.append([line.product_code, line.product_name, line.product_spec or "",
                      line.book_quantity.normalize(), line.actual_quantity.normalize()])
    for row in sheet.iter_rows(min_row=2, max_col=1):
        row[0].number_format = "@"  # codes stay text (leading zeros)
    for letter, width in zip("ABCDE", (18, 30, 18, 12, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number
    return str(value).strip()


def _rows(path: str):
    """(header, iterator of (excel row number, row)) of the first sheet."""
    upload_limits.check_archive(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        declared = sheet.max_row or 0
        if declared > stocktakes.MAX_LINES + 1:
            raise ValidationFailed(f"表格行数过多（{declared - 1} 行），一张盘点单最多 {stocktakes.MAX_LINES} 行")
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
    except ValidationFailed:
        raise
    except Exception:  # openpyxl raises many error types for broken or foreign files
        raise ValidationFailed(upload_limits.NOT_XLSX) from None
    return workbook, header, rows


def read_counts(stocktake: Stocktake, path: str) -> dict[str, Decimal]:
    """Line id -> counted quantity for every filled row; ValidationFailed listing the bad rows."""
    workbook, header, rows = _rows(path)
    try:
        labels = [_text(value) for value in (header or ())]
        if CODE not in labels or QUANTITY not in labels:
            raise ValidationFailed("表格缺少“产品编号”或“实盘数量”列，请使用下载的模板")
        code_at, quantity_at = labels.index(CODE), labels.index(QUANTITY)
        by_code = {line.product_code: line for line in stocktake.lines}
        counts: dict[str, Decimal] = {}
        seen: dict[str, int] = {}
        errors: list[str] = []
        try:
            for number, row in enumerate(rows, start=2):
                if number > stocktakes.MAX_LINES + 1:
                    raise ValidationFailed(f"表格行数过多，一张盘点单最多 {stocktakes.MAX_LINES} 行")
                code = _text(row[code_at]) if code_at < len(row) else ""
                value = row[quantity_at] if quantity_at < len(row) else None
                if not code and _text(value) == "":
                    continue  # an empty row
                if not code:
                    errors.append(f"第 {number} 行：产品编号不能为空")
                    continue
                line = by_code.get(code)
                if line is None:
                    errors.append(f"第 {number} 行：产品编号“{code[:50]}”不在该盘点单中")
                    continue
                if code in seen:
                    errors.append(f"第 {number} 行：产品编号“{code}”重复（第 {seen[code]} 行已填写）")
                    continue
                seen[code] = number
                try:
                    counts[str(line.id)] = stocktakes.parse_actual(value, number, QUANTITY)
                except ValidationFailed as exc:
                    errors.append(exc.message)
        except ValidationFailed:
            raise
        except Exception:
            raise ValidationFailed(upload_limits.NOT_XLSX) from None
    finally:
        workbook.close()
    if errors:
        shown = "；".join(errors[:MAX_REPORTED])
        more = f"……共 {len(errors)} 行有误" if len(errors) > MAX_REPORTED else ""
        raise ValidationFailed(f"导入失败，未做任何修改：{shown}{more}")
    if not counts:
        raise ValidationFailed("表格中没有填写实盘数量的行")
    return counts


def import_counts(stocktake_id, path: str, actor) -> tuple[Stocktake, int]:
    """Apply the file's counts to a pending 盘点单 (same checks and log as 修改); returns it and the rows read."""
    stocktake = STOCKTAKE_FLOW.get(stocktake_id, actor, "edit")
    STOCKTAKE_FLOW.ensure("edit", stocktake, "导入")
    counts = read_counts(stocktake, path)
    stocktake = stocktakes.save_counts(stocktake.id, counts, actor, stocktake.remark, action=ACTION)
    return stocktake, len(counts)
