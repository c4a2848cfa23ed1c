"""办公OA > 日程管理 (8.4): month (default), week and day views rendered on the server, click a day to add,
click an entry to edit or delete; superiors pick a subordinate or 全部; the secret iCalendar feed."""

import calendar as month_calendar
from datetime import date, datetime, timedelta

from flask import Blueprint, Response, abort, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select

from admin_views.base import SecuredView, parse_id
from admin_views.oa_journals import CONFIRM_JS
from admin_views.rich_text import StaticUrl
from admin_views.transactions import committed
from app.extensions import db
from app.security.permissions import Screen
from app.security.scope import can_see_owner, visible_owner_ids
from app.services.errors import Forbidden
from app.services.oa import calendar as calendar_service
from app.services.oa import calendar_feed, calendar_grid
from app.services.oa.calendar_grid import covered_days
from app.timeutil import local_today, to_local
from models.accounts import Employee
from models.oa_calendar import CalendarEvent, Repeat

WEEKDAYS = "一二三四五六日"
MONTH_LIMIT, WEEK_LIMIT = 4, 50  # entries shown per day cell; the rest are counted (还有 N 项)
feed_bp = Blueprint("calendar_feed", __name__)


@feed_bp.route("/calendar-feed/<token>.ics")
def ics_feed(token):
    """The subscription URL phones poll (no login: the secret in the URL is the key)."""
    feed = calendar_feed.by_token(token)
    if feed is None:
        abort(404)
    body = calendar_feed.ics(feed.employee_id, request.host.split(":")[0])
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, max-age=300"})


def _day(text) -> date:
    try:
        return date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return local_today()


class ScheduleView(SecuredView):
    screen = Screen("schedule", "日程管理", "办公OA", ("view", "add", "edit", "delete"), scoped=True)
    extra_js = [StaticUrl("js/calendar.js")] + CONFIRM_JS

    def __init__(self, model=None, **kwargs):
        super().__init__(**kwargs)

    # Whose events -------------------------------------------------------------------------------
    def _owner_choice(self):
        """'' (mine), 'all' (everyone in scope) or an employee id in scope; others' ids are 404."""
        value = request.args.get("owner", "")
        if value == "all":
            return "all", visible_owner_ids(current_user, "schedule")
        owner_id = parse_id(value) if value else current_user.id
        if owner_id is None or not can_see_owner(current_user, "schedule", owner_id):
            abort(404)
        return str(owner_id) if value else "", {owner_id}

    def _people(self) -> list[tuple[int, str]]:
        owners = visible_owner_ids(current_user, "schedule")
        query = select(Employee.id, Employee.real_name).where(Employee.is_enabled.is_(True)).order_by(
            Employee.real_name)
        if owners is not None:
            query = query.where(Employee.id.in_(sorted(owners)))
        return [tuple(row) for row in db.session.execute(query)]

    def _event(self, event_id) -> CalendarEvent:
        event = db.session.get(CalendarEvent, parse_id(event_id) or 0)
        if event is None or not can_see_owner(current_user, "schedule", event.owner_id):
            abort(404)
        return event

    # Views ----------------------------------------------------------------------------------------
    @expose("/")
    def index(self):
        mode = request.args.get("view", "month")
        if mode not in ("month", "week", "day"):
            mode = "month"
        day = _day(request.args.get("date"))
        owner_arg, owners = self._owner_choice()
        if mode == "month":
            first = day.replace(day=1)
            start = first - timedelta(days=first.weekday())
            last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
            end = last + timedelta(days=7 - last.weekday())
            prev_day, next_day = (first - timedelta(days=1)).replace(day=1), last + timedelta(days=1)
            heading = f"{first.year} 年 {first.month} 月"
        elif mode == "week":
            start = day - timedelta(days=day.weekday())
            end = start + timedelta(days=7)
            prev_day, next_day = start - timedelta(days=7), end
            heading = f"{start:%Y-%m-%d} 至 {end - timedelta(days=1):%Y-%m-%d}"
        else:
            start, end = day, day + timedelta(days=1)
            prev_day, next_day = day - timedelta(days=1), end
            heading = f"{day:%Y-%m-%d} 星期{WEEKDAYS[day.weekday()]}"
        days = [start + timedelta(days=i) for i in range((end - start).days)]
        if mode == "day":  # the day's whole list
            found = calendar_service.events_between(owners, datetime.combine(start, datetime.min.time()),
                                                    datetime.combine(end, datetime.min.time()))
            cells = {day: calendar_grid.DayCell(items=[o for o in found if covered_days(o.start, o.end)[1] >= day])}
        else:  # each cell shows its first entries and counts the rest (还有 N 项)
            cells = calendar_grid.grid(owners, start, end - timedelta(days=1), MONTH_LIMIT if mode == "month"
                                       else WEEK_LIMIT)
        shown = {o.event.owner_id for cell in cells.values() for o in cell.items}
        names = dict(db.session.execute(select(Employee.id, Employee.real_name)
                                        .where(Employee.id.in_(shown))).all()) if shown else {}
        nav = {"owner": owner_arg} if owner_arg else {}
        # URLs per cell and entry from prefixes: url_for per entry was a tenth of a busy month's time.
        urls = {"edit": url_for(".index") + "edit/", "new": url_for(".create") + "?date=",
                "day": url_for(".index", view="day", **nav) + "&date="}
        return self.render("admin/oa/schedule.html", mode=mode, day=day, days=days, cells=cells,
                           weeks=[days[i:i + 7] for i in range(0, len(days), 7)], heading=heading,
                           month=day.month, today=local_today(), names=names, nav=nav, owner_arg=owner_arg,
                           urls=urls,
                           people=self._people(), prev_url=url_for(".index", view=mode, date=prev_day, **nav),
                           next_url=url_for(".index", view=mode, date=next_day, **nav),
                           weekdays=WEEKDAYS, show_owner=owner_arg == "all" or (owner_arg and int(owner_arg)
                                                                               != current_user.id))

    def _form_page(self, event=None, values=None, error=None):
        own = event is None or event.owner_id == current_user.id
        return self.render("admin/oa/schedule_form.html", event=event, values=values, error=error, own=own,
                           repeats=[(r.value, r.label) for r in Repeat], reminds=calendar_service.REMIND_CHOICES,
                           owner=db.session.get(Employee, event.owner_id) if event else current_user)

    @staticmethod
    def _values_of(event: CalendarEvent) -> dict:
        start, end = to_local(event.starts_at), to_local(event.ends_at)
        return {"title": event.title, "location": event.location or "", "description": event.description or "",
                "start_date": f"{start:%Y-%m-%d}", "start_time": f"{start:%H:%M}", "end_date": f"{end:%Y-%m-%d}",
                "end_time": f"{end:%H:%M}", "all_day": event.all_day, "repeat": event.repeat,
                "repeat_until": f"{event.repeat_until:%Y-%m-%d}" if event.repeat_until else "",
                "remind_minutes": "" if event.remind_minutes is None else str(event.remind_minutes)}

    @expose("/new", methods=("GET", "POST"))
    def create(self):
        self.require("add")
        if request.method == "POST":
            with committed("日程已添加") as outcome:
                event = calendar_service.save_event(current_user, request.form.to_dict())
            if not outcome.failed:
                return redirect(url_for(".index", date=to_local(event.starts_at).date()))
            return self._form_page(values=request.form.to_dict(), error=outcome.error)
        day = _day(request.args.get("date"))
        return self._form_page(values={"start_date": f"{day:%Y-%m-%d}", "end_date": f"{day:%Y-%m-%d}",
                                       "start_time": "09:00", "end_time": "10:00", "remind_minutes": "15",
                                       "repeat": "none"})

    @expose("/edit/<event_id>", methods=("GET", "POST"))
    def edit(self, event_id):
        event = self._event(event_id)
        if request.method == "POST":
            self.require("edit")
            if event.owner_id != current_user.id:
                abort(403)
            with committed("日程已保存") as outcome:
                calendar_service.save_event(current_user, request.form.to_dict(), event)
            if not outcome.failed:
                return redirect(url_for(".index", date=to_local(event.starts_at).date()))
            return self._form_page(event, request.form.to_dict(), outcome.error)
        return self._form_page(event, self._values_of(event))

    @expose("/delete/<event_id>", methods=("POST",))
    def delete(self, event_id):
        self.require("delete")
        event = self._event(event_id)
        day = to_local(event.starts_at).date()
        with committed("日程已删除") as outcome:
            calendar_service.delete_event(current_user, event)
        if isinstance(outcome.exception, Forbidden):
            abort(403)
        return redirect(url_for(".index", date=day))

    # iCalendar feed ------------------------------------------------------------------------------
    @expose("/feed", methods=("GET", "POST"))
    def feed(self):
        if request.method == "POST":
            with committed() as outcome:
                if request.form.get("do") == "revoke":
                    calendar_feed.revoke(current_user.id)
                    outcome.message = "订阅地址已停用"
                else:
                    calendar_feed.renew(current_user.id)
                    outcome.message = "已生成新的订阅地址，旧地址已失效"
            return redirect(url_for(".feed"))
        row = calendar_feed.feed_of(current_user.id)
        url = url_for("calendar_feed.ics_feed", token=row.token, _external=True) if row else None
        return self.render("admin/oa/schedule_feed.html", url=url)
