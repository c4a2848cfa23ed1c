"""Secrets kept in the database (SMTP and SMS passwords): Fernet with a key derived from the app's SECRET_KEY.

HKDF gives a separate key per purpose, so the session-signing key itself is never used to encrypt. Changing
SECRET_KEY makes stored passwords unreadable: the accounts then say so and ask for the password again.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from app.services.errors import ValidationFailed


def _fernet(purpose: str) -> Fernet:
    secret = current_app.config["SECRET_KEY"]
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"xingzhu-crm-secrets",
               info=purpose.encode()).derive(secret.encode() if isinstance(secret, str) else secret)
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(plain: str, purpose: str) -> str:
    return _fernet(purpose).encrypt(plain.encode("utf-8")).decode("ascii")


def decrypt(token: str, purpose: str) -> str:
    try:
        return _fernet(purpose).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as exc:
        raise ValidationFailed("保存的密码无法解密（系统密钥已更换），请编辑账户重新输入密码") from exc
