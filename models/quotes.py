"""报价单 and their lines (manual 5.8)."""

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, String, Unicode
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from models.base import Money, TimestampMixin, utcnow
from models.orders import Quantity, status_column


class QuoteStatus(enum.StrEnum):
    """报价中 quotes are listed under 销售报价; 转为销售 moves them to 已转销售 for good."""

    OPEN = "open"
    CONVERTED = "converted"

    @property
    def label(self) -> str:
        return {"open": "报价中", "converted": "已转销售"}[self.value]


class Quote(TimestampMixin, db.Model):
    __tablename__ = "quotes"
    __table_args__ = {"info": {"label": "报价单", "owner_column": "owner_id"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False, index=True)
    customer = relationship("Customer", lazy="joined", innerjoin=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), nullable=False, index=True)
    owner = relationship("Employee", foreign_keys=[owner_id], lazy="joined", innerjoin=True)
    quote_date: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow, index=True)
    status: Mapped[QuoteStatus] = mapped_column(status_column(QuoteStatus), nullable=False,
                                                default=QuoteStatus.OPEN)
    contact_name: Mapped[str | None] = mapped_column(Unicode(50), index=True)
    phone: Mapped[str | None] = mapped_column(String(50))
    total: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal("0.00"))
    remark: Mapped[str | None] = mapped_column(Unicode(500))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("sales_orders.id", ondelete="SET NULL"))
    order = relationship("SalesOrder")
    converted_at: Mapped[datetime | None] = mapped_column(DateTime)

    lines: Mapped[list["QuoteLine"]] = relationship(
        back_populates="quote", cascade="all, delete-orphan", order_by="QuoteLine.position")
    logs: Mapped[list["QuoteLog"]] = relationship(
        back_populates="quote", cascade="all, delete-orphan", order_by="QuoteLog.id")

    def __str__(self) -> str:
        return self.number


class QuoteLine(db.Model):
    __tablename__ = "quote_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), nullable=False, index=True)
    quote: Mapped[Quote] = relationship(back_populates="lines")
    position: Mapped[int] = mapped_column(nullable=False, default=1)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), nullable=False, index=True)
    product = relationship("Product")
    product_code: Mapped[str] = mapped_column(String(50), nullable=False)
    product_name: Mapped[str] = mapped_column(Unicode(100), nullable=False)
    product_spec: Mapped[str | None] = mapped_column(Unicode(100))
    product_unit: Mapped[str | None] = mapped_column(Unicode(20))
    unit_price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    quantity: Mapped[Decimal] = mapped_column(Quantity, nullable=False)
    subtotal: Mapped[Decimal] = mapped_column(Money, nullable=False)


class QuoteLog(db.Model):
    """报价单日志: who created, changed or 转为销售 a quote, written in the same transaction."""

    __tablename__ = "quote_logs"
    __table_args__ = {"info": {"owned": True}}
    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), nullable=False, index=True)
    quote: Mapped[Quote] = relationship(back_populates="logs")
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    employee = relationship("Employee")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    action: Mapped[str] = mapped_column(Unicode(20), nullable=False)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Unicode(500))
