"""短信账户 (manual 11.1): accounts per channel (会员通知短信通道 / 会员营销短信通道), their billing rule, 查看余额."""

import re
from dataclasses import dataclass
from urllib.parse import urlparse

from sqlalchemy import select, update

from app.extensions import db
from app.services.errors import ValidationFailed
from app.services.mail import crypto
from app.services.sms.gateway import GatewayError, HttpGateway, SmsGateway
from models.sms import SmsAccount, SmsChannel

PURPOSE = "sms-secret"
NAME = re.compile(r"^[^\x00-\x1f]{1,50}$")


@dataclass
class SmsAccountValues:
    name: str
    channel: str
    gateway_url: str
    username: str
    secret: str  # empty on edit: keep the stored one
    signature: str
    single_chars: str = "65"
    part_chars: str = "65"
    max_chars: str = "200"
    count_signature: bool = False
    numbers_per_request: str = "100"
    is_default: bool = False


def _int(text: str, label: str, low: int, high: int) -> int:
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise ValidationFailed(f"{label}须为 {low} 到 {high} 的整数")
    return int(text)


def save_account(account: SmsAccount | None, values: SmsAccountValues) -> SmsAccount:
    name = (values.name or "").strip()
    if not NAME.fullmatch(name):
        raise ValidationFailed("账户名称不能为空，且不能超过 50 个字")
    try:
        channel = SmsChannel(values.channel)
    except ValueError as exc:
        raise ValidationFailed("请选择短信通道") from exc
    url = (values.gateway_url or "").strip()
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or len(url) > 300:
        raise ValidationFailed("网关地址须为 http:// 或 https:// 开头的网址")
    username = (values.username or "").strip()
    if not username or len(username) > 100:
        raise ValidationFailed("短信账号不能为空，且不能超过 100 个字符")
    if account is None and not values.secret:
        raise ValidationFailed("密码不能为空")
    if len(values.secret or "") > 200:
        raise ValidationFailed("密码不能超过 200 个字符")
    signature = (values.signature or "").strip().strip("【】")
    if not 2 <= len(signature) <= 12:
        raise ValidationFailed("短信签名须为 2 到 12 个字，例如 星烛软件")
    single = _int(values.single_chars, "单条字数", 10, 100)
    part = _int(values.part_chars, "长短信每条字数", 10, 100)
    maximum = _int(values.max_chars, "最多字数", 10, 500)
    per_request = _int(values.numbers_per_request, "每次请求号码数", 1, 1000)
    exists = db.session.scalar(select(SmsAccount.id).where(SmsAccount.name == name,
                                                           SmsAccount.id != (account.id if account else 0)))
    if exists:
        raise ValidationFailed(f"账户名称“{name}”已存在")
    if account is None:
        account = SmsAccount()
        db.session.add(account)
    account.name, account.channel, account.gateway_url, account.username = name, channel, url, username
    if values.secret:
        account.secret_encrypted = crypto.encrypt(values.secret, PURPOSE)
    account.signature, account.single_chars, account.part_chars, account.max_chars = signature, single, part, maximum
    account.count_signature, account.numbers_per_request = values.count_signature, per_request
    account.is_default = values.is_default
    db.session.flush()
    if values.is_default:
        db.session.execute(update(SmsAccount).where(SmsAccount.id != account.id).values(is_default=False))
    return account


def gateway_for(account: SmsAccount, timeout: float | None = None) -> SmsGateway:
    return HttpGateway(account.gateway_url, account.username, crypto.decrypt(account.secret_encrypted, PURPOSE),
                       timeout=timeout or account.timeout_seconds)


def balance(account: SmsAccount) -> tuple[int | None, str | None]:
    """剩余短信条数, or why it could not be read."""
    try:
        return gateway_for(account, timeout=min(3, account.timeout_seconds)).balance(), None
    except GatewayError as exc:
        return None, exc.message
    except ValidationFailed as exc:
        return None, exc.message


def all_accounts() -> list[SmsAccount]:
    return list(db.session.scalars(select(SmsAccount).order_by(SmsAccount.is_default.desc(), SmsAccount.id)))


def default_account(channel: SmsChannel = SmsChannel.NOTICE) -> SmsAccount | None:
    return db.session.scalar(select(SmsAccount).where(SmsAccount.channel == channel)
                             .order_by(SmsAccount.is_default.desc(), SmsAccount.id).limit(1))
