"""The customer export job rebuilds the list's query from the user's id and the URL's arguments alone: the
rows it writes are the rows 客户资料管理 shows that user (search + filter + his data scope), and it never
needs a request, a view or a logged-in user."""

import io
import re

from flask import has_request_context
from openpyxl import load_workbook

from app.extensions import db as _db
from app.services.customer_demo import make_customer
from app.services.customers import list_query, progress
from jobs.customers import export_customers
from models.base_data import CustomerCategory
from tests.helpers import admin, login, make_employee, make_role

NAMES = re.compile(r'class="customer-link">([^<]+)</a>')


def _sheet_names(data) -> list[str]:
    sheet = load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data)["客户资料"]
    return [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_export_job_writes_the_rows_the_list_shows_for_search_filter_and_scope(client, db, monkeypatch):
    role = make_role("销售员", ["customer.view", "customer.export"])  # 数据范围: 本人
    rep, other = make_employee("rep", role=role), make_employee("other", role=role)
    vip, plain = CustomerCategory(name="VIP客户", sort_order=9), CustomerCategory(name="普通", sort_order=10)
    _db.session.add_all([vip, plain])
    _db.session.flush()
    for name, owner, category in [("华强电子一厂", rep, vip), ("宝安机械", rep, vip), ("华强电子二厂", rep, plain),
                                  ("华强电子三厂", rep, vip), ("华强电子他厂", other, vip)]:
        make_customer(admin(), name=name, owner=owner, category_id=category.id)
    _db.session.commit()
    category_arg = list_query.FILTERS.index(next(f for f in list_query.FILTERS if str(f.name) == "客户类别"))
    args = {"search": ["华强电子"], f"flt0_{category_arg}": [str(vip.id)]}

    login(client, "rep", "secret#123")
    page = client.get("/customer/", query_string=args).get_data(as_text=True)
    shown = NAMES.findall(page)
    assert shown == ["华强电子三厂", "华强电子一厂"]  # newest first; 他厂 is another rep's, 二厂 another category
    inline = _sheet_names(client.get("/customer/export.xlsx", query_string=args).data)

    calls = []
    real = list_query.list_select
    monkeypatch.setattr(list_query, "list_select",
                        lambda *a, **k: calls.append(has_request_context()) or real(*a, **k))
    token = progress.create("export", rep.id, filename="客户资料.xlsx")
    export_customers(token, rep.id, args)  # as a worker runs it: an app context, no request

    assert calls == [False]
    assert progress.read(token)["state"] == "done"
    assert _sheet_names(str(progress.path_for(token, ".xlsx"))) == shown == inline


def test_the_list_query_reads_sort_and_ignores_bad_filter_values(db):
    for name in ("乙公司", "甲公司", "丙公司"):
        make_customer(admin(), name=name)
    _db.session.commit()
    name_column = list_query.LIST_COLUMNS.index("name")
    rows = _db.session.scalars(list_query.list_select(admin(), {"sort": [str(name_column)], "desc": ["1"]})).all()
    assert [c.name for c in rows] == sorted(("乙公司", "甲公司", "丙公司"), reverse=True)
    crafted = {"flt0_0": ["99999999999999999999"], "flt1_99": ["1"], "sort": ["abc"]}
    assert len(_db.session.scalars(list_query.list_select(admin(), crafted)).all()) == 3


def test_progress_endpoint_answers_only_the_user_who_started_the_job(app, client, db, monkeypatch):
    for i in range(3):
        make_customer(admin(), name=f"进度客户{i}")
    _db.session.commit()
    monkeypatch.setitem(app.config, "EXPORT_INLINE_LIMIT", 1)  # a job, run inline without Redis
    login(client)
    status_url = client.get("/customer/export.xlsx").headers["Location"]
    token = status_url.rstrip("/").rsplit("/", 1)[-1]
    answer = client.get(f"/jobs/{token}/progress.json")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert answer.get_json() == {"state": "done", "done": 3, "total": 3, "error": None}
    page = client.get(status_url).get_data(as_text=True)
    assert 'class="job-progress"' in page and ">100%<" in page and "js/job_progress.js" in page
    assert client.get("/jobs/0123456789abcdef0123456789abcdef/progress.json").status_code == 404
    client.post("/logout")
    make_employee("lisi", role=make_role("销售员", ["customer.view"]))
    _db.session.commit()
    login(client, "lisi", "secret#123")
    assert client.get(f"/jobs/{token}/progress.json").status_code == 404
