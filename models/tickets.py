"""售后管理 (manual ch. 6): 工单, their replies and attachments, the 工单日志 and 工单信息设置's categories."""

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Unicode, UnicodeText
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from models.base import TimestampMixin, utcnow
from models.orders import status_column


class TicketStatus(enum.StrEnum):
    """新工单 -> 已分配 -> 已解决 -> 已关闭; 已解决 -> 已分配 (重新打开); 新工单/已分配 -> 已取消."""

    NEW = "new"
    ASSIGNED = "assigned"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {"new": "新工单", "assigned": "已分配", "resolved": "已解决", "closed": "已关闭",
                "cancelled": "已取消"}[self.value]


class TicketPriority(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def label(self) -> str:
        return {"low": "低", "medium": "中", "high": "高", "urgent": "紧急"}[self.value]


class TicketCategory(db.Model):
    """服务类别 (工单信息设置)."""

    __tablename__ = "ticket_categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Unicode(50), unique=True, nullable=False)
    sort_order: Mapped[int] = mapped_column(default=0, nullable=False)

    def __str__(self) -> str:
        return self.name


class Ticket(TimestampMixin, db.Model):
    __tablename__ = "tickets"
    __table_args__ = (
        # The per-status lists, newest first; the submitter's and the assignee's own lists (数据范围).
        Index("ix_tickets_status_id", "status", "id"),
        Index("ix_tickets_owner_status", "owner_id", "status", "id"),
        Index("ix_tickets_assignee_status", "assignee_id", "status", "id"),
        # 工单综合查询 over every status: 分配给 and 优先级 newest first, 提交时间 ranges.
        Index("ix_tickets_assignee_id", "assignee_id", "id"),
        Index("ix_tickets_priority_id", "priority", "id"),
        Index("ix_tickets_created_at", "created_at"),
        Index("ix_tickets_customer_id", "customer_id", "id"),
        Index("ix_tickets_due", "status", "resolution_due_at"),
        {"info": {"label": "工单", "owner_column": "owner_id"}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    customer = relationship("Customer", lazy="joined", innerjoin=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), nullable=False)  # 提交者
    owner = relationship("Employee", foreign_keys=[owner_id], lazy="joined", innerjoin=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))  # 分配给
    assignee = relationship("Employee", foreign_keys=[assignee_id], lazy="joined")
    status: Mapped[TicketStatus] = mapped_column(status_column(TicketStatus), nullable=False,
                                                 default=TicketStatus.NEW)
    priority: Mapped[TicketPriority] = mapped_column(status_column(TicketPriority), nullable=False,
                                                     default=TicketPriority.MEDIUM)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_categories.id"), index=True)
    category = relationship("TicketCategory", lazy="joined")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    department = relationship("Department")
    order_id: Mapped[int | None] = mapped_column(ForeignKey("sales_orders.id", ondelete="SET NULL"))
    order = relationship("SalesOrder")
    contact_name: Mapped[str | None] = mapped_column(Unicode(50))
    contact_phone: Mapped[str | None] = mapped_column(String(50))
    subject: Mapped[str] = mapped_column(Unicode(200), nullable=False)
    content: Mapped[str | None] = mapped_column(UnicodeText)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))  # 关联工单
    parent = relationship("Ticket", remote_side=[id])
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Service level: working minutes used so far and, while the clock runs, when each target falls due.
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime)
    response_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolution_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    sla_running_since: Mapped[datetime | None] = mapped_column(DateTime)
    sla_used_minutes: Mapped[int] = mapped_column(default=0, nullable=False)

    replies: Mapped[list["TicketReply"]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", passive_deletes=True, order_by="TicketReply.id")
    attachments: Mapped[list["TicketAttachment"]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", passive_deletes=True, order_by="TicketAttachment.id")
    logs: Mapped[list["TicketLog"]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", passive_deletes=True, order_by="TicketLog.id")

    def __str__(self) -> str:
        return self.number


class TicketReply(db.Model):
    __tablename__ = "ticket_replies"
    __table_args__ = {"info": {"owned": True}}
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True)
    ticket: Mapped[Ticket] = relationship(back_populates="replies")
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    employee = relationship("Employee")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    body: Mapped[str] = mapped_column(UnicodeText, nullable=False)
    attachments: Mapped[list["TicketAttachment"]] = relationship(back_populates="reply", order_by="TicketAttachment.id")


class TicketAttachment(db.Model):
    """相关附件 of the ticket (reply_id empty) or of one reply; files checked like 合同文档."""

    __tablename__ = "ticket_attachments"
    __table_args__ = {"info": {"owned": True}}
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True)
    ticket: Mapped[Ticket] = relationship(back_populates="attachments")
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_replies.id", ondelete="CASCADE"), index=True)
    reply = relationship("TicketReply", back_populates="attachments")
    original_name: Mapped[str] = mapped_column(Unicode(200), nullable=False)
    stored_name: Mapped[str] = mapped_column(String(60), nullable=False, unique=True)
    size: Mapped[int] = mapped_column(nullable=False)
    content_type: Mapped[str | None] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class TicketLog(db.Model):
    """工单日志 (fig. 6-11): every state change and every service-level pause, with who, when, from, to, note."""

    __tablename__ = "ticket_logs"
    __table_args__ = {"info": {"owned": True}}
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True)
    ticket: Mapped[Ticket] = relationship(back_populates="logs")
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    employee = relationship("Employee")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    action: Mapped[str] = mapped_column(Unicode(20), nullable=False)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Unicode(500))
