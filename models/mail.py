"""邮件管理 (manual ch. 10): SMTP accounts (邮件配置) and the outbox (发件箱) with attachments.

A mail is written once into the outbox and sent by a job; its status moves 待发送 → 发送中 → 已发送 / 失败,
and 重新发送 puts a failed mail back to 待发送. The SMTP password is stored encrypted (app/services/mail/crypto.py).
"""

import enum
from datetime import datetime

from sqlalchemy import Boolean, DateTime, Enum, ForeignKey, Index, Integer, String, Unicode, UnicodeText
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from models.accounts import Employee
from models.base import utcnow


def _enum(cls, length=20):
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e],
                validate_strings=True)


class SmtpSecurity(enum.StrEnum):
    NONE = "none"
    SSL = "ssl"
    STARTTLS = "starttls"

    @property
    def label(self) -> str:
        return {"none": "不加密", "ssl": "SSL", "starttls": "STARTTLS"}[self.value]


class MailStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"pending": "待发送", "sending": "发送中", "sent": "已发送", "failed": "失败"}[self.value]


class MailAccount(db.Model):
    __tablename__ = "mail_accounts"
    __table_args__ = {"info": {"label": "邮件账户"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True, nullable=False)
    owner: Mapped[Employee] = relationship()
    name: Mapped[str] = mapped_column(Unicode(50), nullable=False)  # 账户名称
    email: Mapped[str] = mapped_column(String(100), nullable=False)  # 发件 Email
    password_encrypted: Mapped[str] = mapped_column(String(500), nullable=False)
    smtp_host: Mapped[str] = mapped_column(String(100), nullable=False)
    smtp_port: Mapped[int] = mapped_column(Integer, nullable=False, default=25)
    security: Mapped[SmtpSecurity] = mapped_column(_enum(SmtpSecurity), nullable=False, default=SmtpSecurity.NONE)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)  # 默认账户 (per owner)
    is_public: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)  # 公共账户: everyone may send
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class MailMessage(db.Model):
    __tablename__ = "mail_messages"
    __table_args__ = (
        Index("ix_mail_messages_sender_id_id", "sender_id", "id"),
        Index("ix_mail_messages_status_next_attempt_at", "status", "next_attempt_at"),
        {"info": {"label": "已发邮件"}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("mail_accounts.id", ondelete="SET NULL"), index=True)
    account: Mapped[MailAccount | None] = relationship()
    sender_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), nullable=False)
    sender: Mapped[Employee] = relationship()
    from_address: Mapped[str] = mapped_column(String(100), nullable=False)
    recipients: Mapped[str] = mapped_column(Unicode(2000), nullable=False)  # 收件人, "a@x;b@y"
    cc: Mapped[str | None] = mapped_column(Unicode(2000))  # 抄送
    subject: Mapped[str] = mapped_column(Unicode(200), nullable=False)
    body_html: Mapped[str] = mapped_column(UnicodeText, nullable=False)
    status: Mapped[MailStatus] = mapped_column(_enum(MailStatus), nullable=False, default=MailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    error: Mapped[str | None] = mapped_column(Unicode(500))  # the server's answer when it refused
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    attachments: Mapped[list["MailAttachment"]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="MailAttachment.id")


class MailAttachment(db.Model):
    __tablename__ = "mail_attachments"
    __table_args__ = {"info": {"owned": True}}

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("mail_messages.id", ondelete="CASCADE"), index=True)
    message: Mapped[MailMessage] = relationship(back_populates="attachments")
    original_name: Mapped[str] = mapped_column(Unicode(200), nullable=False)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    content_type: Mapped[str | None] = mapped_column(String(100))
