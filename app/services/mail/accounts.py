"""邮件配置 (manual 10.1): each employee's SMTP accounts, 默认账户 and 公共账户, and the 测试 button."""

import re
import smtplib
import socket
import ssl
from dataclasses import dataclass

from sqlalchemy import or_, select, update

from app.extensions import db
from app.security.scope import can_see_owner
from app.services.errors import NotFound, ValidationFailed
from app.services.mail import crypto
from models.accounts import Employee
from models.mail import MailAccount, SmtpSecurity

PURPOSE = "smtp-password"
MODULE = "mail_account"
EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$")
HOST = re.compile(r"^[A-Za-z0-9.\-]{1,100}$")
# The manual's table of common free SMTP servers (fig. 10-1), shown as help on the form.
COMMON_SERVERS = [
    ("@163.com", "smtp.163.com"), ("@126.com", "smtp.126.com"), ("@sina.com.cn", "smtp.sina.com.cn"),
    ("@gmail.com", "smtp.gmail.com (SSL)"), ("@sohu.com", "smtp.sohu.com"), ("@21cn.com", "smtp.21cn.com"),
    ("@hotmail.com", "smtp.live.com (SSL)"), ("@qq.com", "smtp.qq.com，需要到邮箱里先开通"),
    ("@263.net", "smtp.263.net"),
]


@dataclass
class AccountValues:
    name: str
    email: str
    password: str  # empty on edit: keep the stored one
    smtp_host: str
    smtp_port: str
    security: str
    is_default: bool
    is_public: bool


def valid_email(address: str) -> bool:
    return bool(EMAIL.fullmatch(address)) and len(address) <= 100


def save_account(account: MailAccount | None, values: AccountValues, owner: Employee) -> MailAccount:
    name = (values.name or "").strip()
    email = (values.email or "").strip()
    host = (values.smtp_host or "").strip()
    if not name or len(name) > 50:
        raise ValidationFailed("账户名称不能为空，且不能超过 50 个字")
    if not valid_email(email):
        raise ValidationFailed("发件 Email 格式不正确")
    if not HOST.fullmatch(host):
        raise ValidationFailed("SMTP 服务器不正确，例如 smtp.163.com")
    port_text = (values.smtp_port or "").strip()
    if not (port_text.isascii() and port_text.isdigit()) or not 0 < int(port_text) < 65536:
        raise ValidationFailed("端口须为 1 到 65535 的整数")
    try:
        security = SmtpSecurity(values.security or "none")
    except ValueError as exc:
        raise ValidationFailed("请选择加密方式") from exc
    if account is None and not values.password:
        raise ValidationFailed("Email 密码不能为空")
    if len(values.password or "") > 200 or "\x00" in (values.password or ""):
        raise ValidationFailed("Email 密码不能超过 200 个字符")
    if account is None:
        account = MailAccount(owner_id=owner.id)
        db.session.add(account)
    account.name, account.email, account.smtp_host = name, email, host
    account.smtp_port, account.security, account.is_public = int(port_text), security, values.is_public
    if values.password:
        account.password_encrypted = crypto.encrypt(values.password, PURPOSE)
    account.is_default = values.is_default
    db.session.flush()
    if values.is_default:  # one 默认账户 per employee
        db.session.execute(update(MailAccount).where(MailAccount.owner_id == account.owner_id,
                                                     MailAccount.id != account.id).values(is_default=False))
    return account


def usable_accounts(user: Employee) -> list[MailAccount]:
    """发件人 choices: the user's own accounts (default first) and every 公共账户."""
    return list(db.session.scalars(
        select(MailAccount).where(or_(MailAccount.owner_id == user.id, MailAccount.is_public.is_(True)))
        .order_by((MailAccount.owner_id == user.id).desc(), MailAccount.is_default.desc(), MailAccount.id)))


def usable_account(user: Employee, account_id: int) -> MailAccount:
    account = db.session.get(MailAccount, account_id) if account_id else None
    if account is None:
        raise ValidationFailed("请选择发件人账户")
    if account.owner_id != user.id and not account.is_public and not can_see_owner(user, MODULE, account.owner_id):
        raise NotFound("发件人账户不存在")
    return account


def connect(account: MailAccount, timeout: float = 15) -> smtplib.SMTP:
    """An authenticated SMTP connection; raises smtplib / OS errors for the caller to word."""
    password = crypto.decrypt(account.password_encrypted, PURPOSE)
    if account.security is SmtpSecurity.SSL:
        server = smtplib.SMTP_SSL(account.smtp_host, account.smtp_port, timeout=timeout,
                                  context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(account.smtp_host, account.smtp_port, timeout=timeout)
        if account.security is SmtpSecurity.STARTTLS:
            server.starttls(context=ssl.create_default_context())
    server.ehlo_or_helo_if_needed()
    if server.has_extn("auth"):
        server.login(account.email, password)
    return server


def describe_error(exc: Exception) -> str:
    """The server's answer (code and text) or the network error, in words a user can pass on."""
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"服务器返回 {exc.smtp_code} {text}"[:480]
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "收件人被服务器拒绝：" + "；".join(
            f"{addr} {code} {msg.decode('utf-8', 'replace')}" for addr, (code, msg) in exc.recipients.items())[:460]
    if isinstance(exc, socket.timeout | TimeoutError):
        return "连接服务器超时"
    if isinstance(exc, ssl.SSLError):
        return f"SSL 握手失败：{exc.reason or exc}"[:480]
    if isinstance(exc, ConnectionRefusedError):
        return "服务器拒绝连接（请检查 SMTP 服务器和端口）"
    if isinstance(exc, socket.gaierror):
        return "找不到 SMTP 服务器（请检查服务器地址）"
    return f"{type(exc).__name__}: {exc}"[:480]


def test_account(account: MailAccount) -> tuple[bool, str]:
    """测试: connect and log in; (ok, the server's answer)."""
    try:
        server = connect(account)
    except ValidationFailed as exc:
        return False, exc.message
    except (smtplib.SMTPException, OSError) as exc:
        return False, describe_error(exc)
    try:
        code, text = server.noop()
        answer = f"连接成功，服务器返回 {code} {text.decode('utf-8', 'replace')}"
    finally:
        try:
            server.quit()
        except smtplib.SMTPException:
            server.close()
    return True, answer


def delete_account(account: MailAccount) -> None:
    db.session.delete(account)
    db.session.flush()


def get_own(user: Employee, account_id) -> MailAccount:
    """An account the user may edit: their own, or within their 数据范围 on 邮件配置."""
    account = db.session.get(MailAccount, account_id) if isinstance(account_id, int) else None
    if account is None or not can_see_owner(user, MODULE, account.owner_id):
        raise NotFound("邮件账户不存在")
    return account
