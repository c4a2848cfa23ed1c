"""Migration 0017 on a database with orders: every existing order is indexed as the order services index it."""

from collections import defaultdict

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from app.extensions import db
from app.services.orders.search import tokens_for
from app.services.seed import ensure_admin, seed_defaults
from models.orders import SalesOrder, SalesOrderSearchToken
from tests.helpers import ADMIN_PASSWORD
from tests.order_factories import make_customer, make_order
from tests.unit.test_search_vocabulary_migration import migration_app  # noqa: F401  (the fixture)

RECEIVERS = ["王小明", "欧阳 王", "Tom Lee", None, "王"]


def test_upgrade_indexes_every_existing_order(migration_app):  # noqa: F811
    with migration_app.app_context():
        upgrade()
        seed_defaults()
        ensure_admin(ADMIN_PASSWORD)
        customer = make_customer()
        for name in RECEIVERS:
            make_order(customer=customer, texts={"receiver_name": name} if name else {})
        db.session.commit()
        downgrade(revision="0016_ticket_list_indexes")
        assert "sales_order_search_tokens" not in inspect(db.engine).get_table_names()
        db.session.commit()

        upgrade()
        indexed = defaultdict(set)
        for token, order_id in db.session.execute(select(SalesOrderSearchToken.token, SalesOrderSearchToken.order_id)):
            indexed[order_id].add(token)
        names = dict(db.session.execute(select(SalesOrder.id, SalesOrder.receiver_name)).all())
        assert len(names) == len(RECEIVERS)
        for order_id, name in names.items():
            assert indexed.get(order_id, set()) == tokens_for(name), name
        assert indexed and {"王", "欧阳", "le"} <= set().union(*indexed.values())
        db.session.commit()
        db.session.remove()
