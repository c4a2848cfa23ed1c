"""Settings from environment variables, with defaults that make `make run` work on a fresh clone."""

import os
import secrets
from pathlib import Path

APP_VERSION = "0.6.0"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("CRM_INSTANCE_DIR", PROJECT_ROOT / "instance"))


def _secret_key() -> str:
    """Use SECRET_KEY, or a random key generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_config() -> dict:
    """Build the configuration dict from the environment."""
    return {
        "SECRET_KEY": _secret_key(),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'xingzhu.db'}"
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "RQ_QUEUE": os.environ.get("RQ_QUEUE", "default"),
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads")),
        "EXPORT_DIR": os.environ.get("EXPORT_DIR", str(INSTANCE_DIR / "exports")),
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024 * 5,
        "UPLOAD_MAX_BYTES": 10 * 1024 * 1024,
        "DISPLAY_TIMEZONE": os.environ.get("DISPLAY_TIMEZONE", "Asia/Shanghai"),
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("DISPLAY_TIMEZONE", "Asia/Shanghai"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0")),
        "CAPTCHA_TEST_CODE": os.environ.get("CAPTCHA_TEST_CODE") or None,
        "LOGIN_MAX_USER_FAILURES": 5,
        "LOGIN_MAX_IP_FAILURES": 20,
        "LOGIN_LOCK_MINUTES": 15,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "crm@localhost"),
        # Storage of backups (uploads and exports move onto it later): "local" or "s3".
        "STORAGE_BACKEND": os.environ.get("STORAGE_BACKEND", "local"),
        "STORAGE_DIR": os.environ.get("STORAGE_DIR", str(INSTANCE_DIR / "storage")),
        "S3_ENDPOINT_URL": os.environ.get("S3_ENDPOINT_URL") or None,
        "S3_BUCKET": os.environ.get("S3_BUCKET") or None,
        "S3_PREFIX": os.environ.get("S3_PREFIX", ""),
        "S3_ACCESS_KEY": os.environ.get("S3_ACCESS_KEY") or None,
        "S3_SECRET_KEY": os.environ.get("S3_SECRET_KEY") or None,
        "S3_REGION": os.environ.get("S3_REGION") or None,
        "BACKUP_KEEP_DAILY": int(os.environ.get("BACKUP_KEEP_DAILY", "7")),
        "BACKUP_KEEP_MONTHLY": int(os.environ.get("BACKUP_KEEP_MONTHLY", "6")),
        # Backups of at most this many rows also carry a SHA-256 of every table's rows in their manifest.
        "BACKUP_DIGEST_ROW_LIMIT": int(os.environ.get("BACKUP_DIGEST_ROW_LIMIT", "500000")),
        "LIST_PAGE_SIZE": 20,
        "EXPORT_INLINE_LIMIT": 5000,
        "DEBUG": _bool("FLASK_DEBUG"),
    }
