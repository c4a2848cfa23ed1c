"""Employees (system accounts), roles, permissions and the login log (manual 3.5-3.7, 9.1-9.4)."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import DateTime, Enum, ForeignKey, String, Unicode
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from models.base import TimestampMixin, utcnow
from models.base_data import Department
from models.enums import DataScope


class Role(db.Model):
    __tablename__ = "roles"
    __table_args__ = {"info": {"label": "系统角色"}}
    SUPERADMIN_NAME = "超级管理员"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Unicode(50), unique=True, nullable=False)
    description: Mapped[str | None] = mapped_column(Unicode(200))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    department: Mapped[Department | None] = relationship()
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("roles.id"))
    parent: Mapped["Role | None"] = relationship(remote_side=[id], backref="children")
    is_superadmin: Mapped[bool] = mapped_column(default=False, nullable=False)
    permissions: Mapped[list["RolePermission"]] = relationship(
        cascade="all, delete-orphan", back_populates="role"
    )
    data_scopes: Mapped[list["RoleDataScope"]] = relationship(
        cascade="all, delete-orphan", back_populates="role"
    )

    def __str__(self) -> str:
        return self.name


class RolePermission(db.Model):
    __tablename__ = "role_permissions"
    __table_args__ = {"info": {"owned": True}}
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(80), primary_key=True)
    role: Mapped[Role] = relationship(back_populates="permissions")


class RoleDataScope(db.Model):
    __tablename__ = "role_data_scopes"
    __table_args__ = {"info": {"owned": True}}
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id"), primary_key=True)
    module: Mapped[str] = mapped_column(String(40), primary_key=True)
    scope: Mapped[DataScope] = mapped_column(
        Enum(DataScope, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        nullable=False,
    )
    role: Mapped[Role] = relationship(back_populates="data_scopes")


class Employee(UserMixin, TimestampMixin, db.Model):
    """A system account. Accounts are 停用 (disabled), not deleted, once they own records."""

    __tablename__ = "employees"
    __table_args__ = {"info": {"label": "员工"}}
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True, nullable=False)
    real_name: Mapped[str] = mapped_column(Unicode(50), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(256), nullable=False)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    department: Mapped[Department | None] = relationship()
    role_id: Mapped[int | None] = mapped_column(ForeignKey("roles.id"), index=True)
    role: Mapped[Role | None] = relationship()
    office_phone: Mapped[str | None] = mapped_column(String(50))
    mobile: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(100))
    is_enabled: Mapped[bool] = mapped_column(default=True, nullable=False)

    @property
    def is_active(self) -> bool:
        return self.is_enabled

    def __str__(self) -> str:
        return self.real_name


class LoginLog(db.Model):
    """系统登录日志: every attempt, successful or not (manual 9.4)."""

    __tablename__ = "login_logs"
    __table_args__ = {"info": {"owned": True}}
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False, index=True)
    username: Mapped[str] = mapped_column(Unicode(50), nullable=False, index=True)
    employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"), index=True
    )
    ip: Mapped[str] = mapped_column(String(45), nullable=False, index=True)
    user_agent: Mapped[str | None] = mapped_column(Unicode(300))
    success: Mapped[bool] = mapped_column(nullable=False)
    reason: Mapped[str | None] = mapped_column(Unicode(100))
