"""Bulk insertion of prepared customer rows (imports and demo data): customers, 主联系人, custom values, tokens.

Rows are plain dicts of Customer columns that already passed validation; codes come from one
reservation on the CT counter, so 100,000 rows cost one counter update, not 100,000.
"""

from collections import defaultdict

from sqlalchemy import bindparam, select, update

from app.extensions import db
from app.services import numbering
from app.services.bulk_insert import insert_rows, insert_tuples
from app.services.customers.search import tokens_for
from app.services.customers.vocabulary import remember_tokens
from models.customers import Customer, CustomerContact, CustomerFieldValue, CustomerSearchToken
from models.numbering import DocumentCounter

CONTACT_FIELDS = ("gender", "position", "phone", "mobile", "qq", "email", "birthday", "is_lunar_birthday")


def reserve_codes(count: int) -> list[str]:
    """count consecutive 客户编号 of today, taken in one step under the counter row's lock."""
    if count <= 0:
        return []
    first = numbering.next_number("CT")
    day = first[2:10]
    start = int(first[10:])
    if count > 1:
        db.session.execute(update(DocumentCounter).where(DocumentCounter.prefix == "CT", DocumentCounter.period == day)
                           .values(value=DocumentCounter.value + (count - 1)))
    return [f"CT{day}{n:05d}" for n in range(start, start + count)]


def insert_customers(rows: list[dict], custom_values: list[dict] | None = None, with_tokens: bool = True) -> list[int]:
    """Insert rows (each a dict of Customer columns without code) and everything that goes with them."""
    if not rows:
        return []
    codes = reserve_codes(len(rows))
    for row, code in zip(rows, codes, strict=True):
        row["code"] = code
    # Straight to the driver on the session's connection: no ORM bookkeeping per row. Ids are read
    # back by the reserved (unique) codes, which works the same on every database.
    connection = db.session.connection()
    table = Customer.__table__
    insert_rows(connection, table, rows)
    by_code = {}
    by_codes = select(table.c.code, table.c.id).where(table.c.code.in_(bindparam("codes", expanding=True)))
    for start in range(0, len(codes), 900):
        by_code.update(connection.execute(by_codes, {"codes": codes[start:start + 900]}).all())
    ids = [by_code[code] for code in codes]
    contacts = []
    ids_by_token: defaultdict[str, list[int]] = defaultdict(list)
    values = []
    for customer_id, row, custom in zip(ids, rows, custom_values or [None] * len(rows), strict=True):
        if row.get("contact_name"):
            contact = {"customer_id": customer_id, "is_primary": True, "name": row["contact_name"],
                       "created_at": row["created_at"]}
            contact.update({field: row.get(field) for field in CONTACT_FIELDS})
            contact["is_lunar_birthday"] = bool(contact["is_lunar_birthday"])
            contacts.append(contact)
        if with_tokens:
            for token in tokens_for(row):
                ids_by_token[token].append(customer_id)
        for field_id, value in (custom or {}).items():
            if value is not None:
                values.append({"customer_id": customer_id, "field_id": field_id, "value": value})
    insert_rows(connection, CustomerContact.__table__, contacts)
    insert_rows(connection, CustomerFieldValue.__table__, values)
    # Grouped by token and in index order: consecutive rows land on the same B-tree pages.
    insert_tuples(connection, CustomerSearchToken.__table__, ("token", "customer_id"),
                  [(token, customer_id) for token in sorted(ids_by_token) for customer_id in ids_by_token[token]])
    remember_tokens(connection, ids_by_token)
    return ids


def use_large_cache(connection, megabytes: int = 256) -> None:
    """SQLite only: a large page cache for this connection while a bulk load runs (imports, demo)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA cache_size=-{int(megabytes) * 1024}")
