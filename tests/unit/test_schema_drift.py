"""The migrations build exactly the schema the models declare: nothing a model has is missing from the database
the migrations made, and the migrations make nothing the models do not know (on SQLite and PostgreSQL)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext


def test_the_migrated_database_matches_the_models(db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "\n".join(map(str, differences))
