"""A second app on the same database with CSRF on, as in production: attacks go through real forms."""

import pytest

from tests.conftest import make_test_app


@pytest.fixture(scope="session")
def csrf_app(app):
    return make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True)


@pytest.fixture()
def web(csrf_app, db):
    return csrf_app.test_client()
