"""quote log

Revision ID: 0006_quote_log
Revises: 0005_auth_sessions
Create Date: 2026-12-01 20:40:00.000000

报价单日志: one row per change of a quote (添加, 修改, 转为销售), like the order log.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_quote_log'
down_revision = '0005_auth_sessions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quote_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quote_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('action', sa.Unicode(length=20), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=True),
    sa.Column('note', sa.Unicode(length=500), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_quote_logs_employee_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['quote_id'], ['quotes.id'], name=op.f('fk_quote_logs_quote_id_quotes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quote_logs')),
    info={'owned': True}
    )
    with op.batch_alter_table('quote_logs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quote_logs_quote_id'), ['quote_id'], unique=False)


def downgrade():
    with op.batch_alter_table('quote_logs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quote_logs_quote_id'))
    op.drop_table('quote_logs')
