"""Login page with image captcha, logout, and the Flask-Login user loader (manual ch. 2)."""

import io
import secrets
from datetime import timedelta

from captcha.image import ImageCaptcha
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from werkzeug.middleware.proxy_fix import ProxyFix
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from app.extensions import db, login_manager
from app.security import sessions
from app.services.accounts import LoginAttempt, LoginRefused, authenticate

bp = Blueprint("auth", __name__)

CAPTCHA_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I look-alikes
SESSION_EXPIRED = "登录已超时，请重新登录"


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=50)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=128)])
    captcha = StringField("验证码", validators=[DataRequired("请输入验证码"), Length(max=8)])


def init_login(app) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录系统"
    login_manager.login_message_category = "warning"
    # Flask refuses a cookie signed longer ago than this; the login session row has the final word.
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=app.config["LOGIN_SESSION_MAX_HOURS"])
    if app.config["PROXY_COUNT"] > 0:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


@login_manager.user_loader
def load_user(user_id: str):
    return sessions.current_employee(user_id)


def _captcha_ok(answer: str) -> bool:
    answer = (answer or "").strip().upper()
    matched = sessions.consume_captcha(answer)  # one try per image, whatever the answer
    test_code = current_app.config.get("CAPTCHA_TEST_CODE")
    return matched or bool(test_code and answer == test_code.upper())


@bp.route("/captcha.png")
def captcha_image():
    code = "".join(secrets.choice(CAPTCHA_ALPHABET) for _ in range(4))
    sessions.new_captcha(code)
    image = ImageCaptcha(width=120, height=44, font_sizes=(32, 36)).generate(code)
    response = current_app.response_class(io.BytesIO(image.read()), mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"
    return response


def _safe_next(target: str | None) -> str:
    from app.security.urls import safe_return_url

    return safe_return_url(target, url_for("admin.index"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm()
    error = SESSION_EXPIRED if request.method == "GET" and session.pop(sessions.EXPIRED_KEY, None) else None
    if request.method == "POST":
        if form.validate_on_submit():
            attempt = LoginAttempt(
                username=form.username.data.strip(),
                password=form.password.data,
                ip=request.remote_addr or "unknown",
                user_agent=request.user_agent.string,
            )
            captcha_ok = _captcha_ok(form.captcha.data)
            try:
                employee = authenticate(attempt, captcha_ok)
            except LoginRefused as refused:
                db.session.commit()  # the failed attempt stays in the login log
                error = refused.message
            else:
                next_url = _safe_next(request.args.get("next"))
                sessions.start(employee)  # a fresh cookie session at every login (no fixation)
                db.session.commit()
                login_user(employee)
                generate_csrf()
                flash(f"欢迎您，{employee.real_name}", "success")
                return redirect(next_url)
        else:
            _captcha_ok("")  # an invalid form uses up its captcha too
            db.session.commit()
            expired = "csrf_token" in form.errors
            error = "页面已过期，请刷新页面后重新登录" if expired else next(iter(form.errors.values()))[0]
    return render_template("auth/login.html", form=form, error=error)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    sessions.end()
    db.session.commit()
    flash("您已安全退出系统", "info")
    return redirect(url_for("auth.login"))
