"""Self-service pages every logged-in employee has: 修改密码 (old password required)."""

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, request, url_for
from flask_login import current_user, login_required, login_user

from app.extensions import db
from app.security import sessions
from app.security.permissions import can
from app.security.urls import safe_return_url
from app.services import reminders as reminder_service
from app.services.accounts import change_password
from app.services.errors import DomainError, ValidationFailed
from app.timeutil import format_local
from models.reminders import Reminder

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    error = None
    if request.method == "POST":
        try:
            if request.form.get("new_password") != request.form.get("confirm_password"):
                raise ValidationFailed("两次输入的新密码不一致")
            change_password(current_user, request.form.get("new_password", ""),
                            old_password=request.form.get("old_password", ""))
            employee = current_user._get_current_object()
            sessions.start(employee)  # every other session of the account has just ended; this browser stays
            db.session.commit()
            login_user(employee)
            flash("密码已修改", "success")
            return redirect(url_for("admin.index"))
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
    return _with_menu("account/password.html", employee=current_user, error=error)


def _with_menu(template: str, **context):
    """A personal page inside the admin layout (left menu, top bar), rendered by the home view."""
    return current_app.extensions["admin"][0].index_view.render(template, **context)


@bp.route("/reminders")
@login_required
def reminders():
    if can("reminder.view"):
        return redirect(url_for("reminder.index_view"))
    items = reminder_service.latest(current_user.id, limit=50)
    return _with_menu("account/reminders.html", items=items)


@bp.route("/reminders/<int:reminder_id>/read", methods=["POST"])
@login_required
def read_reminder(reminder_id):
    """Mark one of my reminders read and go to what it is about (others' ids change nothing)."""
    reminder = db.session.get(Reminder, reminder_id)
    if reminder is None or reminder.employee_id != current_user.id:
        abort(404)
    reminder_service.mark_read(current_user.id, reminder_id)
    db.session.commit()
    return redirect(safe_link(reminder.link))


def safe_link(link: str | None) -> str:
    """A reminder's link inside this site, or the reminder list."""
    return safe_return_url(link, url_for("account.reminders"))


@bp.route("/reminders/poll")
def poll_reminders():
    """The pop-up's short poll: the unread count and unread reminders newer than `after` (JSON).

    A page whose login has ended gets a bare 401, not the login page: following a redirect there (and the
    "please log in" flash) would give the browser a new cookie session, replacing the one of a login form
    open in another tab, whose submission would then fail as "页面已过期".
    """
    if not current_user.is_authenticated:
        return jsonify({"error": "登录已超时，请重新登录"}), 401
    text = request.args.get("after", "")
    after = int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else 0
    items = reminder_service.unread_since(current_user.id, after)
    return jsonify({
        "unread": reminder_service.unread_count(current_user.id),
        "latest": reminder_service.latest_id(current_user.id),
        "items": [{"id": r.id, "kind": reminder_service.kind_label(r.kind), "title": r.title, "body": r.body or "",
                   "time": format_local(r.created_at, "%m-%d %H:%M"), "pinned": r.kind == "announcement",
                   "open_url": url_for("account.read_reminder", reminder_id=r.id)} for r in items],
    })


@bp.route("/reminders/read-all", methods=["POST"])
@login_required
def read_all_reminders():
    count = reminder_service.mark_read(current_user.id)
    db.session.commit()
    flash(f"已将 {count} 条提醒标记为已读", "success")
    return redirect(url_for("account.reminders"))


@bp.app_context_processor
def reminder_popup():
    return {"reminder_poll_seconds": current_app.config.get("REMINDER_POLL_SECONDS", 30)}


@bp.app_context_processor
def reminder_badge():
    if current_user.is_authenticated:
        return {"unread_reminders": reminder_service.unread_count(current_user.id)}
    return {"unread_reminders": 0}
