"""联系人 (manual 4.1): several per customer; the 主联系人 mirrors the customer form."""

from app.extensions import db
from app.services.customers.search import current_tokens, reindex
from app.services.errors import ValidationFailed
from models.customers import Customer, CustomerContact, Gender

FIELDS = ("name", "gender", "department", "position", "phone", "mobile", "qq", "email", "remark")
LIMITS = {"name": ("联系人", 50), "department": ("部门", 50), "position": ("职位", 50), "phone": ("联系电话", 50),
          "mobile": ("手机", 50), "qq": ("QQ/旺旺", 50), "email": ("邮件", 100), "remark": ("备注", 500)}


def save_contact(customer: Customer, contact: CustomerContact | None, values: dict) -> CustomerContact:
    cleaned, errors = {}, []
    for field, (label, limit) in LIMITS.items():
        text = (values.get(field) or "").strip()
        if len(text) > limit:
            errors.append(f"{label}不能超过 {limit} 个字")
        cleaned[field] = text or None
    if not cleaned["name"]:
        errors.append("联系人姓名不能为空")
    gender = values.get("gender") or None
    if gender and gender not in {g.value for g in Gender}:
        errors.append("性别只能是先生或女士")
    if errors:
        raise ValidationFailed("；".join(errors))
    if contact is None:
        contact = CustomerContact(customer_id=customer.id, is_primary=False, name=cleaned["name"])
        db.session.add(contact)
    old_tokens = current_tokens(customer) if contact.is_primary else None
    for field, value in cleaned.items():
        setattr(contact, field, value)
    contact.gender = Gender(gender) if gender else None
    contact.birthday = values.get("birthday")
    contact.is_lunar_birthday = bool(values.get("is_lunar_birthday"))
    if contact.is_primary:
        # The 主联系人 is the customer's own contact: keep the customer row (and its search tokens) in step.
        customer.contact_name = contact.name
        customer.gender = contact.gender
        customer.position = contact.position
    db.session.flush()
    if contact.is_primary:
        reindex(customer, old_tokens)
    return contact


def form_data(contact: CustomerContact) -> dict:
    data = {field: getattr(contact, field) or "" for field in FIELDS}
    data["gender"] = contact.gender.value if contact.gender else ""
    data["birthday"] = contact.birthday.isoformat() if contact.birthday else ""
    data["is_lunar_birthday"] = "1" if contact.is_lunar_birthday else "0"
    return data


def delete_contact(contact: CustomerContact) -> None:
    if contact.is_primary:
        raise ValidationFailed("主联系人请在客户资料中修改，不能删除")
    db.session.delete(contact)
    db.session.flush()
