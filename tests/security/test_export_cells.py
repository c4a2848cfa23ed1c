"""Export cells: text that looks like a formula is exported exactly as typed, as a text cell (never a
formula, no visible apostrophe), through both export paths (客户资料 and the generic list export)."""

import io

import pytest
from openpyxl import load_workbook

from app.extensions import db as _db
from app.services.customer_demo import make_customer
from models.base_data import Supplier
from tests.helpers import admin
from tests.security.conftest import secure_login

NASTY = ['=HYPERLINK("http://evil.example","点我")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)"]


def _cells(data: bytes):
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value is not None]


@pytest.mark.parametrize("text", NASTY)
def test_customer_export_keeps_formula_like_names_as_text(client, db, text):
    make_customer(admin(), name=text, mobile="13900000011")
    _db.session.commit()
    secure_login(client)
    response = client.get("/customer/export.xlsx")
    assert response.status_code == 200
    cell = next(c for c in _cells(response.data) if c.value == text)
    assert cell.value == text and cell.data_type == "s" and cell.quotePrefix


def test_list_export_keeps_formula_like_text_as_text(client, db):
    _db.session.add(Supplier(name=NASTY[0], contact="=1+1"))
    _db.session.commit()
    secure_login(client)
    cells = {c.value: c for c in _cells(client.get("/supplier/export.xlsx").data)}
    for text in (NASTY[0], "=1+1"):
        assert text in cells and cells[text].data_type == "s" and cells[text].quotePrefix
    assert not any(str(value).startswith("'") for value in cells)
