"""Bulk inserts for imports store exactly what SQLAlchemy's own insert stores, in statements of bounded size."""

from datetime import date, datetime

import pytest
from sqlalchemy import insert, select

from app.extensions import db
from app.services.bulk_insert import MAX_PARAMETERS, insert_rows, insert_tuples
from app.services.customer_demo import make_customer
from models.customers import CustomerContact, CustomerSearchToken, Gender
from tests.helpers import admin

STORED = ("name", "created_at", "gender", "birthday", "is_lunar_birthday", "is_primary")


def _contact(customer_id, name):
    # A whole second and a date: the values whose stored text differs between drivers' own adapters and SQLAlchemy's.
    return {"customer_id": customer_id, "is_primary": False, "name": name, "created_at": datetime(2026, 3, 1, 9, 30),
            "gender": Gender.FEMALE, "position": None, "phone": None, "mobile": "13800000000", "qq": None,
            "email": None, "birthday": date(1990, 2, 28), "is_lunar_birthday": True}


def _raw(name):
    columns = ", ".join(STORED)
    return db.session.connection().exec_driver_sql(
        f"SELECT {columns} FROM customer_contacts WHERE name = '{name}'").one()


def test_rows_are_stored_as_sqlalchemy_stores_them(db):
    customer = make_customer(admin())
    db.session.connection().execute(insert(CustomerContact.__table__), [_contact(customer.id, "核心插入")])
    insert_rows(db.session.connection(), CustomerContact.__table__, [_contact(customer.id, "批量插入")])
    assert tuple(_raw("批量插入"))[1:] == tuple(_raw("核心插入"))[1:]
    contact = db.session.scalar(select(CustomerContact).where(CustomerContact.name == "批量插入"))
    assert (contact.created_at, contact.gender, contact.birthday, contact.is_lunar_birthday) == (
        datetime(2026, 3, 1, 9, 30), Gender.FEMALE, date(1990, 2, 28), True)


def test_many_rows_go_in_full_statements_and_a_remainder(db):
    per_statement = MAX_PARAMETERS // 2
    pairs = [(f"t{i % 7}", 10_000 + i) for i in range(2 * per_statement + 33)]
    insert_tuples(db.session.connection(), CustomerSearchToken.__table__, ("token", "customer_id"), pairs)
    stored = db.session.execute(select(CustomerSearchToken.token, CustomerSearchToken.customer_id)
                                .where(CustomerSearchToken.customer_id >= 10_000)).all()
    assert sorted(stored) == sorted(pairs)


def test_rows_must_carry_the_columns_that_have_defaults(db):
    customer = make_customer(admin())
    row = _contact(customer.id, "缺少默认值")
    del row["created_at"]
    with pytest.raises(ValueError, match="created_at"):
        insert_rows(db.session.connection(), CustomerContact.__table__, [row])
