"""report rollups

Revision ID: 0019_report_rollups
Revises: 0018_stock_totals
Create Date: 2026-12-02 05:45:00

统计报表 at a million orders: sales_order_owner_sums (订单金额汇总 per local day, 下单客服, status and
sales/return, written with sales_order_daily_sums by the order services) for the sales reports keyed by the
owner or the date, and covering indexes for the reports that still read the records: a customer's orders
with their amounts, a product's lines, customers by 建档时间 with the grouped columns, by 省份 / 城市 / 区县 and by 行业; an employee's follow-ups by
联系时间 come from 0017, so the single-column index goes. The new indexes start with the columns of the ones they replace.

The rollup starts empty here; `flask crm init` fills it from the orders when it is empty and orders exist
(`flask crm rebuild-order-sums` recomputes it at any time).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019_report_rollups'
down_revision = '0018_stock_totals'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sales_order_owner_sums',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('is_return', sa.Boolean(), nullable=False),
        sa.Column('order_count', sa.Integer(), nullable=False),
        sa.Column('payable', sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column('paid', sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column('debt', sa.Numeric(precision=18, scale=2), nullable=False),
        sa.PrimaryKeyConstraint('day', 'owner_id', 'status', 'is_return', name=op.f('pk_sales_order_owner_sums')),
    )
    op.create_index('ix_sales_orders_customer_report', 'sales_orders',
                    ['customer_id', 'status', 'is_return', 'order_date', 'owner_id', 'payable', 'paid', 'debt'])
    op.drop_index('ix_sales_orders_customer_status', table_name='sales_orders')
    op.create_index('ix_sales_order_lines_product_report', 'sales_order_lines',
                    ['product_id', 'order_id', 'quantity', 'subtotal'])
    op.drop_index('ix_sales_order_lines_product_id', table_name='sales_order_lines')
    op.create_index('ix_customers_report', 'customers',
                    ['created_at', 'category_id', 'owner_id', 'source_id', 'province'])
    op.create_index('ix_customers_region', 'customers', ['province', 'city', 'district', 'created_at', 'category_id'])
    op.create_index('ix_customers_industry', 'customers', ['industry', 'created_at', 'category_id'])
    op.drop_index('ix_follow_ups_employee_id', table_name='follow_ups')


def downgrade():
    op.create_index('ix_follow_ups_employee_id', 'follow_ups', ['employee_id'])
    op.drop_index('ix_customers_industry', table_name='customers')
    op.drop_index('ix_customers_region', table_name='customers')
    op.drop_index('ix_customers_report', table_name='customers')
    op.create_index('ix_sales_order_lines_product_id', 'sales_order_lines', ['product_id'])
    op.drop_index('ix_sales_order_lines_product_report', table_name='sales_order_lines')
    op.create_index('ix_sales_orders_customer_status', 'sales_orders', ['customer_id', 'status'])
    op.drop_index('ix_sales_orders_customer_report', table_name='sales_orders')
    op.drop_table('sales_order_owner_sums')
