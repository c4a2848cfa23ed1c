"""Saves that meet on the database: SQLite writers take the lock up front, the settings row never races itself."""

import threading

import pytest
from sqlalchemy import func, select

from admin_views.transactions import committed
from app.extensions import db as _db
from app.services.customers.settings import get_settings
from app.services.numbering import next_number
from app.sqlite_transactions import write_transactions
from models.accounts import Employee
from models.customers import Customer, CustomerSettings


def _run(*targets):
    errors = []

    def guarded(target):
        try:
            target()
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


def test_two_simultaneous_saves_of_one_mobile_number_make_one_customer(app, db, monkeypatch):
    """Both 添加客户 check for duplicates before either inserts: on SQLite the second save must wait for the first
    (BEGIN IMMEDIATE when committed() starts the change) and then see its customer, not slip in between the first
    one's check and insert."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SQLite locking")
    from app.services.customers import records
    from tests.helpers import admin

    admin_id, checked, refused = admin().id, threading.Event(), []
    db.session.commit()
    real_clean = records.custom_fields.clean

    def slow_clean(values):  # runs after the duplicate check, before the insert
        if threading.current_thread().name == "first":
            checked.set()
            threading.Event().wait(0.5)
        return real_clean(values)

    monkeypatch.setattr(records.custom_fields, "clean", slow_clean)

    def save():
        if threading.current_thread().name == "second":
            checked.wait(10)
        with app.test_request_context("/customer/new/", method="POST"):
            actor = _db.session.get(Employee, admin_id)  # read before the change, as a view does
            with committed(flash_error=False) as outcome:
                records.create_customer({"name": threading.current_thread().name, "mobile": "13900001111"}, actor)
            if outcome.failed:
                refused.append(outcome.error)
            _db.session.remove()

    threads = [threading.Thread(target=save, name=name) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert db.session.scalars(select(Customer.name).where(Customer.mobile == "13900001111")).all() == ["first"]
    assert len(refused) == 1 and refused[0].startswith("手机已存在")


def test_a_page_that_only_reads_does_not_hold_the_write_lock(app, db):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SQLite locking")
    reading, written, wrote_while_reading = threading.Event(), threading.Event(), []

    def page():
        with app.test_request_context("/customer/", method="GET"):
            _db.session.scalar(select(func.count(Customer.id)))
            reading.set()
            wrote_while_reading.append(written.wait(8))  # still inside the read transaction
            _db.session.remove()

    def writer():
        reading.wait(10)
        with app.app_context(), write_transactions():
            next_number("CT")
            _db.session.commit()
            _db.session.remove()
        written.set()

    assert _run(page, writer) == []
    assert wrote_while_reading == [True]


def test_crm_init_creates_the_settings_row_and_reads_do_not_insert(db):
    assert db.session.get(CustomerSettings, 1) is not None
    db.session.commit()
    settings = get_settings()
    assert settings.recycle_days == 30 and not db.session.new and not db.session.dirty


def test_simultaneous_first_saves_on_a_database_without_settings_row_all_succeed(app, db):
    db.session.execute(CustomerSettings.__table__.delete())
    db.session.commit()
    db.session.remove()
    start = threading.Barrier(6)

    def first_save():
        with app.app_context(), write_transactions():
            start.wait(10)
            assert get_settings().check_mobile is True
            _db.session.commit()
            _db.session.remove()

    assert _run(*[first_save] * 6) == []
    assert db.session.scalar(select(func.count()).select_from(CustomerSettings)) == 1
