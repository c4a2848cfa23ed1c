"""Shared column helpers and mixins for every model."""

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import DateTime, Numeric, String, Unicode
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

Money = Numeric(18, 2)


def utcnow() -> datetime:
    """Naive UTC: every timestamp is stored this way and shown in DISPLAY_TIMEZONE."""
    return datetime.now(UTC).replace(tzinfo=None)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


class SortedMixin:
    """排序值: smaller values come first, as the manual says for 联系方式 and 物流公司."""

    sort_order: Mapped[int] = mapped_column(default=0, nullable=False)


__all__ = ["db", "Money", "Decimal", "String", "utcnow", "TimestampMixin", "SortedMixin"]


# The token column of the search indexes: a binary collation so the B-tree orders tokens by code point on every
# database (NVARCHAR on SQL Server, whose VARCHAR under a Latin1 collation cannot hold Chinese characters).
SEARCH_TOKEN = (String(40)
                .with_variant(String(40, collation="C"), "postgresql")
                .with_variant(Unicode(40, collation="Latin1_General_100_BIN2"), "mssql"))
