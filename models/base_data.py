"""Base data of manual chapter 3: lookups every other module refers to."""

from sqlalchemy import ForeignKey, String, Unicode
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from models.base import SortedMixin, TimestampMixin


class DefaultFlagMixin:
    """Exactly one row of the table may be 默认 (app.services.base_data.set_default enforces it)."""

    is_default: Mapped[bool] = mapped_column(default=False, nullable=False)


class CustomerCategory(DefaultFlagMixin, SortedMixin, db.Model):
    __tablename__ = "customer_categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Unicode(50), unique=True, nullable=False)

    def __str__(self) -> str:
        return self.name


class CustomerSource(DefaultFlagMixin, SortedMixin, db.Model):
    __tablename__ = "customer_sources"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Unicode(50), unique=True, nullable=False)

    def __str__(self) -> str:
        return self.name


class ContactMethod(SortedMixin, db.Model):
    """联系方式 used when recording a follow-up (manual 3.8.3)."""

    __tablename__ = "contact_methods"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Unicode(50), unique=True, nullable=False)

    def __str__(self) -> str:
        return self.name


class Department(SortedMixin, db.Model):
    __tablename__ = "departments"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Unicode(50), nullable=False)
    description: Mapped[str | None] = mapped_column(Unicode(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    parent: Mapped["Department | None"] = relationship(remote_side=[id], backref="children")

    def __str__(self) -> str:
        return self.name


class Warehouse(DefaultFlagMixin, SortedMixin, db.Model):
    __tablename__ = "warehouses"
    __table_args__ = {"info": {"label": "仓库"}}
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Unicode(50), unique=True, nullable=False)
    contact: Mapped[str | None] = mapped_column(Unicode(50))
    phone: Mapped[str | None] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(Unicode(200))
    remark: Mapped[str | None] = mapped_column(Unicode(500))
    is_enabled: Mapped[bool] = mapped_column(default=True, nullable=False)

    def __str__(self) -> str:
        return self.name


class Supplier(DefaultFlagMixin, TimestampMixin, db.Model):
    __tablename__ = "suppliers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Unicode(100), unique=True, nullable=False)
    contact: Mapped[str | None] = mapped_column(Unicode(50))
    phone: Mapped[str | None] = mapped_column(String(50))
    mobile: Mapped[str | None] = mapped_column(String(50))
    fax: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(Unicode(200))
    remark: Mapped[str | None] = mapped_column(Unicode(500))

    def __str__(self) -> str:
        return self.name


class LogisticsCompany(SortedMixin, TimestampMixin, db.Model):
    """物流公司 (manual 9.6). The built-in 无需物流 row generates LP tracking numbers."""

    __tablename__ = "logistics_companies"
    NO_SHIPPING_NAME = "无需物流"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Unicode(50), unique=True, nullable=False)
    contact: Mapped[str | None] = mapped_column(Unicode(50))
    phone: Mapped[str | None] = mapped_column(String(50))
    is_builtin: Mapped[bool] = mapped_column(default=False, nullable=False)
    operator_name: Mapped[str | None] = mapped_column(Unicode(50))

    def __str__(self) -> str:
        return self.name
