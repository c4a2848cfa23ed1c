"""系统操作日志: the audit trail of business records (who, when, which fields, old -> new)."""

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Unicode, UnicodeText
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from models.base import utcnow


class AuditEntry(db.Model):
    """One create / update / delete of a record, a bulk import, or a maintenance operation.

    actor_id is a plain number, not a foreign key: the trail outlives the accounts it names (and a
    系统初始化 of other tables never has to touch it).
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_table_record", "table_name", "record_id", "id"),
        Index("ix_audit_log_created_at", "created_at"),
        Index("ix_audit_log_actor_id_id", "actor_id", "id"),
        {"info": {"init_group": "日志"}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(Unicode(50), nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)  # create update delete bulk restore ...
    table_name: Mapped[str] = mapped_column(String(64), nullable=False)
    table_label: Mapped[str] = mapped_column(Unicode(50), nullable=False)
    record_id: Mapped[str | None] = mapped_column(String(40))
    record_label: Mapped[str | None] = mapped_column(Unicode(200))
    changes: Mapped[str | None] = mapped_column(UnicodeText)  # JSON {column: [old, new]}
