"""日程: repeat rules, the reminder offset and the idempotent 日程提醒 job, the iCalendar feed."""

from datetime import date, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from app.services.errors import Forbidden, ValidationFailed
from app.services.oa import calendar_feed
from app.services.oa.calendar import events_between, save_event
from app.services.oa.calendar_reminders import remind_due_events
from models.reminders import Reminder
from tests.helpers import admin as admin_user
from tests.helpers import make_employee


def _event(owner, **values):
    base = {"title": "周例会", "start_date": "2026-12-07", "start_time": "09:30", "end_date": "2026-12-07",
            "end_time": "10:30", "repeat": "none", "remind_minutes": "15"}
    base.update(values)
    return save_event(owner, base)


def _starts(owner_ids, start, end):
    return [o.start for o in events_between(owner_ids, start, end)]


def test_times_are_typed_locally_and_stored_as_utc(db):
    event = _event(admin_user())
    assert event.starts_at == datetime(2026, 12, 7, 1, 30)  # 09:30 Asia/Shanghai
    assert _starts(None, datetime(2026, 12, 7), datetime(2026, 12, 8)) == [datetime(2026, 12, 7, 9, 30)]


def test_repeat_rules_daily_weekly_monthly_yearly(db):
    boss = admin_user()
    _event(boss, title="每天", repeat="daily", repeat_until="2026-12-10")
    _event(boss, title="每周", repeat="weekly")
    _event(boss, title="每月31日", start_date="2026-10-31", end_date="2026-10-31", repeat="monthly")
    _event(boss, title="每年", start_date="2020-02-29", end_date="2020-02-29", repeat="yearly")
    db.session.flush()
    december = {o.event.title: [] for o in events_between(None, datetime(2026, 12, 1), datetime(2027, 1, 1))}
    for o in events_between(None, datetime(2026, 12, 1), datetime(2027, 1, 1)):
        december[o.event.title].append(o.start.day)
    assert december["每天"] == [7, 8, 9, 10]
    assert december["每周"] == [7, 14, 21, 28]
    assert december["每月31日"] == [31]
    assert "每年" not in december
    november = [o.event.title for o in events_between(None, datetime(2026, 11, 1), datetime(2026, 12, 1))]
    assert "每月31日" not in november  # November has no 31st (RFC 5545 skips it)
    leap = [o.start.date() for o in events_between(None, datetime(2028, 1, 1), datetime(2029, 1, 1))
            if o.event.title == "每年"]
    assert leap == [date(2028, 2, 29)]


def test_bad_values_are_refused_with_messages(db):
    boss = admin_user()
    for values, message in [({"title": ""}, "日程标题不能为空"), ({"title": "长" * 101}, "不能超过 100 个字"),
                            ({"start_date": "2026-02-30"}, "开始日期格式不正确"),
                            ({"start_time": "25:00"}, "开始时间格式不正确"),
                            ({"end_time": "08:00"}, "结束时间不能早于开始时间"),
                            ({"repeat": "hourly"}, "请选择重复方式"),
                            ({"repeat": "daily", "repeat_until": "2026-12-01"}, "重复截止日期不能早于开始日期"),
                            ({"remind_minutes": "7"}, "请选择提醒时间")]:
        with pytest.raises(ValidationFailed, match=message):
            _event(boss, **values)


def test_only_the_owner_changes_an_event(db):
    event = _event(admin_user())
    with pytest.raises(Forbidden):
        save_event(make_employee("someone"), {"title": "改别人的"}, event)


def test_reminders_come_once_at_the_offset_and_for_each_occurrence(db):
    boss = admin_user()
    _event(boss, repeat="daily", repeat_until="2026-12-08")
    _event(boss, title="不提醒", remind_minutes="")
    db.session.commit()
    assert remind_due_events(datetime(2026, 12, 7, 9, 14)) == 0  # 16 minutes before
    assert remind_due_events(datetime(2026, 12, 7, 9, 15)) == 1
    assert remind_due_events(datetime(2026, 12, 7, 9, 16)) == 0  # the job ran again: nothing new
    assert remind_due_events(datetime(2026, 12, 7, 9, 20)) == 0
    assert remind_due_events(datetime(2026, 12, 8, 9, 20)) == 1  # the next day's occurrence
    assert remind_due_events(datetime(2026, 12, 9, 9, 20)) == 0  # past repeat_until
    db.session.commit()
    rows = db.session.scalars(select(Reminder).order_by(Reminder.id)).all()
    assert [(r.title, r.body, r.remind_on) for r in rows] == [
        ("日程提醒：周例会", "2026-12-07 09:30", date(2026, 12, 7)),
        ("日程提醒：周例会", "2026-12-08 09:30", date(2026, 12, 8))]
    assert rows[0].link.startswith("/schedule/edit/")


def test_a_missed_reminder_is_still_made_within_a_day_then_not(db):
    boss = admin_user()
    _event(boss, remind_minutes="1440")  # 提前 1 天
    db.session.commit()
    assert remind_due_events(datetime(2026, 12, 6, 9, 0)) == 0
    assert remind_due_events(datetime(2026, 12, 6, 9, 30)) == 1
    _event(boss, title="早就过了", start_date="2026-12-01", end_date="2026-12-01")
    assert remind_due_events(datetime(2026, 12, 7, 9, 0)) == 0
    assert db.session.scalar(select(func.count(Reminder.id))) == 1


def test_the_icalendar_feed_has_repeat_rules_and_alarms_and_can_be_revoked(db):
    boss = admin_user()
    _event(boss, repeat="weekly", repeat_until="2027-01-31", location="三楼会议室")
    _event(make_employee("other"), title="别人的日程")
    feed = calendar_feed.renew(boss.id)
    parsed = Calendar.from_ical(calendar_feed.ics(boss.id, "crm.example"))
    events = parsed.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["周例会"]
    assert events[0]["rrule"]["FREQ"] == ["WEEKLY"] and str(events[0]["location"]) == "三楼会议室"
    assert events[0].decoded("dtstart") == datetime(2026, 12, 7, 1, 30, tzinfo=events[0].decoded("dtstart").tzinfo)
    assert str(events[0].walk("VALARM")[0]["trigger"].dt) == "-1 day, 23:45:00"
    old = feed.token
    assert calendar_feed.by_token(old) is not None
    calendar_feed.renew(boss.id)
    assert calendar_feed.by_token(old) is None
    calendar_feed.revoke(boss.id)
    assert calendar_feed.feed_of(boss.id) is None
    assert calendar_feed.by_token("bad token'") is None
