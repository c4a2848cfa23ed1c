"""Accounts: authentication with lockout, login log, password policy, employee lifecycle."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.services.errors import ValidationFailed
from app.services.passwords import check_password_policy  # noqa: F401  (re-exported for callers)
from models.accounts import Employee, LoginLog
from models.base import utcnow

BAD_CREDENTIALS = "登录失败！用户名或密码错误！"
BAD_CAPTCHA = "验证码错误，请重新输入"
ACCOUNT_DISABLED = "该账号已停用，无法登录，请联系管理员"
NO_ROLE = "该账号没有设置角色，请联系管理员到“系统设置→员工信息管理”设置角色"
NO_PERMISSION = "该账号的角色没有任何权限，请联系管理员到“系统设置→系统角色管理”分配权限"
USER_LOCKED = "该账号登录失败次数过多，已锁定 {minutes} 分钟，请稍后再试"
IP_LOCKED = "该 IP 登录失败次数过多，已锁定 {minutes} 分钟，请稍后再试"

# Only wrong passwords and unknown usernames count toward the lockout.
COUNTED_REASONS = (BAD_CREDENTIALS,)


class LoginRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class LoginAttempt:
    username: str
    password: str
    ip: str
    user_agent: str | None


def hash_password(password: str) -> str:
    # scrypt in production; tests may choose a cheaper pbkdf2 through PASSWORD_HASH_METHOD.
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
    return generate_password_hash(password, method=method)


_dummy_hashes: dict[str, str] = {}


def _verify_password(employee: Employee | None, password: str) -> bool:
    """Check the password; an unknown username costs one hash verification too, so timing tells nothing."""
    if employee is not None:
        return check_password_hash(employee.password_hash, password)
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in _dummy_hashes:
        _dummy_hashes[method] = hash_password(secrets.token_urlsafe(16))
    check_password_hash(_dummy_hashes[method], password)
    return False


def _failures_since(column, value, since) -> int:
    return db.session.scalar(
        select(func.count(LoginLog.id)).where(
            column == value,
            LoginLog.success.is_(False),
            LoginLog.reason.in_(COUNTED_REASONS),
            LoginLog.created_at >= since,
        )
    ) or 0


def lock_message(username: str, ip: str) -> str | None:
    """Return why further attempts are refused right now, or None."""
    config = current_app.config
    minutes = config["LOGIN_LOCK_MINUTES"]
    window_start = utcnow() - timedelta(minutes=minutes)
    last_success = db.session.scalar(
        select(func.max(LoginLog.created_at)).where(
            LoginLog.username == username, LoginLog.success.is_(True)
        )
    )
    since = max(window_start, last_success) if last_success else window_start
    if _failures_since(LoginLog.username, username, since) >= config["LOGIN_MAX_USER_FAILURES"]:
        return USER_LOCKED.format(minutes=minutes)
    if _failures_since(LoginLog.ip, ip, window_start) >= config["LOGIN_MAX_IP_FAILURES"]:
        return IP_LOCKED.format(minutes=minutes)
    return None


def record_attempt(attempt: LoginAttempt, employee: Employee | None, reason: str | None) -> None:
    db.session.add(
        LoginLog(
            username=attempt.username[:50],
            employee_id=employee.id if employee else None,
            ip=attempt.ip[:45],
            user_agent=(attempt.user_agent or "")[:300],
            success=reason is None,
            reason=reason,
        )
    )
    db.session.flush()


def authenticate(attempt: LoginAttempt, captcha_ok: bool) -> Employee:
    """Check one login attempt, log it, and return the employee or raise LoginRefused."""
    locked = lock_message(attempt.username, attempt.ip)
    if locked:
        record_attempt(attempt, None, "登录已锁定")
        raise LoginRefused(locked)
    if not captcha_ok:
        record_attempt(attempt, None, BAD_CAPTCHA)
        raise LoginRefused(BAD_CAPTCHA)
    employee = db.session.scalar(select(Employee).where(Employee.username == attempt.username))
    if not _verify_password(employee, attempt.password) or employee is None:
        record_attempt(attempt, employee, BAD_CREDENTIALS)
        raise LoginRefused(BAD_CREDENTIALS)
    for refused, message in (
        (not employee.is_enabled, ACCOUNT_DISABLED),
        (employee.role is None, NO_ROLE),
        (employee.role is not None and not employee.role.is_superadmin
         and not employee.role.permissions, NO_PERMISSION),
    ):
        if refused:
            record_attempt(attempt, employee, message)
            raise LoginRefused(message)
    record_attempt(attempt, employee, None)
    return employee


def change_password(employee: Employee, new_password: str, old_password: str | None = None) -> None:
    """Self-service needs the old password; an administrator passes old_password=None."""
    if old_password is not None and not check_password_hash(employee.password_hash, old_password):
        raise ValidationFailed("原密码不正确")
    check_password_policy(new_password, employee.username, employee.real_name)
    employee.password_hash = hash_password(new_password)
    db.session.flush()  # the flush ends the account's login sessions (app/security/sessions.py)
