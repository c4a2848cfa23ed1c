"""Customer jobs on a real Redis and a real `rq worker`: big export with progress, import, recycle, 回访提醒."""

import io
from datetime import timedelta

import pytest
from openpyxl import Workbook, load_workbook
from redis import Redis
from rq import Queue
from sqlalchemy import func, select

from app.extensions import db as _db
from app.services.customer_demo import make_customer
from app.services.customers import imports
from app.services.customers.followups import add_follow_up
from app.services.customers.settings import save_pool_settings
from jobs import enqueue
from jobs.customers import recycle_customers, remind_due_follow_ups
from models.base import utcnow
from models.base_data import CustomerCategory
from models.customers import Customer
from models.reminders import Reminder
from tests.helpers import admin, login, make_employee, make_role
from tests.jobs.conftest import run_burst_worker


@pytest.fixture()
def rq_app(queued_app):
    """Jobs go to the real Redis; exports above two rows run as a job (see tests/jobs/conftest.py)."""
    old = queued_app.config["EXPORT_INLINE_LIMIT"]
    queued_app.config["EXPORT_INLINE_LIMIT"] = 2
    yield queued_app
    queued_app.config["EXPORT_INLINE_LIMIT"] = old


def work(app, redis_url):
    """A real `rq worker --burst` process runs what was queued."""
    result = run_burst_worker(app, redis_url)
    assert result.returncode == 0, result.stderr[-2000:]
    assert Queue("default", connection=Redis.from_url(redis_url)).failed_job_registry.count == 0, result.stderr[-3000:]


def test_big_export_runs_as_a_job_with_progress_and_download(rq_app, db, redis_url):
    for i in range(5):
        make_customer(admin(), name=f"导出客户{i}", contact_name=f"联系人{i}")
    db.session.commit()
    client = rq_app.test_client()
    login(client)
    response = client.get("/customer/export.xlsx")
    assert response.status_code == 302 and "/customer/export/" in response.headers["Location"]
    status_url = response.headers["Location"]
    assert "已排队" in client.get(status_url).get_data(as_text=True)
    work(rq_app, redis_url)
    page = client.get(status_url).get_data(as_text=True)
    assert "下载文件" in page
    workbook = load_workbook(io.BytesIO(client.get(status_url + "/download").data))
    names = sorted(row[1] for row in workbook["客户资料"].iter_rows(min_row=2, values_only=True))
    assert names == [f"导出客户{i}" for i in range(5)]
    assert workbook["联系人"].max_row == 6
    other = make_employee("lisi", role=make_role("销售员", ["customer.view", "customer.export"]))
    _db.session.commit()
    client.post("/logout")  # another user cannot fetch the file by its token
    login(client, other.username, "secret#123")
    assert client.get(status_url + "/download").status_code == 404
    assert client.get(status_url).status_code == 404


def test_import_check_and_import_run_on_the_worker(rq_app, db, redis_url):
    client = rq_app.test_client()
    login(client)
    wb = Workbook()
    wb.active.append(imports.headers())
    for i in range(3):
        row = [None] * len(imports.headers())
        row[0], row[imports.headers().index("联系手机")] = f"导入客户{i}", f"1390000000{i}"
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    status_url = client.post("/customer-import/upload", data={"file": (io.BytesIO(buffer.getvalue()), "a.xlsx")},
                             content_type="multipart/form-data").headers["Location"]
    work(rq_app, redis_url)
    assert "可以导入 <strong>3</strong> 行" in client.get(status_url).get_data(as_text=True)
    client.post(status_url.replace("/status/", "/start/"))
    work(rq_app, redis_url)
    assert "成功导入 3 个客户" in client.get(status_url).get_data(as_text=True)
    assert db.session.scalar(select(func.count(Customer.id))) == 3


def test_recycle_and_reminder_jobs_through_rq_are_idempotent(rq_app, db, redis_url):
    zhang = make_employee("zhangsan", real_name="张三")
    potential = db.session.scalar(select(CustomerCategory).where(CustomerCategory.name == "潜在客户"))
    save_pool_settings(True, 30, 3, {potential.id})
    old = make_customer(zhang, name="久未跟进")
    old.owner_activity_at = utcnow() - timedelta(days=40)
    due = make_customer(zhang, name="预约到期")
    add_follow_up(due, {"content": "报价", "contacted_at": utcnow() - timedelta(days=1),
                        "next_contact_at": utcnow() - timedelta(minutes=1)}, zhang)
    db.session.commit()
    for _ in range(2):
        enqueue(recycle_customers)
        enqueue(remind_due_follow_ups)
        work(rq_app, redis_url)
    db.session.expire_all()
    assert db.session.get(Customer, old.id).owner_id is None
    assert db.session.scalar(select(func.count(Reminder.id)).where(Reminder.kind == "follow_up")) == 1
    assert recycle_customers() == {"recycled": 0, "warned": 0}
