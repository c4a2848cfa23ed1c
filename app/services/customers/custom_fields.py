"""自定义字段 (manual 3.8.2): text, number, date and single-choice fields after the system fields."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import delete, func, select

from app.extensions import db
from app.services.errors import ValidationFailed
from models.customers import Customer, CustomerField, CustomerFieldValue, FieldType


def all_fields() -> list[CustomerField]:
    return list(db.session.scalars(select(CustomerField).order_by(CustomerField.sort_order, CustomerField.id)))


def _parse(field: CustomerField, raw) -> str | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if field.is_required:
            raise ValidationFailed(f"{field.name}不能为空")
        return None
    if field.field_type is FieldType.NUMBER:
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            raise ValidationFailed(f"{field.name}须为数字") from None
        if not number.is_finite() or abs(number) >= Decimal("1e15"):
            raise ValidationFailed(f"{field.name}须为数字")
        return format(number.normalize(), "f")
    if field.field_type is FieldType.DATE:
        if isinstance(raw, datetime):
            return raw.date().isoformat()
        if isinstance(raw, date):
            return raw.isoformat()
        try:
            return date.fromisoformat(str(raw).strip()[:10]).isoformat()
        except ValueError:
            raise ValidationFailed(f"{field.name}须为日期，格式如 2026-01-31") from None
    text = str(raw).strip()
    if field.field_type is FieldType.CHOICE and text not in field.choices:
        raise ValidationFailed(f"{field.name}只能选择：{'、'.join(field.choices)}")
    if len(text) > 500:
        raise ValidationFailed(f"{field.name}不能超过 500 个字")
    return text


def clean(raw_values: dict, fields: list[CustomerField] | None = None) -> dict[int, str | None]:
    """{field id: raw} -> {field id: stored text}; every field is validated, missing ones count as empty."""
    cleaned, errors = {}, []
    for field in all_fields() if fields is None else fields:
        try:
            cleaned[field.id] = _parse(field, raw_values.get(field.id))
        except ValidationFailed as exc:
            errors.append(exc.message)
    if errors:
        raise ValidationFailed("；".join(errors))
    return cleaned


def save(customer: Customer, cleaned: dict[int, str | None]) -> None:
    existing = {v.field_id: v for v in db.session.scalars(
        select(CustomerFieldValue).where(CustomerFieldValue.customer_id == customer.id))}
    for field_id, value in cleaned.items():
        row = existing.get(field_id)
        if value is None:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(CustomerFieldValue(customer_id=customer.id, field_id=field_id, value=value))
        else:
            row.value = value
    db.session.flush()


def values_of(customer_id: int) -> dict[int, str]:
    return dict(db.session.execute(select(CustomerFieldValue.field_id, CustomerFieldValue.value)
                                   .where(CustomerFieldValue.customer_id == customer_id)).all())


def check_field(field: CustomerField) -> None:
    field.name = (field.name or "").strip()
    if not field.name:
        raise ValidationFailed("字段名称不能为空")
    if field.field_type is FieldType.CHOICE and not field.choices:
        raise ValidationFailed("单选字段请填写选项，每行一个")
    query = select(CustomerField.id).where(CustomerField.name == field.name)
    if field.id is not None:
        query = query.where(CustomerField.id != field.id)
    with db.session.no_autoflush:  # the new row itself must not be flushed into the check
        clash = db.session.scalar(query)
    if clash:
        raise ValidationFailed(f"字段“{field.name}”已存在")


def usage_count(field: CustomerField) -> int:
    return db.session.scalar(select(func.count()).select_from(CustomerFieldValue)
                             .where(CustomerFieldValue.field_id == field.id)) or 0


def delete_field(field: CustomerField) -> int:
    """Deleting a field deletes its data too (the confirmation says so); returns how many values went."""
    gone = usage_count(field)
    db.session.execute(delete(CustomerFieldValue).where(CustomerFieldValue.field_id == field.id))
    db.session.delete(field)
    db.session.flush()
    return gone
