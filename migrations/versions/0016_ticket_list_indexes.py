"""ticket list indexes

Revision ID: 0016_ticket_list_indexes
Revises: 0015_deferred_jobs
Create Date: 2026-12-02 01:30:00

工单综合查询 over every status: filtered by 分配给, (assignee_id, id) gives the first page newest first from the index
instead of sorting all of that person's tickets; by 优先级, (priority, id) does the same and counts from the index;
by 提交时间, created_at turns the capped count of a month into an index range.

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016_ticket_list_indexes'
down_revision = '0015_deferred_jobs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_tickets_assignee_id', 'tickets', ['assignee_id', 'id'])
    op.create_index('ix_tickets_priority_id', 'tickets', ['priority', 'id'])
    op.create_index('ix_tickets_created_at', 'tickets', ['created_at'])


def downgrade():
    op.drop_index('ix_tickets_created_at', table_name='tickets')
    op.drop_index('ix_tickets_priority_id', table_name='tickets')
    op.drop_index('ix_tickets_assignee_id', table_name='tickets')
