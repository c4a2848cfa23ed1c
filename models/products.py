"""产品类别 and 产品信息 (manual 3.3, 3.4)."""

from decimal import Decimal

from sqlalchemy import ForeignKey, String, Unicode, UnicodeText
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from models.base import Money, SortedMixin, TimestampMixin


class ProductCategory(SortedMixin, db.Model):
    __tablename__ = "product_categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Unicode(50), nullable=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("product_categories.id"))
    parent: Mapped["ProductCategory | None"] = relationship(remote_side=[id], backref="children")

    def __str__(self) -> str:
        return self.name


class Product(TimestampMixin, db.Model):
    __tablename__ = "products"
    __table_args__ = {"info": {"label": "产品信息"}}
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(Unicode(100), nullable=False, index=True)
    pinyin: Mapped[str] = mapped_column(String(100), nullable=False, default="", index=True)
    spec: Mapped[str | None] = mapped_column(Unicode(100), index=True)
    unit: Mapped[str | None] = mapped_column(Unicode(20))
    price: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal("0.00"))
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("product_categories.id"), index=True
    )
    category: Mapped[ProductCategory | None] = relationship()
    on_shelf: Mapped[bool] = mapped_column(default=True, nullable=False, index=True)
    description: Mapped[str | None] = mapped_column(UnicodeText)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
