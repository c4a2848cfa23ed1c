"""office OA: reminder centre key, work logs, announcements, calendar, work plans, attendance

Revision ID: 0008_oa
Revises: 0004_search_vocabulary
Create Date: 2026-12-01 20:40:00

Reminders gain the day they are for and a unique key (person, kind, subject, day). Existing rows keep their
subject (rows without one get their own id as subject) and the local day they were created on.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_oa'
down_revision = '0004_search_vocabulary'
branch_labels = None
depends_on = None

reminders = sa.table('reminders', sa.column('id', sa.Integer), sa.column('subject_key', sa.String(60)),
                     sa.column('created_at', sa.DateTime), sa.column('remind_on', sa.Date))


def _upgrade_reminders():
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remind_on', sa.Date(), nullable=True))
    op.execute(reminders.update().where(reminders.c.subject_key.is_(None))
               .values(subject_key=sa.cast(reminders.c.id, sa.String(60))))
    # The day the reminder was made (UTC date; close enough for rows made before the key existed).
    if op.get_context().dialect.name == 'sqlite':
        day = sa.func.date(reminders.c.created_at)
    else:
        day = sa.cast(reminders.c.created_at, sa.Date)
    op.execute(reminders.update().values(remind_on=day))
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminders_subject_key'))
        batch_op.alter_column('subject_key', existing_type=sa.String(length=60), nullable=False)
        batch_op.alter_column('remind_on', existing_type=sa.Date(), nullable=False)
        batch_op.create_index(batch_op.f('ix_reminders_subject_key'), ['subject_key'], unique=False)
        batch_op.create_index('ix_reminders_employee_unread', ['employee_id', 'read_at', 'id'], unique=False)
        batch_op.create_unique_constraint('uq_reminders_once', ['employee_id', 'kind', 'subject_key', 'remind_on'])


def _downgrade_reminders():
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_constraint('uq_reminders_once', type_='unique')
        batch_op.drop_index('ix_reminders_employee_unread')
        batch_op.drop_column('remind_on')
        batch_op.alter_column('subject_key', existing_type=sa.String(length=60), nullable=True)


def upgrade():
    _upgrade_reminders()


def downgrade():
    _downgrade_reminders()
