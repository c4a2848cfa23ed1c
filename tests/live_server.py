"""A real gunicorn process as `make run` starts it, and staff who log in to it over HTTP.

Used by the serving test and the concurrency benchmark. Loopback only; the server is stopped by the caller.
"""

import hashlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests
from flask import Flask

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(instance_dir: Path, database_url: str | None = None, **extra) -> dict:
    env = {key: value for key, value in os.environ.items()
           if key not in {"REDIS_URL", "DATABASE_URL", "CAPTCHA_TEST_CODE", "FLASK_DEBUG"}}
    env.update(CRM_INSTANCE_DIR=str(instance_dir), SECRET_KEY=f"live-{instance_dir.name}", PYTHONPATH=str(PROJECT))
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update({key: str(value) for key, value in extra.items()})
    return env


def crm_init(env: dict) -> str:
    """`flask crm init` as `make run` runs it; returns the admin password it printed."""
    out = subprocess.run([str(BIN / "flask"), "--app", "wsgi", "crm", "init"], cwd=PROJECT, env=env,
                         capture_output=True, text=True, timeout=300, check=True).stdout
    return re.search(r"初始密码：(\S+?)（", out).group(1)


@contextmanager
def gunicorn(env: dict, log_path: Path, *args: str):
    """Start `gunicorn -c app/gunicorn_config.py wsgi:app` on a free loopback port; yield (process, base URL)."""
    port = free_port()
    env = {**env, "HOST": "127.0.0.1", "PORT": str(port)}
    with open(log_path, "wb") as log:
        process = subprocess.Popen([str(BIN / "gunicorn"), "-c", "app/gunicorn_config.py", *args, "wsgi:app"],
                                   cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, process, log_path)
        yield process, base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_serving(base: str, process: subprocess.Popen, log_path: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log_path.read_text(errors='replace')[-2000:]}")
        try:
            if requests.get(f"{base}/login", timeout=10).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start serving in time")


def captcha_answer(session: requests.Session, env: dict) -> str:
    """The answer of the captcha this browser was shown, read where the server keeps it (the test knows the
    server's key and database): the cookie names the challenge, the database holds its code."""
    from sqlalchemy import create_engine, text

    signer = Flask("reader")
    signer.secret_key = env["SECRET_KEY"]
    token = signer.session_interface.get_signing_serializer(signer).loads(session.cookies["session"])["captcha_id"]
    url = env.get("DATABASE_URL") or f"sqlite:///{Path(env['CRM_INSTANCE_DIR']) / 'xingzhu.db'}"
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT code FROM captcha_challenges WHERE token_hash = :digest"),
                                {"digest": hashlib.sha256(token.encode()).hexdigest()}).scalar_one()
    finally:
        engine.dispose()


def csrf_token(html: str) -> str:
    match = (re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
             or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html))
    assert match, "no csrf token on the page"
    return match.group(1)


def login(base: str, username: str, password: str, env: dict) -> requests.Session:
    """Log in through the login page, its captcha image and its CSRF token, as a browser does."""
    session = requests.Session()
    token = csrf_token(session.get(f"{base}/login", timeout=30).text)
    assert session.get(f"{base}/captcha.png", timeout=30).headers["Content-Type"] == "image/png"
    response = session.post(f"{base}/login", timeout=30, allow_redirects=False, data={
        "csrf_token": token, "username": username, "password": password,
        "captcha": captcha_answer(session, env)})
    assert response.status_code == 302, f"login of {username} failed: {response.status_code}"
    return session
