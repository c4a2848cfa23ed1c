"""Customer list, search and detail page at scale, against a plain Flask-Admin ModelView in the same run.

    python -m tests.perf.bench_customers 1000000 [workdir]   # or run(scale) from tests/perf/run.py

Builds `scale` customers and 3 x scale follow-ups with the demo builder in a temporary SQLite
database, then times real requests through the Flask test client (logged in as the superadmin,
so data scope adds nothing and nothing is hidden). Prints median and p95 per case and the ratio
of the plain ModelView to ours. The 100k import and export run last, on a copy of the database,
so a reused workdir is measured as built every time. Not a test: numbers depend on the machine.
"""

import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta

REPEAT = 15
WARMUP = 2


def _timed(client, url, repeat=REPEAT):
    for _ in range(WARMUP):
        assert client.get(url).status_code == 200, url
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return statistics.median(samples), p95


def _config(path: str) -> dict:
    return {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "CAPTCHA_TEST_CODE": "TEST",
            "WTF_CSRF_ENABLED": False, "REDIS_URL": None, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}


def _copy_for_import(app, workdir: str):
    """An app on a copy of the database: the import adds rows, and a reused workdir must stay as built."""
    from app import create_app
    from app.extensions import db

    with app.app_context():
        db.session.execute(db.text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.commit()
    shutil.copyfile(f"{workdir}/bench.db", f"{workdir}/import.db")
    os.sync()  # the copy's write-back would otherwise compete with the import for the disk
    return create_app(_config(f"{workdir}/import.db"))


def _build(scale: int, workdir: str, reuse: bool = False):
    os.environ.setdefault("CRM_INSTANCE_DIR", workdir)
    from flask_admin.contrib.sqla import ModelView
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.services.customer_demo import CustomerDemoBuilder
    from app.services.demo import DemoBuilder
    from app.services.seed import ensure_admin, seed_defaults
    from models.customers import Customer

    app = create_app(_config(f"{workdir}/bench.db"))

    class PlainCustomerView(ModelView):
        """What Flask-Admin gives out of the box: COUNT(*) pager and LIKE search over the columns."""

        column_list = ("code", "name", "contact_name", "mobile", "phone", "province", "city", "created_at")
        column_searchable_list = ("code", "name", "pinyin", "contact_name", "mobile", "phone", "office_phone",
                                  "province", "city", "address", "qq", "email", "remark")
        column_default_sort = ("id", True)
        page_size = 20

    app.extensions["admin"][0].add_view(PlainCustomerView(Customer, db, endpoint="plain_customer",
                                                          url="/plain-customer"))
    started = time.perf_counter()
    if reuse:
        return app, 0.0
    with app.app_context():
        upgrade()
        seed_defaults()
        ensure_admin("Admin#2026")
        db.session.commit()
        DemoBuilder().employees(12)
        CustomerDemoBuilder().customers(scale, 3 * scale, batch=5000)
    return app, time.perf_counter() - started


def _filter_arg(view, name):
    for key, (_, flt) in view._filter_args.items():
        if str(flt.name) == name:
            return f"flt0_{key}"
    raise KeyError(name)


def run(scale: int, workdir: str | None = None) -> list[str]:
    """Build (or, given the workdir of an earlier run, reuse) the data and time every case."""
    reuse = bool(workdir and os.path.exists(os.path.join(workdir, "bench.db")))
    workdir = workdir or tempfile.mkdtemp(prefix="bench-customers-")
    os.makedirs(workdir, exist_ok=True)
    app, build_seconds = _build(scale, workdir, reuse)
    from sqlalchemy import func, select

    from app.extensions import db
    from app.timeutil import format_local
    from models.accounts import Employee
    from models.base import utcnow
    from models.customers import Customer, FollowUp

    with app.app_context():
        customers = db.session.scalar(select(func.count(Customer.id)))
        follow_ups = db.session.scalar(select(func.count(FollowUp.id)))
    built = "reused from an earlier run" if reuse else f"built in {build_seconds:.0f} s"
    lines = [f"customers: {customers:,} customers, {follow_ups:,} follow-ups, {built} (SQLite, {workdir})"]

    client = app.test_client()
    client.post("/login", data={"username": "admin", "password": "Admin#2026", "captcha": "TEST"})
    with app.app_context():
        view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "customer")
        max_id = db.session.scalar(select(func.max(Customer.id)))
        sample = db.session.get(Customer, max_id // 2)
        company = db.session.scalar(select(Customer).where(Customer.id >= max_id // 3, Customer.name.like("%公司"))
                                    .order_by(Customer.id).limit(1))
        two_chars = company.name[2:4]
        four_chars = company.name[2:6]
        pinyin = company.pinyin[:5]
        suffix = sample.mobile[-4:]
        category_arg = _filter_arg(view, "客户类别")
        category_id = sample.category_id
        owner_arg = _filter_arg(view, "客服专员")
        province_arg = _filter_arg(view, "省份")
        created_arg = _filter_arg(view, "建档时间")
        contact_arg = _filter_arg(view, "最近一次联系")
        city_arg = _filter_arg(view, "城市")
        since = format_local(utcnow() - timedelta(days=30))
        until = format_local(utcnow())
        owner_id = sample.owner_id or sample.creator_id
        owner_part = db.session.get(Employee, owner_id).real_name[-2:]
        deep_page = max(0, scale // 20 // 2)
        # The id the 下一页 link of page deep_page - 1 carries (the last row shown there).
        cursor = db.session.scalar(select(Customer.id).order_by(Customer.id.desc()).offset(deep_page * 20 - 1).limit(1))
    cases = [
        ("list page 1", "/customer/", "/plain-customer/"),
        (f"deep page {deep_page:,} (下一页 cursor)", f"/customer/?page={deep_page}&after={cursor}",
         f"/plain-customer/?page={deep_page}"),
        (f"deep page {deep_page:,} typed URL (OFFSET)", f"/customer/?page={deep_page}", None),
        ("filter 客户类别", f"/customer/?{category_arg}={category_id}", None),
        ("filter 客服专员", f"/customer/?{owner_arg}={owner_id}", None),
        ("filter 省份", f"/customer/?{province_arg}=广东省", None),
        ("filter 城市", f"/customer/?{city_arg}=深圳市", None),
        ("filter 建档时间 (30 days)", f"/customer/?{created_arg}={since} to {until}", None),
        ("filter 最近一次联系 (30 days)", f"/customer/?{contact_arg}={since} to {until}", None),
        ("quick view 7天未联系", "/customer/?qv=no_contact_7", None),
        ("quick view 今日需回访", "/customer/?qv=due_today", None),
        ("quick view 本月生日", "/customer/?qv=birthday", None),
        ("quick view 合同即将到期", "/customer/?qv=contract_ending", None),
        (f"search name substring {four_chars}", f"/customer/?search={four_chars}", f"/plain-customer/?search={four_chars}"),
        (f"search 2-char name {two_chars}", f"/customer/?search={two_chars}", f"/plain-customer/?search={two_chars}"),
        (f"search pinyin initials {pinyin}", f"/customer/?search={pinyin}", f"/plain-customer/?search={pinyin}"),
        (f"search mobile suffix {suffix}", f"/customer/?search={suffix}", f"/plain-customer/?search={suffix}"),
        ("search 有限公司 (very common)", "/customer/?search=有限公司", None),
        (f"search part of an owner's name {owner_part}", f"/customer/?search={owner_part}", None),
        (f"search 3-digit phone piece {suffix[:3]}", f"/customer/?search={suffix[:3]}", None),
        ("search 1 character 王 (common)", "/customer/?search=王", None),
        ("search 1 character 龘 (absent)", "/customer/?search=龘", None),
        ("top-bar search two terms", f"/customer/?search={two_chars}+{sample.city[:2]}", None),
        ("detail page", f"/customer/details/?id={sample.id}", None),
    ]
    lines.append(f"{'case':44} {'ours median':>12} {'ours p95':>10} {'plain median':>13} {'plain p95':>10} {'ratio':>7}")
    plain_repeat = 3 if scale >= 200_000 else REPEAT
    for label, ours_url, plain_url in cases:
        median, p95 = _timed(client, ours_url)
        if plain_url:
            plain_median, plain_p95 = _timed(client, plain_url, repeat=plain_repeat)
            ratio = f"{plain_median / median:6.1f}x"
            lines.append(f"{label:44} {median:10.1f}ms {p95:8.1f}ms {plain_median:11.1f}ms {plain_p95:8.1f}ms {ratio:>7}")
        else:
            lines.append(f"{label:44} {median:10.1f}ms {p95:8.1f}ms {'':>13} {'':>10} {'':>7}")
    lines += _import_export(_copy_for_import(app, workdir), min(scale, 100_000), workdir)
    for name in ("import.db", "import.db-wal", "import.db-shm"):
        if os.path.exists(f"{workdir}/{name}"):
            os.unlink(f"{workdir}/{name}")
    return lines


def _import_export(app, rows: int, workdir: str) -> list[str]:
    """Import `rows` customers from a template-shaped workbook and export `rows` customers (services, timed)."""
    import xlsxwriter

    from app.extensions import db
    from app.services.customers import exports, imports
    from models.accounts import Employee
    from models.customers import Customer

    path = f"{workdir}/import.xlsx"
    with app.app_context():
        headers = imports.headers()
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, headers)
    column = {h: i for i, h in enumerate(headers)}
    tag = int(time.time()) % 100  # a reused database keeps earlier imports: new numbers each run
    for i in range(rows):
        sheet.write_string(i + 1, column["客户名称"], f"导入测试{i}世纪宏达科技有限公司")
        sheet.write_string(i + 1, column["主联系人"], "陈平")
        sheet.write_string(i + 1, column["联系手机"], f"16{tag:02d}{i:07d}")
        sheet.write_string(i + 1, column["省份"], "广东省")
        sheet.write_string(i + 1, column["城市"], "深圳市")
        sheet.write_string(i + 1, column["详细地址"], f"华强北路{i}号")
    workbook.close()
    with app.app_context():
        actor = db.session.get(Employee, 1)
        start = time.perf_counter()
        result = imports.check_file(path)
        checked = time.perf_counter()
        imported = imports.import_checked(result, actor)
        db.session.commit()
        done = time.perf_counter()
        max_id = db.session.scalar(db.select(db.func.max(Customer.id)))
        query = db.select(Customer).where(Customer.id > max_id - rows).order_by(Customer.id.desc())
        start_export = time.perf_counter()
        exports.write_export(query, path=f"{workdir}/export.xlsx")
        exported = time.perf_counter()
    return [f"import {imported:,} rows: check {checked - start:.1f} s + insert {done - checked:.1f} s = "
            f"{done - start:.1f} s ({len(result.errors)} rows refused)",
            f"export {rows:,} customers (two sheets): {exported - start_export:.1f} s"]


if __name__ == "__main__":
    for line in run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, sys.argv[2] if len(sys.argv) > 2 else None):
        print(line)
