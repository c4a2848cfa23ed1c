"""Every job of the recurring schedule is idempotent: a second run right after the first changes no row."""

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db as _db
from app.services.customer_demo import make_customer
from app.services.customers.followups import add_follow_up
from app.services.customers.settings import save_pool_settings
from jobs.cron import SCHEDULE
from models.accounts import LoginLog
from models.base import utcnow
from models.base_data import CustomerCategory
from models.customers import Customer
from models.reminders import Reminder
from tests.helpers import make_employee


def _work_for_every_job():
    """Rows each job acts on: old login-log rows, neglected and nearly neglected customers, a due appointment."""
    zhang = make_employee("zhangsan", real_name="张三")
    potential = _db.session.scalar(select(CustomerCategory).where(CustomerCategory.name == "潜在客户"))
    save_pool_settings(True, 30, 3, {potential.id})
    neglected, nearly = make_customer(zhang, name="久未跟进"), make_customer(zhang, name="即将回收")
    due = make_customer(zhang, name="预约今天回访")
    now = utcnow()
    add_follow_up(due, {"content": "约好今天再联系", "contacted_at": now - timedelta(days=2),
                        "next_contact_at": now - timedelta(minutes=1)}, zhang)
    neglected.owner_activity_at = now - timedelta(days=31)
    nearly.owner_activity_at = now - timedelta(days=28)
    _db.session.add_all([LoginLog(username="admin", ip="127.0.0.1", success=True, created_at=now - timedelta(days=400)),
                         LoginLog(username="admin", ip="127.0.0.1", success=True, created_at=now)])
    _db.session.commit()
    return neglected, nearly, due


def _every_row():
    rows = {}
    for table in _db.metadata.sorted_tables:
        order = [column for column in table.primary_key.columns] or list(table.columns)
        rows[table.name] = [tuple(row) for row in _db.session.execute(select(table).order_by(*order))]
    return rows


def test_every_scheduled_job_run_twice_gives_the_same_rows(db):
    neglected, nearly, due = _work_for_every_job()
    for entry in SCHEDULE:
        entry.func(**entry.kwargs)
        db.session.expire_all()
        after_first = _every_row()
        entry.func(**entry.kwargs)
        db.session.expire_all()
        assert _every_row() == after_first, f"{entry.name} changed rows on its second run"
    # and the first runs did their work
    assert db.session.scalar(select(LoginLog.id).where(LoginLog.created_at < utcnow() - timedelta(days=180))) is None
    assert db.session.get(Customer, neglected.id).owner_id is None
    assert db.session.get(Customer, nearly.id).owner_id is not None
    titles = set(db.session.scalars(select(Reminder.title)))
    assert "回访提醒：预约今天回访" in titles and len(titles) >= 2  # the 回访提醒 and the recycle warning
