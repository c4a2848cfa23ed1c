"""客户资料: add, edit, delete and the bulk edits of the customer list (manual 4.1)."""

import re
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.services import numbering
from app.services.base_data import referencing_rows
from app.services.customers import custom_fields
from app.services.customers.anniversaries import birthday_month
from app.services.customers.duplicates import check_duplicates
from app.services.customers.history import log_change
from app.services.customers.regions import check_region
from app.services.customers.search import current_tokens, drop_tokens, prepare_keys, reindex
from app.services.errors import ValidationFailed
from app.timeutil import local_today
from models.accounts import Employee
from models.base import utcnow
from models.base_data import CustomerCategory, CustomerSource
from models.customers import Customer, CustomerContact, Gender, HistoryKind, PoolReason

# Editable fields of the customer form, with their maximum length (None: not text).
TEXT_LIMITS = {
    "name": ("客户名称", 100), "contact_name": ("主联系人", 50), "position": ("当前职位", 50),
    "email": ("电子邮箱", 100), "qq": ("QQ/旺旺", 50), "phone": ("固定电话", 50), "mobile": ("联系手机", 50),
    "office_phone": ("办公电话", 50), "fax": ("传真", 50), "province": ("省份", 20), "city": ("城市", 30),
    "district": ("地区", 30), "address": ("详细地址", 200), "industry": ("所属行业", 50),
    "website": ("网站地址", 200), "remark": ("备注信息", 1000),
}
OTHER_FIELDS = ("gender", "birthday", "is_lunar_birthday", "category_id", "source_id", "contract_start",
                "contract_end")
PHONE_LABELS = ("固定电话", "联系手机", "办公电话", "传真")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9+\-\s()（）转#,，/]*$")
GENDER_VALUES = frozenset(g.value for g in Gender)


def clean_values(values: dict) -> dict:
    """Validate and normalise the form (or import row) values; raise ValidationFailed with every reason."""
    cleaned: dict = {}
    errors: list[str] = []
    for field, (label, limit) in TEXT_LIMITS.items():
        raw = values.get(field)
        text = str(raw).strip() if raw is not None else ""
        if len(text) > limit:
            errors.append(f"{label}不能超过 {limit} 个字")
        cleaned[field] = text or None
    if not cleaned["name"]:
        errors.append("客户名称不能为空")
    if not any(cleaned[f] for f in ("phone", "mobile", "office_phone", "fax")):
        errors.append("固定电话、联系手机、办公电话、传真至少填写一项")
    for field, label in zip(("phone", "mobile", "office_phone", "fax"), PHONE_LABELS, strict=True):
        if cleaned[field] and not _PHONE.match(cleaned[field]):
            errors.append(f"{label}只能包含数字、空格、横线和括号")
    if cleaned["email"]:
        cleaned["email"] = cleaned["email"].lower()
        if not _EMAIL.match(cleaned["email"]):
            errors.append("电子邮箱格式不正确")
    if cleaned["website"] and not re.match(r"^(https?://)?[\w.-]+\.[a-z]{2,}(\S*)$", cleaned["website"], re.I):
        errors.append("网站地址格式不正确")
    gender = values.get("gender") or None
    if gender is not None and gender not in GENDER_VALUES:
        errors.append("性别只能是先生或女士")
    cleaned["gender"] = Gender(gender) if gender in GENDER_VALUES else None
    for field in ("birthday", "contract_start", "contract_end"):
        value = values.get(field)
        if value is not None and not isinstance(value, date):
            errors.append("日期格式不正确")
            value = None
        cleaned[field] = value
    if cleaned["birthday"] and cleaned["birthday"] > local_today():
        errors.append("出生日期不能晚于今天")
    if cleaned["contract_start"] and cleaned["contract_end"] and cleaned["contract_end"] < cleaned["contract_start"]:
        errors.append("合同止日不能早于合同始日")
    cleaned["is_lunar_birthday"] = bool(values.get("is_lunar_birthday"))
    try:
        check_region(cleaned["province"], cleaned["city"], cleaned["district"])
    except ValidationFailed as exc:
        errors.append(exc.message)
    for field, model, label in (("category_id", CustomerCategory, "客户类别"), ("source_id", CustomerSource, "客户来源")):
        value = values.get(field)
        if value in (None, "", 0):
            cleaned[field] = None
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if value is None or db.session.get(model, value) is None:
            errors.append(f"{label}不存在")
        cleaned[field] = value
    if errors:
        raise ValidationFailed("；".join(dict.fromkeys(errors)))
    return cleaned


def birth_month(birthday: date | None, lunar: bool, year: int | None = None) -> int | None:
    """Month of this year's birthday; a lunar birthday is converted (rules in anniversaries.py)."""
    return birthday_month(birthday, lunar, year or local_today().year)


def default_id(model) -> int | None:
    return db.session.scalar(select(model.id).where(model.is_default.is_(True)).limit(1))


def _apply(customer: Customer, cleaned: dict) -> None:
    for field in list(TEXT_LIMITS) + list(OTHER_FIELDS):
        setattr(customer, field, cleaned[field])
    customer.birth_month = birth_month(customer.birthday, customer.is_lunar_birthday)
    prepare_keys(customer)


def _sync_primary_contact(customer: Customer) -> None:
    primary = next((c for c in customer.contacts if c.is_primary), None)
    if not customer.contact_name:
        return
    if primary is None:
        primary = CustomerContact(is_primary=True, name=customer.contact_name)
        customer.contacts.append(primary)
    primary.name = customer.contact_name
    primary.gender = customer.gender
    primary.position = customer.position
    primary.phone = customer.phone
    primary.mobile = customer.mobile
    primary.qq = customer.qq
    primary.email = customer.email
    primary.birthday = customer.birthday
    primary.is_lunar_birthday = customer.is_lunar_birthday


def create_customer(values: dict, actor: Employee, owner: Employee | None = None, to_pool: bool = False,
                    custom_values: dict | None = None) -> Customer:
    """添加客户: the actor is 建档客服 and, unless given otherwise, 客服专员."""
    cleaned = clean_values(values)
    cleaned["category_id"] = cleaned["category_id"] or default_id(CustomerCategory)
    cleaned["source_id"] = cleaned["source_id"] or default_id(CustomerSource)
    check_duplicates(cleaned)
    fields = custom_fields.clean(custom_values or {})
    now = utcnow()
    customer = Customer(code=numbering.provisional_number(), creator_id=actor.id, created_at=now)
    _apply(customer, cleaned)
    if to_pool:
        customer.owner_id = None
        customer.pool_entered_at = now
        customer.pool_reason = PoolReason.IMPORTED
    else:
        customer.owner_id = (owner or actor).id
        customer.owner_activity_at = now
    _sync_primary_contact(customer)
    db.session.add(customer)
    db.session.flush()
    custom_fields.save(customer, fields)
    reindex(customer, set())
    # The CT counter row stays locked until the commit: draw the number after everything else.
    customer.code = numbering.next_number("CT")
    db.session.flush()
    return customer


def update_customer(customer: Customer, values: dict, actor: Employee, custom_values: dict | None = None) -> Customer:
    cleaned = clean_values(values)
    check_duplicates(cleaned, exclude_id=customer.id)
    fields = custom_fields.clean(custom_values or {})
    old_category = customer.category
    old_tokens = current_tokens(customer)
    _apply(customer, cleaned)
    _sync_primary_contact(customer)
    db.session.flush()
    db.session.refresh(customer, ["category"])
    if old_category != customer.category:
        log_change(customer, HistoryKind.CATEGORY, old_category, customer.category, actor)
    custom_fields.save(customer, fields)
    reindex(customer, old_tokens)
    return customer


def ensure_deletable(customer: Customer) -> None:
    """Customers with orders (or any record of another module) are refused."""
    used_by = referencing_rows(customer)
    if used_by:
        raise ValidationFailed(f"客户“{customer.name}”已有{used_by}，不能删除")


def prepare_delete(customer: Customer) -> None:
    """Everything a customer deletion needs before the row goes: the refusal rule, files and tokens.

    Contacts, follow-ups, documents, shares and history go with the row by ON DELETE CASCADE.
    """
    from app.services.customers import documents

    ensure_deletable(customer)
    documents.forget_files([customer.id])
    drop_tokens([customer])


def delete_customers(customers: list[Customer]) -> int:
    """Delete as a whole or not at all."""
    for customer in customers:
        prepare_delete(customer)
    for customer in customers:
        db.session.delete(customer)
    db.session.flush()
    return len(customers)


def set_category(customers: list[Customer], category_id: int, actor: Employee) -> int:
    category = db.session.get(CustomerCategory, category_id)
    if category is None:
        raise ValidationFailed("请选择客户类别")
    for customer in customers:
        if customer.category_id != category.id:
            log_change(customer, HistoryKind.CATEGORY, customer.category, category, actor)
            customer.category_id = category.id
    db.session.flush()
    return len(customers)


def set_source(customers: list[Customer], source_id: int) -> int:
    source = db.session.get(CustomerSource, source_id)
    if source is None:
        raise ValidationFailed("请选择客户来源")
    for customer in customers:
        customer.source_id = source.id
    db.session.flush()
    return len(customers)


def assignable_employee(employee_id: int) -> Employee:
    """The employee chosen as 客服专员: must exist and be enabled."""
    employee = db.session.get(Employee, employee_id) if employee_id else None
    if employee is None or not employee.is_enabled:
        raise ValidationFailed("请选择一个启用中的员工作为客服专员")
    return employee


def assign_owner(customers: list[Customer], employee_id: int, actor: Employee, note: str = "客户指派") -> int:
    """客户指派: set 客服专员 (also takes customers out of the pool)."""
    employee = assignable_employee(employee_id)
    now = utcnow()
    for customer in customers:
        if customer.owner_id == employee.id:
            continue
        if customer.owner_id is None:
            log_change(customer, HistoryKind.POOL, "公共客户池", employee.real_name, actor, note)
        log_change(customer, HistoryKind.OWNER, customer.owner, employee, actor, note)
        customer.owner_id = employee.id
        customer.owner_activity_at = now
        customer.claimed_at = None
        customer.pool_entered_at = None
        customer.pool_reason = None
        customer.recycle_warned_at = None
    db.session.flush()
    return len(customers)



def refresh_lunar_birth_months(year: int | None = None, batch: int = 1000) -> int:
    """A lunar birthday falls in a different solar month each year: recompute 本月生日's month (daily job)."""
    changed = 0
    last_id = 0
    while True:
        rows = db.session.scalars(select(Customer).where(Customer.is_lunar_birthday.is_(True),
                                                         Customer.birthday.is_not(None), Customer.id > last_id)
                                  .order_by(Customer.id).limit(batch)).all()
        if not rows:
            return changed
        for customer in rows:
            month = birth_month(customer.birthday, True, year)
            if customer.birth_month != month:
                customer.birth_month = month
                changed += 1
            last_id = customer.id
        db.session.flush()
