"""客户池设置 and 客户验证设置 (manual 3.8.1, 3.8.4), kept in one settings row."""

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.services.errors import ValidationFailed
from models.base_data import CustomerCategory
from models.customers import CustomerSettings, PoolCategory

# (settings attribute, customer attribute, label of the figure 3-19 row, word used in the refusal)
CHECKS = (
    ("check_name", "name", "客户名称", "客户名称"),
    ("check_phone", "phone", "固定电话", "固定电话"),
    ("check_mobile", "mobile", "联系手机", "手机"),
    ("check_office_phone", "office_phone", "办公电话", "办公电话"),
    ("check_fax", "fax", "传真", "传真"),
    ("check_qq", "qq", "QQ/旺旺", "QQ/旺旺"),
    ("check_email", "email", "电子邮箱", "电子邮箱"),
)


def ensure_settings() -> None:
    """Create the settings row with the defaults of figure 3-19 (`crm init`); safe when it exists or is being
    created by another transaction at the same moment."""
    if db.session.get(CustomerSettings, 1) is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.add(CustomerSettings(id=1))
    except IntegrityError:
        pass  # created meanwhile by someone else: theirs is the same defaults


def get_settings() -> CustomerSettings:
    """The settings row; `crm init` creates it, so reads do not insert (a database that somehow lacks it gets it
    through the race-safe ensure_settings())."""
    settings = db.session.get(CustomerSettings, 1)
    if settings is None:
        ensure_settings()
        settings = db.session.get(CustomerSettings, 1)
    return settings


def save_check_settings(enabled: set[str]) -> CustomerSettings:
    settings = get_settings()
    for attr, *_ in CHECKS:
        setattr(settings, attr, attr in enabled)
    db.session.flush()
    return settings


def pool_category_ids() -> set[int]:
    return set(db.session.scalars(select(PoolCategory.category_id)))


def save_pool_settings(enabled: bool, recycle_days: int, warn_days: int, category_ids: set[int]) -> CustomerSettings:
    if not 1 <= recycle_days <= 3650:
        raise ValidationFailed("回收周期须为 1 到 3650 之间的整数（天）")
    if not 0 <= warn_days < recycle_days:
        raise ValidationFailed("提前提醒天数须为 0 到回收周期之间的整数")
    known = set(db.session.scalars(select(CustomerCategory.id)))
    if category_ids - known:
        raise ValidationFailed("客户回收范围中有不存在的客户类别")
    if enabled and not category_ids:
        raise ValidationFailed("开启客户池功能时请至少勾选一个客户回收范围")
    settings = get_settings()
    settings.pool_enabled = enabled
    settings.recycle_days = recycle_days
    settings.warn_days = warn_days
    db.session.execute(delete(PoolCategory))
    if category_ids:
        db.session.execute(insert(PoolCategory), [{"category_id": cid} for cid in sorted(category_ids)])
    db.session.flush()
    return settings
