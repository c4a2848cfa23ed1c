"""客户验证设置 (manual 3.8.4): a customer matching an existing one on any checked field is refused.

The refusal names the existing customer exactly as the manual shows it, even to a user who cannot
otherwise see that customer (that is the point: no 撞单), and nothing more.
"""

from sqlalchemy import or_, select

from app.extensions import db
from app.services.customers.search import digits
from app.services.customers.settings import CHECKS, get_settings
from app.services.errors import ValidationFailed
from models.customers import Customer

PHONE_FIELDS = ("phone", "mobile", "office_phone", "fax")
PHONE_KEY_COLUMNS = (Customer.phone_key, Customer.mobile_key, Customer.office_phone_key, Customer.fax_key)


def normalised(field: str, value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if field in PHONE_FIELDS:
        return digits(text) or None
    if field == "email":
        return text.lower() or None
    return text or None


def checked_fields() -> list[tuple[str, str]]:
    """(customer field, refusal word) of every check switched on in 客户验证设置."""
    settings = get_settings()
    return [(field, word) for attr, field, _label, word in CHECKS if getattr(settings, attr)]


def _condition(field: str, value: str):
    if field in PHONE_FIELDS:
        return or_(*(column == value for column in PHONE_KEY_COLUMNS))
    return getattr(Customer, field) == value


def find_duplicate(values: dict, exclude_id: int | None = None) -> tuple[str, Customer] | None:
    for field, word in checked_fields():
        value = normalised(field, values.get(field))
        if not value:
            continue
        query = select(Customer).where(_condition(field, value))
        if exclude_id is not None:
            query = query.where(Customer.id != exclude_id)
        existing = db.session.scalars(query.order_by(Customer.id).limit(1)).first()
        if existing is not None:
            return word, existing
    return None


def duplicate_message(word: str, existing: Customer) -> str:
    owner = existing.owner.real_name if existing.owner else "无（公共客户池）"
    return f"{word}已存在,客户编号:{existing.code},客户名称:{existing.name},客服专员:{owner}"


def check_duplicates(values: dict, exclude_id: int | None = None) -> None:
    found = find_duplicate(values, exclude_id)
    if found:
        raise ValidationFailed(duplicate_message(*found))
