"""导入实盘数量 (12.3): the template of a 盘点单's lines, importing it back, bad rows, bad files, attackers."""

import zipfile
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from app.extensions import db
from app.services.inventory import stocktake_import
from app.services.inventory.flow import STOCKTAKE_FLOW
from models.inventory import Stocktake, StocktakeLog
from tests.helpers import PASSWORD, login, make_employee, make_role
from tests.inventory_factories import approve, make_purchase, make_stocktake, product

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_bytes(rows, header=stocktake_import.HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, sheet, content: bytes, name="盘点.xlsx"):
    return client.post(f"/stocktake-pages/{sheet.id}/import", data={"file": (BytesIO(content), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def actuals(sheet_id) -> dict[str, Decimal]:
    db.session.expire_all()
    return {line.product_code: line.actual_quantity for line in db.session.get(Stocktake, sheet_id).lines}


@pytest.fixture()
def counted(db):
    item, other = product("测试产品"), product("奖状机械")
    make_purchase([(item, 9, "20.00"), (other, 10, "100.00")], approve=True)
    sheet = make_stocktake()
    db.session.commit()
    return sheet, item, other


def test_the_template_lists_the_lines_and_importing_it_back_sets_the_counts(client, counted):
    sheet, item, other = counted
    login(client)
    response = client.get(f"/stocktake-pages/{sheet.id}/import-template.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX
    rows = list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0] == stocktake_import.HEADERS
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code[item.code][1:] == ("测试产品", "100ml", 9, 9) and len(rows) - 1 == len(sheet.lines)
    edited = [(item.code, "测试产品", "100ml", 9, 10), (other.code, "奖状机械", "100ml", 10, 6.5),
              (None, None, None, None, None)]
    html = upload(client, sheet, workbook_bytes(edited)).get_data(as_text=True)
    assert f"盘点单 {sheet.number} 已导入 2 行实盘数量" in html
    counts = actuals(sheet.id)
    assert counts[item.code] == Decimal("10") and counts[other.code] == Decimal("6.5")
    log = db.session.query(StocktakeLog).filter_by(stocktake_id=sheet.id, action="导入实盘数量").one()
    assert log.note == "修改 2 行实际库存（导入实盘数量）"
    assert "盘正" in client.get(f"/stocktake-pages/{sheet.id}").get_data(as_text=True)


def test_bad_rows_are_reported_per_row_and_nothing_changes(client, counted):
    sheet, item, other = counted
    before = actuals(sheet.id)
    login(client)
    rows = [(item.code, "", "", 9, 8), ("NO-SUCH", "", "", 0, 1), (other.code, "", "", 10, -1),
            (item.code, "", "", 9, 3)]
    html = upload(client, sheet, workbook_bytes(rows)).get_data(as_text=True)
    assert "导入失败，未做任何修改" in html
    assert "第 3 行：产品编号“NO-SUCH”不在该盘点单中" in html and "第 4 行：实盘数量不能为负数" in html
    assert f"第 5 行：产品编号“{item.code}”重复（第 2 行已填写）" in html
    assert actuals(sheet.id) == before
    html = upload(client, sheet, workbook_bytes([(item.code, "", "", 9, "十"), (other.code, "", "", 10, 1.2345)]))
    html = html.get_data(as_text=True)
    assert "第 2 行：实盘数量格式不正确" in html and "第 3 行：实盘数量最多保留三位小数" in html
    assert actuals(sheet.id) == before


def test_a_file_without_the_columns_is_refused(client, counted):
    sheet, item, _other = counted
    login(client)
    html = upload(client, sheet, workbook_bytes([(item.code, 3)], header=("编号", "数量"))).get_data(as_text=True)
    assert "表格缺少“产品编号”或“实盘数量”列" in html


def test_disguised_wrong_extension_and_too_big_uploads_are_refused(client, counted):
    sheet, item, _other = counted
    before = actuals(sheet.id)
    login(client)
    html = upload(client, sheet, b"<html>not a workbook</html>").get_data(as_text=True)
    assert "文件不是有效的 Excel 文件（.xlsx）" in html
    archive = BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("readme.txt", "a zip, not a workbook")
    assert "文件不是有效的 Excel 文件（.xlsx）" in upload(client, sheet, archive.getvalue()).get_data(as_text=True)
    html = upload(client, sheet, workbook_bytes([(item.code, "", "", 9, 1)]), name="盘点.csv").get_data(as_text=True)
    assert "只能导入 Excel 文件（.xlsx）" in html
    big = b"PK\x03\x04" + b"0" * (stocktake_import.MAX_BYTES + 1)
    assert "文件超过 5M" in upload(client, sheet, big).get_data(as_text=True)
    assert "请选择要导入的 Excel 文件" in client.post(f"/stocktake-pages/{sheet.id}/import",
                                                      follow_redirects=True).get_data(as_text=True)
    assert actuals(sheet.id) == before


def test_an_approved_stocktake_cannot_be_imported_into(client, counted):
    sheet, item, _other = counted
    approve(STOCKTAKE_FLOW, sheet)
    db.session.commit()
    before = actuals(sheet.id)
    login(client)
    html = upload(client, sheet, workbook_bytes([(item.code, "", "", 9, 1)])).get_data(as_text=True)
    assert "已审核，不能导入实盘数量" in html and actuals(sheet.id) == before
    assert client.get(f"/stocktake-pages/{sheet.id}/import-template.xlsx").status_code == 302


def test_permission_and_crafted_ids(client, counted):
    sheet, item, _other = counted
    make_employee("viewer", role=make_role("角色-viewer", ["stocktake.view"]))
    db.session.commit()
    login(client, "viewer", PASSWORD)
    assert client.get(f"/stocktake-pages/{sheet.id}/import-template.xlsx").status_code == 403
    response = client.post(f"/stocktake-pages/{sheet.id}/import", content_type="multipart/form-data",
                           data={"file": (BytesIO(workbook_bytes([(item.code, "", "", 9, 1)])), "a.xlsx")})
    assert response.status_code == 403
    login(client)
    for path in ("abc", "9" * 30, "0", "99999999"):
        assert client.get(f"/stocktake-pages/{path}/import-template.xlsx").status_code == 404
        assert client.post(f"/stocktake-pages/{path}/import").status_code == 404
