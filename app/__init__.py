"""Application factory of 星烛客户管理系统."""

import logging

from flask import Flask, render_template, url_for
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app import sqlite_transactions  # noqa: F401  (BEGIN IMMEDIATE for SQLite writers)
from app.config import INSTANCE_DIR, PROJECT_ROOT, load_config
from app.extensions import babel, csrf, db, login_manager, mail, migrate
from app.replica import init_replica
from app.security.files import private_dir, restrict_new_files
from app.security.headers import init_headers

log = logging.getLogger(__name__)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL and foreign keys for the embedded SQLite database (no effect on other databases)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def create_app(config_overrides: dict | None = None) -> Flask:
    restrict_new_files()  # before anything is written under the instance folder
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "app" / "static"),
        instance_path=str(INSTANCE_DIR),
    )
    app.config.update(load_config())
    if config_overrides:
        app.config.update(config_overrides)
    _check_config(app)
    private_dir(INSTANCE_DIR)

    db.init_app(app)
    init_replica(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    mail.init_app(app)
    babel.init_app(app, locale_selector=lambda: "zh_Hans_CN",
                   timezone_selector=lambda: app.config["DISPLAY_TIMEZONE"])
    login_manager.init_app(app)
    init_headers(app)

    import models  # noqa: F401  (registers every table on db.metadata)
    from app.security.login import bp as auth_bp
    from app.security.login import init_login

    init_login(app)
    app.register_blueprint(auth_bp)

    from admin_views import init_admin

    init_admin(app)

    from app.cli import crm_cli
    from jobs import register_cli

    register_cli()
    app.cli.add_command(crm_cli)
    _register_template_helpers(app)
    _register_error_pages(app)
    return app


def _check_config(app: Flask) -> None:
    if app.config.get("CAPTCHA_TEST_CODE") and not (app.config.get("TESTING") or app.debug
                                                   or app.config.get("DEBUG")):
        raise RuntimeError("CAPTCHA_TEST_CODE is only allowed with TESTING or DEBUG on")


def _register_template_helpers(app: Flask) -> None:
    from admin_views.menu import side_menu
    from app.security.permissions import can
    from app.services.money import yuan
    from app.timeutil import format_local

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["can"] = can
    app.jinja_env.globals["side_menu"] = side_menu  # cached per permission set and page
    app.jinja_env.filters["localtime"] = format_local
    app.jinja_env.filters["yuan"] = yuan  # {{ order.payable|yuan }} -> 1234.50


def _register_error_pages(app: Flask) -> None:
    messages = {
        400: "请求无效，请返回后重试",
        403: "您没有执行此操作的权限",
        404: "您访问的记录不存在或不在您的查看范围内",
        413: "上传的文件太大",
    }

    def handler(error):
        code = getattr(error, "code", 500)
        description = messages.get(code, "系统错误")
        if code == 400 and "CSRF" in str(getattr(error, "description", "")):
            description = "页面已过期或表单令牌无效，请刷新页面后重试"
        return render_template("error.html", code=code, message=description), code

    for code in messages:
        app.register_error_handler(code, handler)

    def database_unavailable(error):
        """The database is down, restarting or (SQLite) locked for too long: say so, save nothing.

        The pool drops the broken connection (and pre-pings the others), so the next request after the
        database is back works again without restarting the application.
        """
        from app.extensions import db

        app.logger.warning("database unavailable: %s", getattr(error, "orig", error))
        try:
            db.session.rollback()
        except Exception:  # the connection is already gone: start the next request on a fresh session
            db.session.remove()
        # Straight from the Jinja environment: the context processors (the logged-in user) would read the database.
        page = app.jinja_env.get_template("error.html").render(
            code=503, message="数据库暂时无法访问，您的操作未保存，请稍后重试", url_for=url_for)
        return page, 503

    from sqlalchemy.exc import OperationalError

    app.register_error_handler(OperationalError, database_unavailable)
