"""员工考勤 rules: earliest check-in and latest check-out, 迟到 to the second, work days with 调休, 修改 with a reason."""

from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from app.services.errors import Forbidden, ValidationFailed
from app.services.oa import attendance
from app.timeutil import local_to_utc
from models.oa_attendance import AttendanceChange, AttendanceRecord
from tests.helpers import admin as admin_user
from tests.helpers import make_employee


def _at(day: date, clock: str) -> datetime:
    """A local wall-clock time as the naive UTC the services take."""
    return local_to_utc(datetime.combine(day, time.fromisoformat(clock)))


FRIDAY = date(2026, 6, 5)
EVENING = local_to_utc(datetime(2026, 6, 30, 20, 0))


def _status(employee, day, now=EVENING):
    rows = attendance.day_rows([(employee.id, employee.real_name, "")], day, day, now=now)
    return rows[0].status if rows else None


def test_several_check_ins_keep_the_earliest_and_check_outs_the_latest_with_their_ip(db):
    zhang = make_employee("zhang", real_name="张三")
    attendance.check_in(zhang, "10.0.0.2", now=_at(FRIDAY, "08:50:00"))
    attendance.check_in(zhang, "10.0.0.1", now=_at(FRIDAY, "08:39:40"))
    attendance.check_in(zhang, "10.0.0.3", now=_at(FRIDAY, "09:30:00"))
    attendance.check_out(zhang, "10.0.0.4", now=_at(FRIDAY, "18:21:00"))
    attendance.check_out(zhang, "10.0.0.5", now=_at(FRIDAY, "18:05:00"))
    db.session.commit()
    record = db.session.scalar(select(AttendanceRecord))
    assert (record.check_in_at, record.check_in_ip) == (_at(FRIDAY, "08:39:40"), "10.0.0.1")
    assert (record.check_out_at, record.check_out_ip) == (_at(FRIDAY, "18:21:00"), "10.0.0.4")
    assert record.day == FRIDAY
    assert _status(zhang, FRIDAY) == "正常"


@pytest.mark.parametrize(("check_in", "check_out", "grace", "status"), [
    ("09:02:20", "18:11:00", 0, "迟到"),       # the manual's 张三 on 2015-06-05
    ("09:00:00", "18:00:00", 0, "正常"),
    ("09:00:01", "18:00:00", 0, "迟到"),
    ("09:02:20", "18:11:00", 5, "正常"),
    ("08:52:17", "17:59:59", 0, "早退"),
    ("09:10:00", "17:00:00", 0, "迟到早退"),
    ("08:30:00", None, 0, "未签退"),
])
def test_late_and_early_against_the_settings(db, check_in, check_out, grace, status):
    settings = attendance.save_settings({"start_time": "09:00", "end_time": "18:00", "grace_minutes": str(grace),
                                         "use_public_calendar": "1"})
    assert settings.start_time == time(9, 0)
    zhang = make_employee("zhang")
    attendance.check_in(zhang, "127.0.0.1", now=_at(FRIDAY, check_in))
    if check_out:
        attendance.check_out(zhang, "127.0.0.1", now=_at(FRIDAY, check_out))
    assert _status(zhang, FRIDAY) == status


def test_a_makeup_saturday_is_a_work_day_and_a_public_holiday_is_not(db):
    li = make_employee("li", real_name="李四")
    makeup_saturday, national_day, plain_sunday = date(2026, 10, 10), date(2026, 10, 1), date(2026, 9, 27)
    assert makeup_saturday.weekday() == 5 and plain_sunday.weekday() == 6
    now = local_to_utc(datetime(2026, 10, 20, 12, 0))
    assert _status(li, makeup_saturday, now) == "缺勤"  # 调休: a work day, and nobody came
    assert _status(li, national_day, now) is None  # 国庆节: no attendance expected
    assert _status(li, plain_sunday, now) is None
    attendance.check_in(li, "127.0.0.1", now=_at(national_day, "10:00:00"))
    assert _status(li, national_day, now) == "休息日"  # came in on a day off: listed, not late


def test_extra_holidays_and_work_days_and_weekday_settings(db):
    wang = make_employee("wang")
    now = local_to_utc(datetime(2026, 6, 30, 12, 0))
    attendance.save_settings({"start_time": "09:00", "end_time": "18:00", "use_public_calendar": "1",
                              "holidays": "2026-06-05", "extra_workdays": "2026-06-06"})
    assert _status(wang, FRIDAY, now) is None
    assert _status(wang, date(2026, 6, 6), now) == "缺勤"
    attendance.save_settings({"start_time": "09:00", "end_time": "18:00", "weekdays": ["0", "1", "2", "3", "4", "5"]})
    assert _status(wang, date(2026, 6, 13), now) == "缺勤"  # a Saturday, with 星期六 ticked
    assert _status(wang, date(2026, 6, 14), now) is None
    for values, message in [({"start_time": "9点"}, "上班时间格式不正确"),
                            ({"start_time": "18:00", "end_time": "09:00"}, "下班时间须晚于上班时间"),
                            ({"grace_minutes": "-1"}, "迟到宽限须为 0 到 120 分钟"),
                            ({"holidays": "明天"}, "不是日期"),
                            ({"holidays": "2026-06-05", "extra_workdays": "2026-06-05"}, "不能既是休息日又是上班日"),
                            ({"use_public_calendar": "", "weekdays": []}, "请至少选择一个考勤日期")]:
        with pytest.raises(ValidationFailed, match=message):
            attendance.save_settings({"start_time": "09:00", "end_time": "18:00", "use_public_calendar": "1",
                                      **values})


def test_today_without_a_check_in_is_not_yet_absent(db):
    zhao = make_employee("zhao")
    morning = local_to_utc(datetime(2026, 6, 5, 8, 0))
    assert _status(zhao, FRIDAY, now=morning) == "未签到"


def test_managers_modify_with_a_logged_reason_but_not_their_own(db):
    boss = admin_user()
    zhang = make_employee("zhang")
    with pytest.raises(ValidationFailed, match="请填写修改原因"):
        attendance.modify(boss, zhang.id, FRIDAY, "请假", "  ")
    with pytest.raises(ValidationFailed, match="请选择考勤状态"):
        attendance.modify(boss, zhang.id, FRIDAY, "旷工", "x")
    with pytest.raises(Forbidden):
        attendance.modify(boss, boss.id, FRIDAY, "正常", "忘记签到")
    attendance.modify(boss, zhang.id, FRIDAY, "请假", "事假，已提交请假单")
    db.session.commit()
    assert _status(zhang, FRIDAY) == "请假"
    change = db.session.scalar(select(AttendanceChange))
    assert (change.from_status, change.to_status, change.reason) == ("缺勤", "请假", "事假，已提交请假单")
    assert change.changed_by_id == boss.id


def test_status_filter_and_range_limits(db):
    zhang, li = make_employee("zhang", real_name="张三"), make_employee("li", real_name="李四")
    attendance.check_in(zhang, "1.1.1.1", now=_at(FRIDAY, "09:02:20"))
    attendance.check_out(zhang, "1.1.1.1", now=_at(FRIDAY, "18:11:00"))
    people = [(zhang.id, "张三", ""), (li.id, "李四", "")]
    late = attendance.day_rows(people, date(2026, 6, 1), date(2026, 6, 5), "迟到", now=EVENING)
    assert [(r.name, r.day) for r in late] == [("张三", FRIDAY)]
    absent = attendance.day_rows(people, date(2026, 6, 1), date(2026, 6, 5), "缺勤", now=EVENING)
    assert len(absent) == 9  # 李四 five days, 张三 four
    with pytest.raises(ValidationFailed, match="不能超过一年"):
        attendance.day_rows(people, date(2024, 1, 1), date(2026, 1, 1))


def test_customer_transfer_leaves_what_the_employee_wrote_or_did(db):
    from app.services.oa import journals
    from app.services.organisation import transfer_records
    from models.oa import WorkLog

    zhang, li = make_employee("zhang"), make_employee("li")
    attendance.check_in(zhang, "1.1.1.1", now=_at(FRIDAY, "09:00:00"))
    journals.save_entry(journals.WORKLOG, zhang, {"kind": "daily", "day": "2026-06-05", "title": "日报",
                                                  "content": "内容"})
    transfer_records([zhang.id], li)
    assert db.session.scalar(select(AttendanceRecord.employee_id)) == zhang.id
    assert db.session.scalar(select(WorkLog.author_id)) == zhang.id


def test_a_page_is_the_same_slice_of_the_rows_with_and_without_a_status(db):
    people = []
    for i in range(7):
        person = make_employee(f"page{i}", real_name=f"员工{i}")
        people.append((person.id, person.real_name, ""))
        for day in (date(2026, 6, 1), date(2026, 6, 3), FRIDAY, date(2026, 6, 6)):  # 6 June is a Saturday
            attendance.check_in(person, "1.1.1.1", now=_at(day, "09:00:00" if i % 2 else "09:05:00"))
            if i % 3:
                attendance.check_out(person, "1.1.1.1", now=_at(day, "18:00:00" if i % 4 else "17:00:00"))
    start, end = date(2026, 6, 1), date(2026, 6, 7)
    for status in (None, "迟到", "缺勤", "未签退", "休息日", "正常"):
        every = [(r.day, r.employee_id, r.status, r.record_id) for r in attendance.day_rows(people, start, end,
                                                                                           status, now=EVENING)]
        for offset, limit in ((0, 5), (5, 5), (30, 50), (len(every), 5)):
            total, rows = attendance.day_page(people, start, end, status, offset, limit, now=EVENING)
            assert total == len(every)
            assert [(r.day, r.employee_id, r.status, r.record_id) for r in rows] == every[offset:offset + limit]
    assert len(attendance.day_rows(people, start, end, now=EVENING)) == 7 * 5 + 7  # five work days and Saturday
