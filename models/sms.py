"""短信管理 (manual ch. 11): accounts per channel, sends (群发) with one row per number, templates, 提醒设置.

Each number of a send is one SmsMessage row; the gateway's delivery reports update its status. Automatic
reminders first claim a unique SmsReminderClaim (template, record, number, day), so a job that runs twice or a
worker killed mid-batch never texts anyone twice.
"""

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Unicode,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from models.accounts import Employee
from models.base import utcnow


def _enum(cls, length=20):
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e],
                validate_strings=True)


class SmsChannel(enum.StrEnum):
    NOTICE = "notice"
    MARKETING = "marketing"

    @property
    def label(self) -> str:
        return {"notice": "会员通知短信通道", "marketing": "会员营销短信通道"}[self.value]


class SmsStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    PENDING = "pending"
    SENDING = "sending"
    SUBMITTED = "submitted"
    DELIVERED = "delivered"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"scheduled": "等待定时发送", "pending": "待发送", "sending": "发送中", "submitted": "已提交",
                "delivered": "发送成功", "failed": "发送失败"}[self.value]


class SmsAccount(db.Model):
    __tablename__ = "sms_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Unicode(50), nullable=False, unique=True)  # 账户名称
    channel: Mapped[SmsChannel] = mapped_column(_enum(SmsChannel), nullable=False, default=SmsChannel.NOTICE)
    gateway_url: Mapped[str] = mapped_column(String(300), nullable=False)
    username: Mapped[str] = mapped_column(String(100), nullable=False)  # 短信账号 (AccessKeyId)
    secret_encrypted: Mapped[str] = mapped_column(String(500), nullable=False)  # 密码, encrypted
    signature: Mapped[str] = mapped_column(Unicode(20), nullable=False)  # 【签名】 without the brackets
    # Billing: a text of up to single_chars is one message, a longer one is billed per part_chars; at most max_chars.
    single_chars: Mapped[int] = mapped_column(Integer, nullable=False, default=65)
    part_chars: Mapped[int] = mapped_column(Integer, nullable=False, default=65)
    max_chars: Mapped[int] = mapped_column(Integer, nullable=False, default=200)
    count_signature: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    numbers_per_request: Mapped[int] = mapped_column(Integer, nullable=False, default=100)
    timeout_seconds: Mapped[int] = mapped_column(Integer, nullable=False, default=10)
    is_default: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class SmsBatch(db.Model):
    """One 发送 (a 群发, a reminder run's texts, a notice)."""

    __tablename__ = "sms_batches"
    __table_args__ = {"info": {"label": "短信发送记录"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("sms_accounts.id"), nullable=False, index=True)
    account: Mapped[SmsAccount] = relationship()
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)  # NULL: the system
    sender: Mapped[Employee | None] = relationship()
    kind: Mapped[str] = mapped_column(String(30), nullable=False, default="manual")  # manual / a template code
    scheduled_at: Mapped[datetime | None] = mapped_column(DateTime)  # 预定发送时间 (UTC)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    messages: Mapped[list["SmsMessage"]] = relationship(back_populates="batch", order_by="SmsMessage.id")


class SmsMessage(db.Model):
    """One number of a send: what the 发送历史 lists."""

    __tablename__ = "sms_messages"
    __table_args__ = (
        Index("ix_sms_messages_batch_id_status", "batch_id", "status"),
        Index("ix_sms_messages_sender_id_id", "sender_id", "id"),
        Index("ix_sms_messages_status_claimed_at", "status", "claimed_at"),
        {"info": {"owned": True}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("sms_batches.id", ondelete="CASCADE"), nullable=False)
    batch: Mapped[SmsBatch] = relationship(back_populates="messages")
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))  # copied from the batch, for scope
    sender: Mapped[Employee | None] = relationship()
    mobile: Mapped[str] = mapped_column(String(20), nullable=False, index=True)  # 接收人
    content: Mapped[str] = mapped_column(Unicode(500), nullable=False)  # 短信内容 without the signature
    parts: Mapped[int] = mapped_column(Integer, nullable=False, default=1)  # billed messages
    status: Mapped[SmsStatus] = mapped_column(_enum(SmsStatus), nullable=False, default=SmsStatus.PENDING)
    request_id: Mapped[str | None] = mapped_column(String(64), index=True)  # OutId of the request that carried it
    error: Mapped[str | None] = mapped_column(Unicode(300))
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)  # 发送时间 (handed to the gateway)
    reported_at: Mapped[datetime | None] = mapped_column(DateTime)  # delivery report received


class SmsTemplate(db.Model):
    """短信模板: system templates (code set, title fixed, text editable) and user templates (code NULL)."""

    __tablename__ = "sms_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(Unicode(50), nullable=False)
    content: Mapped[str] = mapped_column(Unicode(500), nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    @property
    def is_system(self) -> bool:
        return self.code is not None


class SmsReminderSetting(db.Model):
    """提醒设置 (fig. 11-7): one row per automatic text."""

    __tablename__ = "sms_reminder_settings"

    event: Mapped[str] = mapped_column(String(30), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    days_ahead: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    recipients: Mapped[str] = mapped_column(String(100), nullable=False, default="")  # comma-separated keys
    account_id: Mapped[int | None] = mapped_column(ForeignKey("sms_accounts.id", ondelete="SET NULL"))
    account: Mapped[SmsAccount | None] = relationship()


class SmsReminderClaim(db.Model):
    """An automatic text claimed before it is queued: at most one per (template, record, number, day)."""

    __tablename__ = "sms_reminder_claims"
    __table_args__ = (UniqueConstraint("template_code", "record_id", "mobile", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_code: Mapped[str] = mapped_column(String(40), nullable=False)
    record_id: Mapped[int] = mapped_column(Integer, nullable=False)
    mobile: Mapped[str] = mapped_column(String(20), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("sms_messages.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
