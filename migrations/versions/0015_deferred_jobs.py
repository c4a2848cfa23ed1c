"""deferred jobs

Revision ID: 0015_deferred_jobs
Revises: 0012_inventory
Create Date: 2026-12-02 01:20:00

Background jobs that could not be queued while Redis was unreachable wait in this table until it answers.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_deferred_jobs'
down_revision = '0012_inventory'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'deferred_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('func', sa.String(length=200), nullable=False),
        sa.Column('arguments', sa.UnicodeText(), nullable=False),
        sa.Column('options', sa.UnicodeText(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('claimed_by', sa.String(length=100), nullable=True),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Unicode(length=300), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deferred_jobs')),
    )


def downgrade():
    op.drop_table('deferred_jobs')
