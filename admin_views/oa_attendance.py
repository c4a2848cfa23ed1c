"""办公OA > 员工考勤 and 考勤设置 (8.6); 考勤签到/考勤签退 in the page header."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user, login_required
from sqlalchemy import select

from admin_views.base import SecuredView, parse_id, send_temporary_xlsx
from admin_views.oa_journals import CONFIRM_JS
from admin_views.transactions import committed
from app.extensions import db
from app.security.permissions import Screen, can
from app.security.scope import can_see_owner, visible_owner_ids
from app.services import workdays
from app.services.errors import DomainError
from app.services.excel import write_workbook
from app.services.oa import attendance
from app.timeutil import format_local, local_today
from models.accounts import Employee
from models.base_data import Department

WEEKDAYS = "一二三四五六日"
PAGE_SIZE = 50
header_bp = Blueprint("attendance_header", __name__)


def _back() -> str:
    target = request.referrer or ""
    host = request.host_url
    if target.startswith(host):
        return "/" + target[len(host):]
    return url_for("admin.index")


@header_bp.route("/attendance/check-in", methods=["POST"])
@login_required
def check_in():
    if not can("attendance.view"):
        abort(403)
    record = attendance.check_in(current_user, request.remote_addr)
    db.session.commit()
    flash(f"签到成功，今天的签到时间：{format_local(record.check_in_at, '%H:%M:%S')}", "success")
    return redirect(_back())


@header_bp.route("/attendance/check-out", methods=["POST"])
@login_required
def check_out():
    if not can("attendance.view"):
        abort(403)
    record = attendance.check_out(current_user, request.remote_addr)
    db.session.commit()
    flash(f"签退成功，今天的签退时间：{format_local(record.check_out_at, '%H:%M:%S')}", "success")
    return redirect(_back())


@header_bp.app_context_processor
def attendance_header():
    def today():
        return attendance.today_record(current_user.id)

    def coverage_warning():
        """For administrators (考勤设置): this or next year outside the holiday data."""
        if not can("attendance_settings.edit"):
            return None
        return workdays.coverage_warning(local_today())

    return {"attendance_today": today, "workday_coverage_warning": coverage_warning}


def _date_arg(name: str, default: date) -> date:
    try:
        return date.fromisoformat((request.args.get(name) or "").strip()[:10])
    except ValueError:
        return default


class AttendanceView(SecuredView):
    screen = Screen("attendance", "员工考勤", "办公OA", ("view", "edit", "export"), scoped=True)
    extra_js = CONFIRM_JS

    def __init__(self, model=None, **kwargs):
        super().__init__(**kwargs)

    def _employees(self, employee_id=None, department_id=None):
        owners = visible_owner_ids(current_user, "attendance")
        query = (select(Employee.id, Employee.real_name, Department.name).outerjoin(Department)
                 .where(Employee.is_enabled.is_(True)).order_by(Employee.real_name, Employee.id))
        if owners is not None:
            query = query.where(Employee.id.in_(sorted(owners)))
        if employee_id:
            query = query.where(Employee.id == employee_id)
        if department_id:
            query = query.where(Employee.department_id == department_id)
        return [(i, name, dept or "") for i, name, dept in db.session.execute(query)]

    def _query(self, page: int | None = None):
        """(filters, rows, error, everyone, total): every row, or with `page` only that page's (the last when past
        it)."""
        today = local_today()
        args = {"start": _date_arg("start", today.replace(day=1)), "end": _date_arg("end", today),
                "employee_id": parse_id(request.args.get("employee_id")),
                "department_id": parse_id(request.args.get("department_id")),
                "status": request.args.get("status") if request.args.get("status") in attendance.QUERY_STATUSES
                else None}
        everyone = self._employees()
        employees = everyone if not (args["employee_id"] or args["department_id"]) else self._employees(
            args["employee_id"], args["department_id"])
        rows, total, error = [], 0, None
        try:
            if page is None:
                rows = attendance.day_rows(employees, args["start"], args["end"], args["status"])
                total = len(rows)
            else:
                total, rows = attendance.day_page(employees, args["start"], args["end"], args["status"],
                                                  (page - 1) * PAGE_SIZE, PAGE_SIZE)
                if not rows and total:  # past the last page: show the last
                    page = -(-total // PAGE_SIZE)
                    total, rows = attendance.day_page(employees, args["start"], args["end"], args["status"],
                                                      (page - 1) * PAGE_SIZE, PAGE_SIZE)
        except DomainError as exc:
            error = exc.message
        return args, rows, error, everyone, total

    @expose("/")
    def index(self):
        page = parse_id(request.args.get("page")) or 1
        args, rows, error, people, total = self._query(page)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(page, pages)
        departments = db.session.scalars(select(Department).order_by(Department.sort_order, Department.id)).all()
        query_args = {k: v for k, v in request.args.items() if k != "page"}
        return self.render("admin/oa/attendance.html", rows=rows,
                           total=total, page=page, pages=pages, args=args, error=error, people=people,
                           departments=departments, statuses=attendance.QUERY_STATUSES, weekdays=WEEKDAYS,
                           query_args=query_args, may_edit=self.allowed("edit"),
                           may_export=self.allowed("export"))

    @expose("/export.xlsx")
    def export(self):
        self.require("export")
        args, rows, error, _people, _total = self._query()
        if error:
            flash(error, "error")
            return redirect(url_for(".index", **request.args))
        headers = ["考勤日期", "姓名", "部门", "上班时间", "下班时间", "考勤状态", "上班签到IP", "下班签到IP"]
        data = ([f"{r.day:%Y-%m-%d}(星期{WEEKDAYS[r.day.weekday()]})", r.name, r.department,
                 format_local(r.check_in, "%H:%M:%S"), format_local(r.check_out, "%H:%M:%S"), r.status,
                 r.check_in_ip or "", r.check_out_ip or ""] for r in rows)
        path = write_workbook([("员工考勤", headers, data)])
        return send_temporary_xlsx(path, f"员工考勤{args['start']:%Y%m%d}-{args['end']:%Y%m%d}")

    @expose("/modify", methods=("GET", "POST"))
    def modify(self):
        self.require("edit")
        employee_id = parse_id(request.values.get("employee_id"))
        try:
            day = date.fromisoformat((request.values.get("day") or "")[:10])
        except ValueError:
            abort(404)
        employee = db.session.get(Employee, employee_id or 0)
        if employee is None or not can_see_owner(current_user, "attendance", employee.id):
            abort(404)
        if request.method == "POST":
            with committed("考勤已修改") as outcome:
                attendance.modify(current_user, employee.id, day, request.form.get("status", ""),
                                  request.form.get("reason", ""))
            if not outcome.failed:
                return redirect(url_for(".index", start=day, end=day))
        rows = attendance.day_rows([(employee.id, employee.real_name, "")], day, day)
        return self.render("admin/oa/attendance_modify.html", employee=employee, day=day,
                           row=rows[0] if rows else None, statuses=attendance.MANUAL_STATUSES,
                           changes=attendance.changes_of(employee.id, day), weekdays=WEEKDAYS)


class AttendanceSettingsView(SecuredView):
    screen = Screen("attendance_settings", "考勤设置", "办公OA", ("view", "edit"))

    def __init__(self, model=None, **kwargs):
        super().__init__(**kwargs)

    @expose("/", methods=("GET", "POST"))
    def index(self):
        values = None
        if request.method == "POST":
            self.require("edit")
            values = request.form.to_dict()
            values["weekdays"] = request.form.getlist("weekdays")
            with committed("考勤设置已保存") as outcome:
                attendance.save_settings(values)
            if not outcome.failed:
                return redirect(url_for(".index"))
        settings = attendance.get_settings()
        holidays, extra = attendance.special_days()
        return self.render("admin/oa/attendance_settings.html", settings=settings, values=values,
                           holidays="\n".join(f"{d:%Y-%m-%d}" for d in sorted(holidays)),
                           extra="\n".join(f"{d:%Y-%m-%d}" for d in sorted(extra)), weekdays=WEEKDAYS,
                           warning=workdays.coverage_warning(local_today()), can_edit=self.allowed("edit"))
