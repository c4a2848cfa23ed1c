"""stock totals index

Revision ID: 0018_stock_totals
Revises: 0016_ticket_list_indexes
Create Date: 2026-12-02 06:00:00

当前库存查询's 合计 row sums quantity and value over the filtered balances. Filtered by 仓库 it looked up every
balance row of the warehouse (100,000 at 100,000 products) through the (warehouse_id, product_id) index; with
(warehouse_id, quantity, value) the sum reads the index alone.

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018_stock_totals'
down_revision = '0017_order_search_tokens'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_stock_balances_warehouse_totals', 'stock_balances', ['warehouse_id', 'quantity', 'value'])


def downgrade():
    op.drop_index('ix_stock_balances_warehouse_totals', table_name='stock_balances')
