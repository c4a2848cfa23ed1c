"""Self-service pages every logged-in employee has: 修改密码 (old password required)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user

from app.extensions import db
from app.services.accounts import change_password
from app.services.errors import DomainError, ValidationFailed

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
            db.session.commit()
            login_user(current_user._get_current_object())  # keep this browser logged in with the new session version
            flash("密码已修改", "success")
            return redirect(url_for("admin.index"))
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
    return render_template("account/password.html", employee=current_user, error=error)
