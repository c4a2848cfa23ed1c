"""server-side login sessions and captcha challenges

Revision ID: 0005_auth_sessions
Revises: 0004_search_vocabulary
Create Date: 2026-12-01 20:50:00.000000

Login sessions and captcha answers move from the signed cookie to the database. The employees'
session_version counter is replaced by revoking their login session rows. The column is dropped with
a plain ALTER TABLE (SQLite 3.35 or newer) because rebuilding the employees table would touch every
table that refers to it.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_auth_sessions'
down_revision = '0004_search_vocabulary'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.Column('user_agent', sa.Unicode(length=300), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_login_sessions_employee_id_employees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_login_sessions_token_hash')),
    info={'owned': True}
    )
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_sessions_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_sessions_employee_id'), ['employee_id'], unique=False)

    op.create_table('captcha_challenges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_captcha_challenges')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_captcha_challenges_token_hash'))
    )
    with op.batch_alter_table('captcha_challenges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_captcha_challenges_created_at'), ['created_at'], unique=False)

    op.drop_column('employees', 'session_version')


def downgrade():
    op.add_column('employees', sa.Column('session_version', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('captcha_challenges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_captcha_challenges_created_at'))
    op.drop_table('captcha_challenges')
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_sessions_employee_id'))
        batch_op.drop_index(batch_op.f('ix_login_sessions_created_at'))
    op.drop_table('login_sessions')
