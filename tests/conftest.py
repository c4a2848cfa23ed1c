"""Shared fixtures: one app per database backend, a clean seeded database per test.

Under `pytest -n N` every worker process has its own instance dir, PostgreSQL database and Redis database
(tests/parallel.py); the app of each backend is built once per process.
"""

import os
import shutil
import tempfile

_INSTANCE = tempfile.mkdtemp(prefix="crm-test-instance-")
os.environ["CRM_INSTANCE_DIR"] = _INSTANCE  # before app.config is imported
os.environ.pop("REDIS_URL", None)

import pytest  # noqa: E402
from flask import g, has_app_context  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db as _db  # noqa: E402
from tests.helpers import ADMIN_PASSWORD, TEST_CAPTCHA  # noqa: E402
from tests.parallel import setup_worker_resources, teardown_worker_resources  # noqa: E402

setup_worker_resources()  # before any test module reads TEST_DATABASE_URL / REDIS_TEST_URL
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


class RequestIsolatingClient(FlaskClient):
    """Each request starts as in production: no leftovers in `g`, nothing stale in the session.

    Tests hold an app context (to use db.session), and Flask reuses an active app context for
    requests, so without this the logged-in user and per-request caches would leak between requests.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            for key in list(g.__dict__):
                g.pop(key, None)
            _db.session.expire_all()
        return super().open(*args, **kwargs)


def make_test_app(database_url: str, **overrides):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "CAPTCHA_TEST_CODE": TEST_CAPTCHA,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "REDIS_URL": None,
        "UPLOAD_DIR": os.path.join(_INSTANCE, "uploads"),
        "EXPORT_DIR": os.path.join(_INSTANCE, "exports"),
    }
    config.update(overrides)
    application = create_app(config)
    application.test_client_class = RequestIsolatingClient
    return application


def build_schema(app):
    """Create the schema through the real migrations, from nothing."""
    with app.app_context():
        _db.drop_all()
        with _db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()


def reset_data(app):
    from app.services.seed import ensure_admin, seed_defaults

    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as conn:
            for table in reversed(_db.metadata.sorted_tables):
                conn.execute(table.delete())
        seed_defaults()
        ensure_admin(ADMIN_PASSWORD)
        _db.session.commit()
        _db.session.remove()


def pytest_unconfigure(config):
    teardown_worker_resources()
    shutil.rmtree(_INSTANCE, ignore_errors=True)


@pytest.fixture(scope="session")
def built_apps():
    """The app of each backend, built on first use and kept for the whole session.

    pytest keeps one parameter of a session fixture at a time: when a worker's tests alternate between the
    backends (as xdist hands them out), `app` is set up again at each switch, and this keeps that cheap.
    """
    apps = {}
    yield apps
    for application in apps.values():
        with application.app_context():
            _db.engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def app(request, built_apps, tmp_path_factory):
    if request.param not in built_apps:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        else:
            url = os.environ["TEST_DATABASE_URL"]
        built_apps[request.param] = make_test_app(url)
        build_schema(built_apps[request.param])
    return built_apps[request.param]


@pytest.fixture()
def db(app):
    """A clean database with the defaults of a new installation, inside an app context."""
    reset_data(app)
    with app.app_context():
        yield _db
        _db.session.remove()


@pytest.fixture()
def client(app, db):
    return app.test_client()
