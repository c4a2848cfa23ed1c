"""Factories for the messaging tests."""

from app.extensions import db
from app.services.mail import accounts
from models.mail import MailAccount


def make_mail_account(owner, port: int, password: str = "smtp-secret", name: str = "通知邮件账户",
                      email: str = "notice@xingzhu.test", public: bool = False, default: bool = True) -> MailAccount:
    account = accounts.save_account(None, accounts.AccountValues(
        name=name, email=email, password=password, smtp_host="127.0.0.1", smtp_port=str(port), security="none",
        is_default=default, is_public=public), owner)
    db.session.commit()
    return account


def make_sms_account(url: str, name: str = "xingzhu", channel: str = "notice", secret: str = "gateway-secret",
                     per_request: int = 100, **rules):
    from app.services.sms import accounts as sms_accounts

    values = sms_accounts.SmsAccountValues(
        name=name, channel=channel, gateway_url=url, username="xingzhu", secret=secret, signature="星烛软件",
        numbers_per_request=str(per_request), is_default=True, **rules)
    account = sms_accounts.save_account(None, values)
    db.session.commit()
    return account


def mobiles(count: int, start: int = 0) -> list[str]:
    return [f"139{start + i:08d}" for i in range(count)]
