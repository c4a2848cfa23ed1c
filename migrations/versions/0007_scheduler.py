"""scheduler lease

Revision ID: 0007_scheduler
Revises: 0006_quote_log
Create Date: 2026-12-01 20:50:00

The in-process scheduler of the embedded default runs the recurring schedule in one process only: the one
holding the row of this table, renewed while it lives and taken over by another when it expires.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_scheduler'
down_revision = '0006_quote_log'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'scheduler_leases',
        sa.Column('name', sa.String(length=50), nullable=False),
        sa.Column('holder', sa.String(length=100), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_leases')),
    )


def downgrade():
    op.drop_table('scheduler_leases')
