"""ticket assignee index

Revision ID: 0016_ticket_assignee_index
Revises: 0015_deferred_jobs
Create Date: 2026-12-02 01:30:00

工单综合查询 filtered by 分配给 reads one assignee's tickets of every status newest first: (assignee_id, id)
gives the first page from the index instead of sorting all of that person's tickets.

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016_ticket_assignee_index'
down_revision = '0015_deferred_jobs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_tickets_assignee_id', 'tickets', ['assignee_id', 'id'])


def downgrade():
    op.drop_index('ix_tickets_assignee_id', table_name='tickets')
