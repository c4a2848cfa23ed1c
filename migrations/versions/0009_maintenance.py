"""maintenance: the audit trail (系统操作日志)

Revision ID: 0009_maintenance
Revises: 0008_oa
Create Date: 2026-12-01 20:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_maintenance'
down_revision = '0008_oa'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'audit_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_name', sa.Unicode(length=50), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('table_name', sa.String(length=64), nullable=False),
        sa.Column('table_label', sa.Unicode(length=50), nullable=False),
        sa.Column('record_id', sa.String(length=40), nullable=True),
        sa.Column('record_label', sa.Unicode(length=200), nullable=True),
        sa.Column('changes', sa.UnicodeText(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log')),
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_table_record', ['table_name', 'record_id', 'id'], unique=False)
        batch_op.create_index('ix_audit_log_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_audit_log_actor_id_id', ['actor_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_actor_id_id')
        batch_op.drop_index('ix_audit_log_created_at')
        batch_op.drop_index('ix_audit_log_table_record')
    op.drop_table('audit_log')
