"""Parsing of the hand-written customer and follow-up forms (CSRF is checked app-wide by CSRFProtect)."""

from datetime import date, datetime

from sqlalchemy import select

from app.extensions import db
from app.services.customers import custom_fields
from app.services.errors import ValidationFailed
from app.timeutil import local_to_utc, to_local
from models.accounts import Employee
from models.base_data import ContactMethod, CustomerCategory, CustomerSource
from models.customers import Customer, FollowUpKind, Gender

TEXT_FIELDS = ("name", "contact_name", "position", "email", "qq", "phone", "mobile", "office_phone", "fax",
               "province", "city", "district", "address", "industry", "website", "remark")
DATE_LABELS = {"birthday": "出生日期", "contract_start": "合同始日", "contract_end": "合同止日"}


def parse_date(raw: str | None, label: str) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise ValidationFailed(f"{label}格式不正确，应为 2026-01-31") from None


def parse_local_datetime(raw: str | None, label: str) -> datetime | None:
    """A datetime-local input (Asia/Shanghai) -> naive UTC."""
    raw = (raw or "").strip().replace("T", " ")
    if not raw:
        return None
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            typed = datetime.strptime(raw, fmt)
        except ValueError:
            continue
        if not 1900 <= typed.year <= 2200:  # year 0001 would also overflow the conversion to UTC
            raise ValidationFailed(f"{label}超出范围（1900-2200 年）")
        return local_to_utc(typed)
    raise ValidationFailed(f"{label}格式不正确，应为 2026-01-31 14:30")


def customer_values(form) -> tuple[dict, dict]:
    """(system field values, {custom field id: raw}) from a posted customer form."""
    values = {name: form.get(name, "") for name in TEXT_FIELDS}
    errors = []
    for name, label in DATE_LABELS.items():
        try:
            values[name] = parse_date(form.get(name), label)
        except ValidationFailed as exc:
            errors.append(exc.message)
    if errors:
        raise ValidationFailed("；".join(errors))
    values["gender"] = form.get("gender") or None
    values["is_lunar_birthday"] = form.get("is_lunar_birthday") == "1"
    values["category_id"] = form.get("category_id") or None
    values["source_id"] = form.get("source_id") or None
    custom = {field.id: form.get(f"cf_{field.id}") for field in custom_fields.all_fields()}
    return values, custom


def customer_form_data(customer: Customer | None) -> dict:
    """Values to pre-fill the form with (strings, as the inputs show them)."""
    if customer is None:
        return {}
    data = {name: getattr(customer, name) or "" for name in TEXT_FIELDS}
    for name in DATE_LABELS:
        value = getattr(customer, name)
        data[name] = value.isoformat() if value else ""
    data["gender"] = customer.gender.value if customer.gender else ""
    data["is_lunar_birthday"] = "1" if customer.is_lunar_birthday else "0"
    data["category_id"] = str(customer.category_id or "")
    data["source_id"] = str(customer.source_id or "")
    data["owner_id"] = str(customer.owner_id or "")
    for field_id, value in custom_fields.values_of(customer.id).items():
        data[f"cf_{field_id}"] = value
    return data


def choice_lists() -> dict:
    return {
        "categories": db.session.scalars(select(CustomerCategory).order_by(CustomerCategory.sort_order,
                                                                           CustomerCategory.id)).all(),
        "sources": db.session.scalars(select(CustomerSource).order_by(CustomerSource.sort_order,
                                                                      CustomerSource.id)).all(),
        "employees": db.session.scalars(select(Employee).where(Employee.is_enabled.is_(True))
                                        .order_by(Employee.real_name)).all(),
        "genders": [(g.value, g.label) for g in Gender],
        "custom_fields": custom_fields.all_fields(),
    }


def follow_up_values(form) -> dict:
    return {
        "contact_id": form.get("contact_id") or None,
        "contact_phone": form.get("contact_phone"),
        "method_id": form.get("method_id") or None,
        "contacted_at": parse_local_datetime(form.get("contacted_at"), "联系时间"),
        "content": form.get("content"),
        "kind": form.get("kind"),
        "next_contact_at": parse_local_datetime(form.get("next_contact_at"), "下次联系"),
        "next_goal": form.get("next_goal"),
    }  # 联系客服 is whoever writes the record, never a form field


def follow_up_choices() -> dict:
    return {
        "methods": db.session.scalars(select(ContactMethod).order_by(ContactMethod.sort_order, ContactMethod.id)).all(),
        "kinds": [(k.value, k.label) for k in FollowUpKind],
        "employees": db.session.scalars(select(Employee).where(Employee.is_enabled.is_(True))
                                        .order_by(Employee.real_name)).all(),
    }


def local_input(value: datetime | None) -> str:
    local = to_local(value)
    return local.strftime("%Y-%m-%dT%H:%M") if local else ""
