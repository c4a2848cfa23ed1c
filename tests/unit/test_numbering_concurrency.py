"""Parallel writers never get the same document number (PostgreSQL, real transactions)."""

import os
import threading

import pytest
from sqlalchemy import make_url

from app.services.maintenance.databases import pg_create_database, pg_drop_database
from app.services.numbering import next_number
from tests.conftest import build_schema, make_test_app
from tests.parallel import sibling_database_url

PG_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_parallel_numbering_on_postgresql(tmp_path):
    # A database of its own so the shared test schema is not disturbed.
    url = make_url(sibling_database_url("numbering"))
    pg_create_database(url, url.database)
    app = make_test_app(url.render_as_string(hide_password=False))
    build_schema(app)
    numbers, errors = [], []
    barrier = threading.Barrier(8)

    def writer():
        try:
            with app.app_context():
                from app.extensions import db

                barrier.wait()
                for _ in range(10):
                    numbers.append(next_number("XS"))
                    db.session.commit()
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()
    pg_drop_database(url, url.database)
    assert not errors
    assert len(numbers) == 80
    assert len(set(numbers)) == 80
    assert sorted(int(n[-5:]) for n in numbers) == list(range(1, 81))
