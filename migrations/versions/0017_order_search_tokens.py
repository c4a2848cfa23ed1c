"""order search tokens

Revision ID: 0017_order_search_tokens
Revises: 0016_ticket_list_indexes
Create Date: 2026-12-02 06:00:00

The order lists' search finds 收货人 containing the term through a token index: every character and
character bigram of each receiver name (lower case). Existing orders are indexed here, online only;
a database migrated offline (--sql) gets an order's tokens when the order is next saved.

Also (measured at 3,000,000 follow-ups): 联系记录 as a 销售员 or 经理 sorted every follow-up of the person by
联系时间 for page 1; (employee_id, contacted_at) reads the page from the index.

"""
from alembic import context, op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_order_search_tokens'
down_revision = '0016_ticket_list_indexes'
branch_labels = None
depends_on = None

TOKEN = sa.String(length=40).with_variant(sa.Unicode(length=40, collation='Latin1_General_100_BIN2'), 'mssql').with_variant(sa.String(length=40, collation='C'), 'postgresql')
BATCH = 5000

orders = sa.table('sales_orders', sa.column('id', sa.Integer), sa.column('receiver_name', sa.Unicode))
tokens = sa.table('sales_order_search_tokens', sa.column('token', TOKEN), sa.column('order_id', sa.Integer))


def _tokens(name):
    """As app/services/orders/search.py tokens_for at this revision."""
    found = set()
    for word in (name or '').lower().split():
        found.update(word)
        found.update(word[i:i + 2] for i in range(len(word) - 1))
    return found


def upgrade():
    op.create_table('sales_order_search_tokens',
    sa.Column('token', TOKEN, nullable=False),
    sa.Column('order_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('token', 'order_id', name=op.f('pk_sales_order_search_tokens')),
    info={'owned': True, 'label': '订单检索索引', 'init_group': '订单信息'},
    sqlite_with_rowid=False
    )
    op.create_index('ix_follow_ups_employee_id_contacted_at', 'follow_ups', ['employee_id', 'contacted_at'])
    if context.is_offline_mode():
        return
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(sa.select(orders.c.id, orders.c.receiver_name).where(orders.c.id > last)
                                  .order_by(orders.c.id).limit(BATCH)).all()
        if not rows:
            return
        last = rows[-1][0]
        new = [{'token': token, 'order_id': order_id} for order_id, name in rows for token in sorted(_tokens(name))]
        if new:
            connection.execute(tokens.insert(), new)


def downgrade():
    op.drop_index('ix_follow_ups_employee_id_contacted_at', table_name='follow_ups')
    op.drop_table('sales_order_search_tokens')
