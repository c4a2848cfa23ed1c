"""办公OA (manual ch. 8): 提醒中心 producers, 工作日志, 公告, 日程, 工作计划, 员工考勤.

The seeded roles get these permissions (app/services/seed.py); record-owning OA screens use the role's 数据范围
for the modules in SCOPED_MODULES, so a 经理 reads and comments on the logs, schedules and attendance of the
roles below theirs.
"""

SCOPED_MODULES = ("worklog", "schedule", "work_plan", "attendance")

STAFF_PERMISSIONS = [
    "reminder.view", "reminder.delete",
    "worklog.view", "worklog.add", "worklog.edit", "worklog.delete",
    "work_plan.view", "work_plan.add", "work_plan.edit", "work_plan.delete",
    "announcement.view",
    "schedule.view", "schedule.add", "schedule.edit", "schedule.delete",
    "attendance.view",
]
MANAGER_PERMISSIONS = STAFF_PERMISSIONS + ["worklog.comment", "work_plan.comment", "attendance.edit",
                                           "attendance.export"]
