"""Login sessions and captcha answers kept on the server.

Flask's cookie is signed, not encrypted, and a copy of it stays valid for as long as the secret key
does. So the cookie carries only opaque random tokens; the rows here (keyed by the tokens' SHA-256)
decide whether a browser is signed in and whether a captcha answer is still good. Any web process
sharing the database sees the same state, with or without Redis.
"""

import hashlib
import secrets
from datetime import timedelta
from pathlib import Path

from flask import current_app, has_app_context, request, session
from sqlalchemy import delete, event, select, update
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import get_history

from app.extensions import db
from app.security.files import forget_admin_password
from models.accounts import Employee
from models.auth_sessions import CaptchaChallenge, LoginSession
from models.base import utcnow

SESSION_KEY = "sid"
CAPTCHA_KEY = "captcha_id"
EXPIRED_KEY = "login_expired"  # tells the login page to say why the user is there
CAPTCHA_LIFETIME = timedelta(minutes=5)
LAST_SEEN_GRANULARITY = timedelta(minutes=1)  # at most one write per session and minute
# A change of any of these ends every login session of the employee.
REVOKING_ATTRIBUTES = ("password_hash", "role_id", "is_enabled")
ADMIN_USERNAME = "admin"  # the account `crm init` creates (app/services/seed.py)
ADMIN_PASSWORD_CHANGED = "admin_password_changed"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _idle_limit() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_SESSION_IDLE_MINUTES"])


def _absolute_limit() -> timedelta:
    return timedelta(hours=current_app.config["LOGIN_SESSION_MAX_HOURS"])


def start(employee: Employee) -> None:
    """Open a login session for this browser: a fresh cookie session holding only the new token."""
    now = utcnow()
    db.session.execute(delete(LoginSession).where(LoginSession.created_at < now - _absolute_limit()))
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(token_hash=_digest(token), employee_id=employee.id, created_at=now,
                                last_seen_at=now, ip=(request.remote_addr or "")[:45],
                                user_agent=request.user_agent.string[:300]))
    db.session.flush()
    session.clear()  # nothing from before the login survives (no fixation)
    session[SESSION_KEY] = token


def end() -> None:
    """Logout: the row is revoked, so a saved copy of the cookie opens nothing."""
    token = session.pop(SESSION_KEY, None)
    if token:
        db.session.execute(update(LoginSession).where(LoginSession.token_hash == _digest(token))
                           .values(revoked_at=utcnow()))
    session.clear()


def revoke_all(employee_id: int, connection=None) -> None:
    statement = (update(LoginSession)
                 .where(LoginSession.employee_id == employee_id, LoginSession.revoked_at.is_(None))
                 .values(revoked_at=utcnow()))
    (connection or db.session).execute(statement)


def current_employee(user_id: str) -> Employee | None:
    """The Flask-Login user loader: the employee of this browser's live login session, or None."""
    token = session.get(SESSION_KEY)
    if not token or not user_id.isascii() or not user_id.isdigit():
        return None
    row = db.session.scalar(select(LoginSession).where(LoginSession.token_hash == _digest(token)))
    now = utcnow()
    if row is None or row.revoked_at is not None or str(row.employee_id) != user_id:
        return None
    if now - row.created_at > _absolute_limit() or now - row.last_seen_at > _idle_limit():
        session.pop(SESSION_KEY, None)
        session[EXPIRED_KEY] = True
        return None
    employee = db.session.get(Employee, row.employee_id, options=[joinedload(Employee.role)])
    if employee is None or not employee.is_enabled:
        return None
    if now - row.last_seen_at >= LAST_SEEN_GRANULARITY:
        # Its own short transaction: a read-only page does not commit, and the request's
        # transaction should not hold a write lock because someone was seen.
        with db.engine.begin() as connection:
            connection.execute(update(LoginSession).where(LoginSession.id == row.id).values(last_seen_at=now))
    return employee


@event.listens_for(Session, "after_flush")
def _revoke_on_account_change(orm_session, flush_context):
    """Password change, another role or 停用 ends the employee's sessions, whichever screen did it."""
    for obj in orm_session.dirty:
        if isinstance(obj, Employee) and obj.id is not None and any(
                get_history(obj, name).has_changes() for name in REVOKING_ATTRIBUTES):
            revoke_all(obj.id, orm_session.connection())
            if obj.username == ADMIN_USERNAME and get_history(obj, "password_hash").has_changes():
                orm_session.info[ADMIN_PASSWORD_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _forget_changed_admin_password(orm_session):
    if orm_session.info.pop(ADMIN_PASSWORD_CHANGED, False) and has_app_context():
        forget_admin_password(Path(current_app.instance_path))


@event.listens_for(Session, "after_rollback")
def _keep_admin_password_note(orm_session):
    orm_session.info.pop(ADMIN_PASSWORD_CHANGED, None)


def new_captcha(code: str) -> None:
    """Remember the answer of the captcha image just drawn for this browser (one at a time)."""
    now = utcnow()
    previous = session.pop(CAPTCHA_KEY, None)
    condition = CaptchaChallenge.created_at < now - CAPTCHA_LIFETIME
    if previous:
        condition = condition | (CaptchaChallenge.token_hash == _digest(previous))
    db.session.execute(delete(CaptchaChallenge).where(condition))
    token = secrets.token_urlsafe(24)
    db.session.add(CaptchaChallenge(token_hash=_digest(token), code=code, created_at=now))
    db.session.commit()
    session[CAPTCHA_KEY] = token


def consume_captcha(answer: str) -> bool:
    """True when the answer matches this browser's captcha; the captcha is used up either way."""
    token = session.pop(CAPTCHA_KEY, None)
    if not token:
        return False
    row = db.session.scalar(select(CaptchaChallenge).where(CaptchaChallenge.token_hash == _digest(token)))
    if row is None:
        return False
    deleted = db.session.execute(delete(CaptchaChallenge).where(CaptchaChallenge.id == row.id)).rowcount
    fresh = utcnow() - row.created_at <= CAPTCHA_LIFETIME
    return deleted == 1 and fresh and secrets.compare_digest(answer.encode(), row.code.encode())
