"""A second app on the same database with CSRF on, as in production: attacks go through real forms."""

import pytest

from tests.conftest import make_test_app


@pytest.fixture(scope="session")
def csrf_app(app):
    return make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True)


@pytest.fixture()
def web(csrf_app, db):
    return csrf_app.test_client()


@pytest.fixture(scope="session")
def captcha_app(app):
    """No test code: only the answer of the drawn image passes."""
    return make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True, CAPTCHA_TEST_CODE=None)


@pytest.fixture()
def browser(captcha_app, db):
    return captcha_app.test_client()
