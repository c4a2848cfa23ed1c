"""Server-side login sessions and one-time captcha challenges (manual ch. 2).

The browser's cookie holds only an opaque random token; the database keeps its SHA-256, so a copy of
these tables does not let anyone sign in.
"""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Unicode
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from models.base import utcnow

TOKEN_HASH = String(64)  # hex SHA-256


class LoginSession(db.Model):
    """One signed-in browser: ends at logout, idle timeout, absolute lifetime or revocation."""

    __tablename__ = "login_sessions"
    __table_args__ = {"info": {"owned": True}}
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(TOKEN_HASH, unique=True, nullable=False)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True,
                                             nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False, index=True)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(Unicode(300))


class CaptchaChallenge(db.Model):
    """The answer of one captcha image, good for one login attempt within its lifetime."""

    __tablename__ = "captcha_challenges"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(TOKEN_HASH, unique=True, nullable=False)
    code: Mapped[str] = mapped_column(String(8), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False, index=True)
