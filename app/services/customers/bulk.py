"""Bulk insertion of prepared customer rows (imports and demo data): customers, 主联系人, custom values, tokens.

Rows are plain dicts of Customer columns that already passed validation; codes come from one
reservation on the CT counter, so 100,000 rows cost one counter update, not 100,000.
"""

from sqlalchemy import insert, update

from app.extensions import db
from app.services import numbering
from app.services.customers.search import tokens_for
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
    result = db.session.execute(insert(Customer).returning(Customer.id, sort_by_parameter_order=True), rows)
    ids = [r[0] for r in result]
    contacts = []
    tokens = []
    values = []
    for customer_id, row, custom in zip(ids, rows, custom_values or [None] * len(rows), strict=True):
        if row.get("contact_name"):
            contact = {"customer_id": customer_id, "is_primary": True, "name": row["contact_name"],
                       "created_at": row["created_at"]}
            contact.update({field: row.get(field) for field in CONTACT_FIELDS})
            contact["is_lunar_birthday"] = bool(contact["is_lunar_birthday"])
            contacts.append(contact)
        if with_tokens:
            tokens.extend({"token": token, "customer_id": customer_id} for token in tokens_for(row))
        for field_id, value in (custom or {}).items():
            if value is not None:
                values.append({"customer_id": customer_id, "field_id": field_id, "value": value})
    if contacts:
        db.session.execute(insert(CustomerContact), contacts)
    if values:
        db.session.execute(insert(CustomerFieldValue), values)
    if tokens:
        db.session.execute(insert(CustomerSearchToken), tokens)
    return ids
