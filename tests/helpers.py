"""Small factories and a login helper that goes through the real login form."""

import re

from sqlalchemy import select

from app.extensions import db
from app.security.scope import set_role_scope
from app.services.accounts import hash_password
from models.accounts import Employee, Role, RolePermission
from models.enums import DataScope

ADMIN_PASSWORD = "Admin#2026"
TEST_CAPTCHA = "TEST"
PASSWORD = "secret#123"


def make_role(name, permissions=(), parent=None, scopes=None) -> Role:
    role = Role(name=name, parent=parent)
    role.permissions = [RolePermission(code=code) for code in sorted(set(permissions))]
    for module, scope in (scopes or {}).items():
        set_role_scope(role, module, DataScope(scope))
    db.session.add(role)
    db.session.flush()
    return role


def make_employee(username, role=None, real_name=None, password=PASSWORD, enabled=True) -> Employee:
    employee = Employee(username=username, real_name=real_name or username, role=role,
                        password_hash=hash_password(password), is_enabled=enabled)
    db.session.add(employee)
    db.session.flush()
    return employee


def admin() -> Employee:
    return db.session.scalar(select(Employee).where(Employee.username == "admin"))


def login(client, username="admin", password=ADMIN_PASSWORD, captcha=TEST_CAPTCHA):
    """Log in through the login form exactly as a user would (with the test captcha code)."""
    return client.post("/login", data={"username": username, "password": password, "captcha": captcha},
                       follow_redirects=False)


def issued_captcha(client) -> str:
    """Draw a captcha image for this client and read its answer from the server, as a person reads the image."""
    from app.security.sessions import CAPTCHA_KEY, _digest
    from models.auth_sessions import CaptchaChallenge

    assert client.get("/captcha.png").status_code == 200
    with client.session_transaction() as session:
        token = session[CAPTCHA_KEY]
    db.session.expire_all()
    return db.session.scalar(select(CaptchaChallenge.code).where(CaptchaChallenge.token_hash == _digest(token)))


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no csrf token on the page"
    return match.group(1)
