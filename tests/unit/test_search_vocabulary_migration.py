"""Migration 0004 on a database with customers: one-character tokens as the index now makes them, and the vocabulary."""

import os
from collections import defaultdict

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, insert, inspect, make_url, select

from app.extensions import db
from app.services.customers.search import search_condition, tokens_for
from app.services.maintenance.databases import pg_create_database, pg_drop_database
from models.customers import Customer, CustomerSearchToken, CustomerSearchVocabulary
from tests.conftest import make_test_app
from tests.parallel import sibling_database_url

PG_URL = os.environ.get("TEST_DATABASE_URL")
CUSTOMERS = [
    {"name": "北京世纪城有限公司", "contact_name": "王", "pinyin": "bjsjcyxgs", "mobile_key": "13632132345"},
    {"name": "重庆银河商行", "contact_name": "丁娜芳", "address": "华强北路 100 号", "pinyin": "cqyhsh",
     "remark": "开票 信息\n见 附件"},
    {"name": "A", "contact_name": "A", "pinyin": "a", "email": "a@b.cn", "qq": "7"},
    {"name": "深圳宏达电子", "contact_name": "王涛", "pinyin": "szhdd", "phone_key": "02424513343"},
]


@pytest.fixture(params=["sqlite"] + (["postgresql"] if PG_URL else []))
def migration_app(request, tmp_path):
    """An app on an empty database of its own: the shared test schema stays at the newest revision."""
    if request.param == "sqlite":
        application = make_test_app(f"sqlite:///{tmp_path / 'migration.db'}")
        yield application
        with application.app_context():
            db.engine.dispose()
        return
    url = make_url(sibling_database_url("vocabulary_migration"))
    pg_create_database(url, url.database)
    application = make_test_app(url.render_as_string(hide_password=False))
    yield application
    with application.app_context():
        db.engine.dispose()
    pg_drop_database(url, url.database)


def _tokens_by_customer():
    tokens = defaultdict(set)
    for token, customer_id in db.session.execute(select(CustomerSearchToken.token, CustomerSearchToken.customer_id)):
        tokens[customer_id].add(token)
    return tokens


def test_upgrade_adds_one_character_tokens_and_the_vocabulary(migration_app):
    with migration_app.app_context():
        upgrade(revision="0003_orders")
        for n, values in enumerate(CUSTOMERS):
            customer_id = db.session.execute(insert(Customer).values(code=f"CT2026010100{n:03d}", **values)
                                             .returning(Customer.id)).scalar_one()
            # What the index held before: bigrams and 4-digit grams only.
            old = [{"token": t, "customer_id": customer_id} for t in tokens_for(values) if len(t) > 1]
            db.session.execute(insert(CustomerSearchToken), old)
        db.session.commit()

        upgrade(revision="0004_search_vocabulary")
        ids = dict(db.session.execute(select(Customer.name, Customer.id)).all())
        indexed = _tokens_by_customer()
        for values in CUSTOMERS:  # exactly what the application now writes
            assert indexed[ids[values["name"]]] == tokens_for(values), values["name"]
        assert {"王", "号", "见", "a", "7"} <= set().union(*indexed.values())
        vocabulary = set(db.session.scalars(select(CustomerSearchVocabulary.token)))
        assert vocabulary == set().union(*indexed.values())
        found = db.session.scalars(select(Customer.name).where(search_condition("王")).order_by(Customer.id)).all()
        assert found == ["北京世纪城有限公司", "深圳宏达电子"]
        assert db.session.scalars(select(Customer.name).where(search_condition("号"))).all() == ["重庆银河商行"]
        db.session.commit()

        downgrade(revision="0003_orders")
        assert "customer_search_vocabulary" not in inspect(db.engine).get_table_names()
        assert db.session.scalar(select(func.count()).select_from(CustomerSearchToken)
                                 .where(func.length(CustomerSearchToken.token) == 1)) == 0
        assert db.session.scalar(select(func.count()).select_from(CustomerSearchToken)) > 0
        db.session.commit()
        db.session.remove()
