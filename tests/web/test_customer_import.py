"""客户资料导入 through the client: template, header check, per-row errors, import owner rules, bad files."""

import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.services.customer_demo import make_customer
from app.services.customers import imports
from models.customers import Customer
from tests.helpers import admin, login, make_employee, make_role


def _workbook(rows, headers=None) -> bytes:
    wb = Workbook()
    sheet = wb.active
    sheet.append(headers or imports.headers())
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _row(name, mobile, **extra):
    values = dict.fromkeys(imports.headers(), None)
    values.update({"客户名称": name, "联系手机": mobile, **extra})
    return [values[h] for h in imports.headers()]


def _upload(client, data: bytes, name="客户.xlsx"):
    response = client.post("/customer-import/upload", data={"file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    return response.headers["Location"]


def test_template_has_the_fixed_headers(client):
    login(client)
    response = client.get("/customer-import/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]][:3] == ["客户名称", "主联系人", "性别"]


def test_preview_lists_each_bad_row_then_imports_the_rest_into_the_pool(client):
    existing = make_customer(admin(), name="已有客户", mobile="13800138000")
    db.session.commit()
    login(client)
    data = _workbook([
        _row("北京世纪城有限公司", "13900000001", 主联系人="张三", 性别="先生", 省份="北京市", 城市="北京市", 地区="朝阳区"),
        _row("", "13900000002"),
        _row("重复手机", "138-0013-8000"),
        _row("文件内重复", "13900000001"),
        _row("坏类别", "13900000003", 客户类别="不存在的类别"),
        _row("坏日期", "13900000005", 出生日期="2026-13-40"),
        _row("<script>alert(1)</script>", "13900000004", 备注信息="=HYPERLINK(\"x\")"),
    ])
    status_url = _upload(client, data)
    page = client.get(status_url).get_data(as_text=True)
    assert "共 7 行，可以导入 <strong>2</strong> 行" in page
    assert "客户名称不能为空" in page
    assert f"手机已存在,客户编号:{existing.code},客户名称:已有客户,客服专员:系统管理员" in page
    assert "手机与第 2 行重复" in page
    assert "客户类别“不存在的类别”不存在" in page
    assert "出生日期“2026-13-40”不是有效日期" in page and "坏日期" in page
    assert "<script>alert(1)</script>" not in page
    token = status_url.rsplit("/", 1)[-1]
    client.post(f"/customer-import/start/{token}")
    page = client.get(status_url).get_data(as_text=True)
    assert "成功导入 2 个客户（进入公共客户池）" in page
    imported = db.session.scalar(select(Customer).where(Customer.name == "北京世纪城有限公司"))
    assert imported.owner_id is None and imported.contact_name == "张三" and imported.district == "朝阳区"
    assert imported.code.startswith("CT")


def test_sales_rep_import_is_owned_by_the_rep(client):
    role = make_role("销售员", ["customer_import.view", "customer_import.add", "customer.view"],
                     scopes={"customer": "self"})
    zhang = make_employee("zhangsan", role=role)
    db.session.commit()
    login(client, "zhangsan", "secret#123")
    token = _upload(client, _workbook([_row("甲公司", "13900000001")])).rsplit("/", 1)[-1]
    client.post(f"/customer-import/start/{token}")
    assert db.session.scalar(select(Customer.owner_id).where(Customer.name == "甲公司")) == zhang.id


def test_changed_headers_and_foreign_files_are_refused_with_nothing_saved(client):
    login(client)
    headers = imports.headers()
    headers[1], headers[2] = headers[2], headers[1]
    page = client.get(_upload(client, _workbook([_row("甲", "139")], headers))).get_data(as_text=True)
    assert "第 B 列应为“主联系人”，实际为“性别”" in page
    page = client.get(_upload(client, b"PK\x03\x04 not really a workbook")).get_data(as_text=True)
    assert "文件不是有效的 Excel 文件" in page
    response = client.post("/customer-import/upload", data={"file": (io.BytesIO(b"a,b"), "x.csv")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "只能导入 Excel 文件" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Customer.id))) == 0


def test_too_many_rows_are_refused_as_a_whole(client, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 5)
    login(client)
    page = client.get(_upload(client, _workbook([_row(f"公司{i}", f"1390000000{i}") for i in range(6)]))).get_data(
        as_text=True)
    assert "一次最多导入 5 行，请分批导入" in page
