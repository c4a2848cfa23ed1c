"""`flask --app wsgi crm ...`: init, create-admin, demo data."""

import click
from flask import current_app
from flask.cli import AppGroup
from flask_migrate import upgrade

from app.config import INSTANCE_DIR
from app.extensions import db
from app.security.files import admin_password_file, forget_admin_password, write_private

crm_cli = AppGroup("crm", help="星烛客户管理系统 maintenance commands.")
ADMIN_PASSWORD_FILE = admin_password_file(INSTANCE_DIR)


@crm_cli.command("init")
def init_command():
    """Create or upgrade the schema, seed the defaults and the admin account (idempotent)."""
    from werkzeug.security import check_password_hash

    from app.services.orders import sums
    from app.services.seed import ensure_admin, seed_defaults

    _create_missing_database()
    upgrade()
    seed_defaults()
    admin, password = ensure_admin()
    if sums.fill_missing():
        click.echo("已按订单重新计算订单金额汇总")
    db.session.commit()
    if password:
        forget_admin_password(INSTANCE_DIR)  # a note left from an earlier database
        write_private(ADMIN_PASSWORD_FILE, password)
    click.echo(f"数据库已就绪：{_safe_url()}")
    noted = ADMIN_PASSWORD_FILE.read_text().strip() if ADMIN_PASSWORD_FILE.exists() else None
    if noted and check_password_hash(admin.password_hash, noted):
        click.echo(f"管理员账号：{admin.username}  初始密码：{noted}（登录后请在右上角“修改密码”中修改）")
    else:
        forget_admin_password(INSTANCE_DIR)  # changed since it was noted: the note is no longer true
        click.echo(f"管理员账号：{admin.username}  初始密码已修改，请使用修改后的密码登录")


@crm_cli.command("create-admin")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--name", "real_name", default="系统管理员")
def create_admin_command(username, password, real_name):
    """Create another superadmin account."""
    from sqlalchemy import select

    from app.services.accounts import check_password_policy, hash_password
    from app.services.errors import DomainError
    from models.accounts import Employee, Role

    try:
        check_password_policy(password, username)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    if db.session.scalar(select(Employee.id).where(Employee.username == username)):
        raise click.ClickException(f"用户名“{username}”已存在")
    role = db.session.scalar(select(Role).where(Role.is_superadmin.is_(True)))
    db.session.add(Employee(username=username, real_name=real_name, password_hash=hash_password(password),
                            role=role))
    db.session.commit()
    click.echo(f"已创建超级管理员账号 {username}")


@crm_cli.command("demo")
@click.option("--products", default=200, show_default=True, help="产品数量")
@click.option("--employees", default=12, show_default=True, help="员工数量")
@click.option("--customers", default=1000, show_default=True, help="客户数量")
@click.option("--follow-ups", "follow_ups", default=3000, show_default=True, help="联系记录数量")
@click.option("--orders", default=200, show_default=True, help="订单数量（各状态，部分已回款）")
@click.option("--quotes", default=40, show_default=True, help="报价单数量")
@click.option("--seed", default=2026, show_default=True)
@click.option("--append", is_flag=True, help="数据库里已有客户时仍再添加一批演示数据")
def demo_command(products, employees, customers, follow_ups, orders, quotes, seed, append):
    """Fill realistic Chinese demo data (fast enough for benchmark volumes)."""
    from sqlalchemy import func, select

    from app.services.demo import DemoBuilder
    from models.customers import Customer

    existing = db.session.scalar(select(func.count()).select_from(select(Customer.id).limit(1).subquery()))
    if existing and not append:
        raise click.ClickException(
            "数据库里已有客户数据，演示数据未添加。要再添加一批请加 --append（make demo DEMO_ARGS=--append）；"
            "要从空库开始，请先在“系统初始化”中清空，或换一个新的数据库")

    builder = DemoBuilder(seed=seed)
    made = builder.employees(employees)
    click.echo(f"员工：{made}")
    made = builder.products(products, progress=lambda n: click.echo(f"  产品 {n}…"))
    click.echo(f"产品：{made}")
    from app.services.customer_demo import CustomerDemoBuilder

    made = CustomerDemoBuilder(seed=seed).customers(
        customers, follow_ups, progress=lambda n, f: n % 50000 == 0 and click.echo(f"  客户 {n}，联系记录 {f}…"))
    click.echo(f"客户：{made[0]}，联系记录：{made[1]}")
    from app.services.order_demo import OrderDemoBuilder

    made = OrderDemoBuilder(seed=seed).orders(orders, quotes)
    db.session.commit()
    click.echo(f"订单：{made[0]}，报价单：{made[1]}")


@crm_cli.command("rebuild-order-sums")
def rebuild_order_sums_command():
    """Recompute the daily 订单金额汇总 buckets (after changing DISPLAY_TIMEZONE or loading orders in bulk)."""
    from app.services.orders import sums

    buckets = sums.rebuild()
    db.session.commit()
    click.echo(f"已重算订单金额汇总：{buckets} 个日汇总")


def _create_missing_database() -> None:
    """A PostgreSQL database named in DATABASE_URL that does not exist yet is created (the server must run);
    SQLite creates its file by itself, and SQL Server databases are created by their administrator."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    url = db.engine.url
    if url.get_backend_name() != "postgresql":
        return
    try:
        with db.engine.connect():
            return
    except OperationalError as exc:
        if f'database "{url.database}" does not exist' not in str(exc):
            raise click.ClickException(f"无法连接数据库 {_safe_url()}：请确认 PostgreSQL 已启动、地址和账号正确") from None
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            name = connection.dialect.identifier_preparer.quote(url.database)
            connection.execute(text(f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0"))
    except OperationalError as exc:
        raise click.ClickException(
            f"数据库 {url.database} 不存在，且无法自动创建（{type(exc.orig).__name__}）：请让数据库管理员执行 "
            f"CREATE DATABASE {url.database}; 后再运行") from None
    finally:
        server.dispose()
    click.echo(f"已创建数据库 {url.database}")


def _safe_url() -> str:
    url = db.engine.url
    return url.render_as_string(hide_password=True) if url else current_app.config["SQLALCHEMY_DATABASE_URI"]
