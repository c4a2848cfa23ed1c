"""customer search vocabulary

Revision ID: 0004_search_vocabulary
Revises: 0003_orders
Create Date: 2026-12-06 10:12:31.518204

One-character search terms are answered from the vocabulary of the token index. The index gains
one-character tokens: a text value of one character (a contact named 王) and, online only, each
word of one character inside a longer value (the 号 of "华强北路 100 号"); a database migrated
offline (--sql) gets the latter when each customer is next saved. Then the vocabulary is filled
with the distinct tokens of the index.

"""
from alembic import context, op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_search_vocabulary'
down_revision = '0003_orders'
branch_labels = None
depends_on = None

TOKEN = sa.String(length=40).with_variant(sa.Unicode(length=40, collation='Latin1_General_100_BIN2'), 'mssql').with_variant(sa.String(length=40, collation='C'), 'postgresql')
OLD_MSSQL_TOKEN = sa.String(length=40, collation='Latin1_General_100_BIN2')
# The text fields the index reads (app/services/customers/search.py at this revision), remark last.
TEXT_COLUMNS = ('name', 'contact_name', 'province', 'city', 'district', 'address', 'email', 'qq', 'pinyin', 'remark')
REMARK_CHARS = 200
BATCH = 500

customers = sa.table('customers', sa.column('id', sa.Integer), *(sa.column(name, sa.Unicode) for name in TEXT_COLUMNS))
tokens = sa.table('customer_search_tokens', sa.column('token', TOKEN), sa.column('customer_id', sa.Integer))
vocabulary = sa.table('customer_search_vocabulary', sa.column('token', TOKEN))


def _sql_server_token_type(type_, existing_type):
    """SQL Server only: 0002 made the token column VARCHAR, which cannot hold Chinese under a Latin1
    collation; it becomes NVARCHAR with the same binary collation (the primary key is rebuilt around it)."""
    if op.get_context().dialect.name != 'mssql':
        return
    op.drop_constraint('pk_customer_search_tokens', 'customer_search_tokens', type_='primary')
    op.alter_column('customer_search_tokens', 'token', type_=type_, existing_type=existing_type, existing_nullable=False)
    op.create_primary_key('pk_customer_search_tokens', 'customer_search_tokens', ['token', 'customer_id'])


def upgrade():
    _sql_server_token_type(sa.Unicode(length=40, collation='Latin1_General_100_BIN2'), OLD_MSSQL_TOKEN)
    op.create_table('customer_search_vocabulary',
    sa.Column('token', TOKEN, nullable=False),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_customer_search_vocabulary')),
    info={'owned': True},
    sqlite_with_rowid=False
    )
    # Values of one character. The index held bigrams and 4-digit grams only, so none of these exist yet;
    # UNION drops a customer's repeats (name and contact both 王).
    singles = []
    for name in TEXT_COLUMNS:
        value = sa.func.ltrim(sa.func.rtrim(customers.c[name]))
        singles.append(sa.select(sa.func.lower(value).label('token'), customers.c.id.label('customer_id'))
                       .where(sa.func.length(value) == 1))
    op.execute(tokens.insert().from_select(['token', 'customer_id'], sa.union(*singles)))
    if not context.is_offline_mode():
        _add_one_character_words(op.get_bind())
    op.execute(vocabulary.insert().from_select(['token'], sa.select(tokens.c.token).distinct()))


def _add_one_character_words(connection):
    """Words of one character inside longer values, split as the index splits them (Python whitespace)."""
    columns = [customers.c[name] for name in TEXT_COLUMNS]
    last = 0
    while True:
        rows = connection.execute(sa.select(customers.c.id, *columns).where(customers.c.id > last)
                                  .order_by(customers.c.id).limit(BATCH)).all()
        if not rows:
            return
        last = rows[-1][0]
        wanted = {}
        for customer_id, *values in rows:
            if values[-1]:
                values[-1] = values[-1][:REMARK_CHARS]
            words = {word for value in values if value and len(value.split()) > 1
                     for word in value.lower().split() if len(word) == 1}
            if words:
                wanted[customer_id] = words
        if not wanted:
            continue
        # A value of one character elsewhere in the customer may have given the same token already.
        existing = set(connection.execute(sa.select(tokens.c.token, tokens.c.customer_id).where(
            tokens.c.customer_id.in_(sorted(wanted)),
            tokens.c.token.in_(sorted(set().union(*wanted.values()))))).all())
        new = [{'token': word, 'customer_id': customer_id} for customer_id, words in wanted.items()
               for word in sorted(words) if (word, customer_id) not in existing]
        if new:
            connection.execute(tokens.insert(), new)


def downgrade():
    op.drop_table('customer_search_vocabulary')
    op.execute(tokens.delete().where(sa.func.length(tokens.c.token) == 1))
    _sql_server_token_type(OLD_MSSQL_TOKEN, sa.Unicode(length=40, collation='Latin1_General_100_BIN2'))
