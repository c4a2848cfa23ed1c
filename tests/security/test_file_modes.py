"""The instance folder and what is created in it are private to the server's user (issue 9, item 12)."""

import io
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services.customer_demo import make_customer
from models.customers import CustomerDocumentFile
from tests.helpers import admin
from tests.security.helpers import login_form, post_form

PROJECT = Path(__file__).resolve().parents[2]
CHANGE_PASSWORD = """
import re, sys
from app import create_app
app = create_app()
client = app.test_client()
token = lambda html: re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
page = client.get("/login").get_data(as_text=True)
assert client.post("/login", data={"csrf_token": token(page), "username": "admin", "password": sys.argv[1],
                                   "captcha": "TEST"}).status_code == 302
page = client.get("/account/password").get_data(as_text=True)
response = client.post("/account/password", data={"csrf_token": token(page), "old_password": sys.argv[1],
                                                  "new_password": "Lotus#Harbor2026",
                                                  "confirm_password": "Lotus#Harbor2026"})
assert response.status_code == 302, response.get_data(as_text=True)
"""


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _run(instance: Path, *args):
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_DIR", "EXPORT_DIR", "REDIS_URL")}
    env.update(CRM_INSTANCE_DIR=str(instance), FLASK_APP="wsgi", FLASK_DEBUG="1", CAPTCHA_TEST_CODE="TEST")
    # A permissive umask as a login shell has it: the application must not depend on it.
    command = ["sh", "-c", 'umask 022 && exec "$@"', "sh", *args]
    return subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=240, check=True)


@pytest.fixture(scope="module")
def fresh_install(tmp_path_factory):
    instance = tmp_path_factory.mktemp("install") / "instance"
    flask = str(Path(sys.executable).with_name("flask"))
    first = _run(instance, flask, "crm", "init")
    return instance, flask, first.stdout


def test_crm_init_creates_a_private_instance_folder(fresh_install):
    instance, _, _ = fresh_install
    assert _mode(instance) == 0o700
    created = [path for path in instance.rglob("*")]
    names = {path.name for path in created}
    assert {"xingzhu.db", "secret_key", "admin_password.txt"} <= names
    for path in created:
        assert _mode(path) == (0o700 if path.is_dir() else 0o600), (path, oct(_mode(path)))


def test_changed_admin_password_is_no_longer_noted_or_printed(fresh_install):
    instance, flask, output = fresh_install
    password = re.search(r"初始密码：(\S+?)（", output).group(1)
    assert (instance / "admin_password.txt").read_text() == password
    _run(instance, sys.executable, "-c", CHANGE_PASSWORD, password)
    assert not (instance / "admin_password.txt").exists()
    again = _run(instance, flask, "crm", "init").stdout
    assert password not in again and "初始密码已修改" in again
    for path in [instance, *instance.rglob("*")]:  # the WAL and SHM files of the server run too
        assert _mode(path) == (0o700 if path.is_dir() else 0o600), (path, oct(_mode(path)))


def _private_tree(folder: Path) -> list[Path]:
    files = [path for path in folder.rglob("*") if path.is_file()]
    assert files, folder
    for path in [folder, *folder.rglob("*")]:
        assert _mode(path) == (0o700 if path.is_dir() else 0o600), (path, oct(_mode(path)))
    return files


def test_uploads_and_exports_are_private(web, db, csrf_app):
    customer = make_customer(admin())
    db.session.commit()
    login_form(web)
    page = f"/customer/details/?id={customer.id}"
    response = post_form(web, page, f"/customer/{customer.id}/documents", {
        "name": "合同扫描件", "category": "合同文档", "files": [(io.BytesIO(b"invoice 2026"), "说明.txt")]})
    assert response.status_code == 302
    assert db.session.scalar(select(CustomerDocumentFile.id)) is not None
    _private_tree(Path(csrf_app.config["UPLOAD_DIR"]))
    csrf_app.config["EXPORT_INLINE_LIMIT"] = 0  # through the export job (inline without Redis)
    try:
        response = web.get("/customer/export.xlsx")
    finally:
        csrf_app.config["EXPORT_INLINE_LIMIT"] = 5000
    assert response.status_code == 302 and "/export/" in response.headers["Location"]
    exported = _private_tree(Path(csrf_app.config["EXPORT_DIR"]))
    assert any(path.suffix == ".xlsx" for path in exported)
