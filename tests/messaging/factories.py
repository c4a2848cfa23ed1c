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
