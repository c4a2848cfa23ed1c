"""office OA: reminder centre key, work logs, announcements, calendar, work plans, attendance

Revision ID: 0008_oa
Revises: 0007_scheduler
Create Date: 2026-12-01 20:40:00

Reminders gain the day they are for and a unique key (person, kind, subject, day). Existing rows keep their
subject (rows without one get their own id as subject) and the local day they were created on.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_oa'
down_revision = '0007_scheduler'
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


def _upgrade_tables():
    op.create_table('attendance_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('weekdays', sa.String(length=7), nullable=False),
    sa.Column('use_public_calendar', sa.Boolean(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('grace_minutes', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_settings'))
    )
    op.create_table('attendance_special_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('is_workday', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Unicode(length=50), nullable=True),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_attendance_special_days'))
    )
    op.create_table('announcements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Unicode(length=30), nullable=False),
    sa.Column('title', sa.Unicode(length=100), nullable=False),
    sa.Column('content', sa.UnicodeText(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('is_visible', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['employees.id'], name=op.f('fk_announcements_author_id_employees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcements')),
    info={'label': '公告', 'owner_column': 'author_id'}
    )
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcements_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announcements_published_at'), ['published_at'], unique=False)

    op.create_table('attendance_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('check_in_at', sa.DateTime(), nullable=True),
    sa.Column('check_out_at', sa.DateTime(), nullable=True),
    sa.Column('check_in_ip', sa.String(length=45), nullable=True),
    sa.Column('check_out_ip', sa.String(length=45), nullable=True),
    sa.Column('status_override', sa.Unicode(length=10), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_attendance_records_employee_id_employees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_records')),
    sa.UniqueConstraint('employee_id', 'day', name='uq_attendance_records_employee_day'),
    info={'label': '考勤记录', 'owner_column': 'employee_id'}
    )
    with op.batch_alter_table('attendance_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_records_day'), ['day'], unique=False)

    op.create_table('calendar_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Unicode(length=100), nullable=False),
    sa.Column('location', sa.Unicode(length=100), nullable=True),
    sa.Column('description', sa.Unicode(length=1000), nullable=True),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('all_day', sa.Boolean(), nullable=False),
    sa.Column('repeat', sa.String(length=10), nullable=False),
    sa.Column('repeat_until', sa.Date(), nullable=True),
    sa.Column('remind_minutes', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['employees.id'], name=op.f('fk_calendar_events_owner_id_employees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_events')),
    info={'label': '日程', 'owner_column': 'owner_id'}
    )
    with op.batch_alter_table('calendar_events', schema=None) as batch_op:
        batch_op.create_index('ix_calendar_events_owner_start', ['owner_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_calendar_events_repeat', ['repeat', 'owner_id'], unique=False)
        batch_op.create_index('ix_calendar_events_start', ['starts_at'], unique=False)

    op.create_table('calendar_feeds',
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_calendar_feeds_employee_id_employees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('employee_id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token', name=op.f('uq_calendar_feeds_token')),
    info={'owned': True}
    )
    op.create_table('work_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('log_date', sa.Date(), nullable=False),
    sa.Column('title', sa.Unicode(length=100), nullable=False),
    sa.Column('content', sa.UnicodeText(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['employees.id'], name=op.f('fk_work_logs_author_id_employees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_logs')),
    info={'label': '工作日志', 'owner_column': 'author_id'}
    )
    with op.batch_alter_table('work_logs', schema=None) as batch_op:
        batch_op.create_index('ix_work_logs_author_date', ['author_id', 'log_date'], unique=False)

    op.create_table('work_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('title', sa.Unicode(length=100), nullable=False),
    sa.Column('content', sa.UnicodeText(), nullable=False),
    sa.Column('report_to_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['employees.id'], name=op.f('fk_work_plans_author_id_employees')),
    sa.ForeignKeyConstraint(['report_to_id'], ['employees.id'], name=op.f('fk_work_plans_report_to_id_employees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_plans')),
    info={'label': '工作计划', 'owner_column': 'author_id'}
    )
    with op.batch_alter_table('work_plans', schema=None) as batch_op:
        batch_op.create_index('ix_work_plans_author_start', ['author_id', 'period_start'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_plans_report_to_id'), ['report_to_id'], unique=False)

    op.create_table('announcement_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.Unicode(length=200), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'], name=op.f('fk_announcement_files_announcement_id_announcements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement_files')),
    info={'owned': True}
    )
    with op.batch_alter_table('announcement_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_files_announcement_id'), ['announcement_id'], unique=False)

    op.create_table('announcement_reads',
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'], name=op.f('fk_announcement_reads_announcement_id_announcements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_announcement_reads_employee_id_employees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('announcement_id', 'employee_id', name=op.f('pk_announcement_reads')),
    info={'owned': True}
    )
    with op.batch_alter_table('announcement_reads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_reads_employee_id'), ['employee_id'], unique=False)

    op.create_table('attendance_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('from_status', sa.Unicode(length=10), nullable=False),
    sa.Column('to_status', sa.Unicode(length=10), nullable=False),
    sa.Column('reason', sa.Unicode(length=200), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['employees.id'], name=op.f('fk_attendance_changes_changed_by_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['record_id'], ['attendance_records.id'], name=op.f('fk_attendance_changes_record_id_attendance_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_changes')),
    info={'owned': True}
    )
    with op.batch_alter_table('attendance_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_changes_record_id'), ['record_id'], unique=False)

    op.create_table('work_log_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('log_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.Unicode(length=2000), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['employees.id'], name=op.f('fk_work_log_comments_author_id_employees')),
    sa.ForeignKeyConstraint(['log_id'], ['work_logs.id'], name=op.f('fk_work_log_comments_log_id_work_logs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_log_comments')),
    info={'label': '日志点评', 'owner_column': 'author_id'}
    )
    with op.batch_alter_table('work_log_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_log_comments_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_log_comments_log_id'), ['log_id'], unique=False)

    op.create_table('work_plan_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.Unicode(length=2000), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['employees.id'], name=op.f('fk_work_plan_comments_author_id_employees')),
    sa.ForeignKeyConstraint(['plan_id'], ['work_plans.id'], name=op.f('fk_work_plan_comments_plan_id_work_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_plan_comments')),
    info={'label': '计划点评', 'owner_column': 'author_id'}
    )
    with op.batch_alter_table('work_plan_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_plan_comments_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_plan_comments_plan_id'), ['plan_id'], unique=False)


def _downgrade_tables():
    with op.batch_alter_table('work_plan_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_plan_comments_plan_id'))
        batch_op.drop_index(batch_op.f('ix_work_plan_comments_author_id'))

    op.drop_table('work_plan_comments')
    with op.batch_alter_table('work_log_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_log_comments_log_id'))
        batch_op.drop_index(batch_op.f('ix_work_log_comments_author_id'))

    op.drop_table('work_log_comments')
    with op.batch_alter_table('attendance_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_changes_record_id'))

    op.drop_table('attendance_changes')
    with op.batch_alter_table('announcement_reads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcement_reads_employee_id'))

    op.drop_table('announcement_reads')
    with op.batch_alter_table('announcement_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcement_files_announcement_id'))

    op.drop_table('announcement_files')
    with op.batch_alter_table('work_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_plans_report_to_id'))
        batch_op.drop_index('ix_work_plans_author_start')

    op.drop_table('work_plans')
    with op.batch_alter_table('work_logs', schema=None) as batch_op:
        batch_op.drop_index('ix_work_logs_author_date')

    op.drop_table('work_logs')
    op.drop_table('calendar_feeds')
    with op.batch_alter_table('calendar_events', schema=None) as batch_op:
        batch_op.drop_index('ix_calendar_events_start')
        batch_op.drop_index('ix_calendar_events_repeat')
        batch_op.drop_index('ix_calendar_events_owner_start')

    op.drop_table('calendar_events')
    with op.batch_alter_table('attendance_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_records_day'))

    op.drop_table('attendance_records')
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcements_published_at'))
        batch_op.drop_index(batch_op.f('ix_announcements_author_id'))

    op.drop_table('announcements')
    op.drop_table('attendance_special_days')
    op.drop_table('attendance_settings')


def upgrade():
    _upgrade_reminders()
    _upgrade_tables()


def downgrade():
    _downgrade_tables()
    _downgrade_reminders()
