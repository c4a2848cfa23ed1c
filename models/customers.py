"""客户管理 (manual ch. 4): customers, their contacts, follow-ups, documents, sharing and history.

A customer with owner_id NULL is in the 公共客户池. Child tables are marked info={"owned": True}:
they go with their customer, so deleting a customer is refused only for rows of other modules
(orders, quotes, tickets) that refer to it.
"""

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Unicode,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from models.accounts import Employee
from models.base import SEARCH_TOKEN, utcnow
from models.base_data import ContactMethod, CustomerCategory, CustomerSource


def _enum(cls, length=20):
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e],
                validate_strings=True)


class Gender(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"

    @property
    def label(self) -> str:
        return {"male": "先生", "female": "女士"}[self.value]


class PoolReason(enum.StrEnum):
    """Why a customer is in the 公共客户池."""

    ABANDONED = "abandoned"
    RECYCLED = "recycled"
    IMPORTED = "imported"
    ASSIGNED = "unassigned"

    @property
    def label(self) -> str:
        return {"abandoned": "主动放弃", "recycled": "系统回收", "imported": "导入",
                "unassigned": "取消指派"}[self.value]


class FollowUpKind(enum.StrEnum):
    """联系类型 of a follow-up (figure 4-15)."""

    FIRST = "first"
    REVISIT = "revisit"
    PRESALES = "presales"
    AFTERSALES = "aftersales"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"first": "初次联系", "revisit": "客户回访", "presales": "售前咨询",
                "aftersales": "售后服务", "other": "其他"}[self.value]


class HistoryKind(enum.StrEnum):
    OWNER = "owner"
    CATEGORY = "category"
    POOL = "pool"

    @property
    def label(self) -> str:
        return {"owner": "客服专员", "category": "客户类别", "pool": "客户池"}[self.value]


class FieldType(enum.StrEnum):
    """Types of a 自定义字段 (manual 3.8.2)."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"

    @property
    def label(self) -> str:
        return {"text": "文本", "number": "数字", "date": "日期", "choice": "单选"}[self.value]


class Customer(db.Model):
    __tablename__ = "customers"
    __table_args__ = (
        Index("ix_customers_owner_id_id", "owner_id", "id"),
        Index("ix_customers_owner_activity", "owner_id", "owner_activity_at"),
        # 客户数量报表 over a 建档时间 range: the grouped columns beside the date, read without the table.
        Index("ix_customers_report", "created_at", "category_id", "owner_id", "source_id", "province"),
        # 按地区 (one province's cities and districts) and 按行业, with or without the 建档时间 range and 类别.
        Index("ix_customers_region", "province", "city", "district", "created_at", "category_id"),
        Index("ix_customers_industry", "industry", "created_at", "category_id"),
        {"info": {"label": "客户", "owner_column": "owner_id"}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(Unicode(100), nullable=False, index=True)
    pinyin: Mapped[str | None] = mapped_column(String(100))  # 名称拼音简码
    contact_name: Mapped[str | None] = mapped_column(Unicode(50))
    gender: Mapped[Gender | None] = mapped_column(_enum(Gender, 10))
    position: Mapped[str | None] = mapped_column(Unicode(50))
    birthday: Mapped[date | None] = mapped_column(Date)
    is_lunar_birthday: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # Month of the next solar birthday, for the 本月生日 quick view (lunar dates converted).
    birth_month: Mapped[int | None] = mapped_column(Integer, index=True)
    email: Mapped[str | None] = mapped_column(String(100), index=True)
    qq: Mapped[str | None] = mapped_column(String(50), index=True)
    phone: Mapped[str | None] = mapped_column(String(50))  # 固定电话
    mobile: Mapped[str | None] = mapped_column(String(50))  # 联系手机
    office_phone: Mapped[str | None] = mapped_column(String(50))
    fax: Mapped[str | None] = mapped_column(String(50))
    # Digits only, for duplicate checks that ignore spaces and dashes.
    phone_key: Mapped[str | None] = mapped_column(String(30), index=True)
    mobile_key: Mapped[str | None] = mapped_column(String(30), index=True)
    office_phone_key: Mapped[str | None] = mapped_column(String(30), index=True)
    fax_key: Mapped[str | None] = mapped_column(String(30), index=True)
    province: Mapped[str | None] = mapped_column(Unicode(20), index=True)
    city: Mapped[str | None] = mapped_column(Unicode(30), index=True)
    district: Mapped[str | None] = mapped_column(Unicode(30))
    address: Mapped[str | None] = mapped_column(Unicode(200))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("customer_categories.id"), index=True)
    category: Mapped[CustomerCategory | None] = relationship()
    source_id: Mapped[int | None] = mapped_column(ForeignKey("customer_sources.id"), index=True)
    source: Mapped[CustomerSource | None] = relationship()
    industry: Mapped[str | None] = mapped_column(Unicode(50))
    website: Mapped[str | None] = mapped_column(String(200))
    contract_start: Mapped[date | None] = mapped_column(Date)
    contract_end: Mapped[date | None] = mapped_column(Date, index=True)
    remark: Mapped[str | None] = mapped_column(Unicode(1000))
    creator_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)  # 建档客服
    creator: Mapped[Employee | None] = relationship(foreign_keys=[creator_id])
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow, nullable=False)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))  # 客服专员; NULL = 公共客户池
    owner: Mapped[Employee | None] = relationship(foreign_keys=[owner_id])
    last_contact_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)  # 最近一次联系
    next_contact_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)  # 预约联系时间
    # Pool bookkeeping: when the current owner got the customer or last followed it up (recycle clock).
    owner_activity_at: Mapped[datetime | None] = mapped_column(DateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)  # set when taken from the pool (我的领用)
    pool_entered_at: Mapped[datetime | None] = mapped_column(DateTime)
    pool_reason: Mapped[PoolReason | None] = mapped_column(_enum(PoolReason))
    recycle_warned_at: Mapped[datetime | None] = mapped_column(DateTime)

    contacts: Mapped[list["CustomerContact"]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", passive_deletes=True,
        order_by="CustomerContact.id")

    @property
    def in_pool(self) -> bool:
        return self.owner_id is None

    @property
    def phones(self) -> str:
        return " ".join(p for p in (self.phone, self.mobile, self.office_phone) if p)

    @property
    def region(self) -> str:
        return " ".join(p for p in (self.province, self.city, self.district) if p)

    def __str__(self) -> str:
        return self.name


class CustomerContact(db.Model):
    """联系人: several per customer; the 主联系人 comes from the customer form."""

    __tablename__ = "customer_contacts"
    __table_args__ = {"info": {"owned": True, "label": "联系人"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    customer: Mapped[Customer] = relationship(back_populates="contacts")
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    name: Mapped[str] = mapped_column(Unicode(50), nullable=False)
    gender: Mapped[Gender | None] = mapped_column(_enum(Gender, 10))
    department: Mapped[str | None] = mapped_column(Unicode(50))
    position: Mapped[str | None] = mapped_column(Unicode(50))
    phone: Mapped[str | None] = mapped_column(String(50))
    mobile: Mapped[str | None] = mapped_column(String(50))
    qq: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(100))
    birthday: Mapped[date | None] = mapped_column(Date)
    is_lunar_birthday: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    remark: Mapped[str | None] = mapped_column(Unicode(500))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    def __str__(self) -> str:
        return self.name


class FollowUp(db.Model):
    """联系记录 (figure 4-15); next_contact_at is the appointment shown in 等待回访客户."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        Index("ix_follow_ups_customer_id_contacted_at", "customer_id", "contacted_at"),
        Index("ix_follow_ups_due", "appointment_open", "next_contact_at"),
        # 联系记录 of a 销售员 or a 经理 (scope by 联系客服), newest first: page 1 from the index, not a sort of all;
        # 客户跟进报表 按员工 / 按部门 over a 联系时间 range: one employee's dates, read without the table.
        Index("ix_follow_ups_employee_id_contacted_at", "employee_id", "contacted_at"),
        {"info": {"owned": True, "label": "联系记录"}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), nullable=False)
    customer: Mapped[Customer] = relationship()
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("customer_contacts.id", ondelete="SET NULL"))
    contact_name: Mapped[str | None] = mapped_column(Unicode(50))
    contact_phone: Mapped[str | None] = mapped_column(String(50))
    method_id: Mapped[int | None] = mapped_column(ForeignKey("contact_methods.id", ondelete="SET NULL"))
    method: Mapped[ContactMethod | None] = relationship()
    contacted_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
    content: Mapped[str] = mapped_column(Unicode(2000), nullable=False)
    kind: Mapped[FollowUpKind] = mapped_column(_enum(FollowUpKind), nullable=False, default=FollowUpKind.REVISIT)
    next_contact_at: Mapped[datetime | None] = mapped_column(DateTime)
    next_goal: Mapped[str | None] = mapped_column(Unicode(500))
    # True while the appointment waits for the next follow-up of this customer (等待回访客户).
    appointment_open: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))  # 联系客服
    employee: Mapped[Employee | None] = relationship(foreign_keys=[employee_id])
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class CustomerDocument(db.Model):
    """合同文档: a named document with one or more uploaded files."""

    __tablename__ = "customer_documents"
    __table_args__ = {"info": {"owned": True, "label": "合同文档"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    customer: Mapped[Customer] = relationship()
    name: Mapped[str] = mapped_column(Unicode(100), nullable=False)
    category: Mapped[str | None] = mapped_column(Unicode(50))
    description: Mapped[str | None] = mapped_column(Unicode(500))
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    uploader: Mapped[Employee | None] = relationship()
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    files: Mapped[list["CustomerDocumentFile"]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True,
        order_by="CustomerDocumentFile.id")


class CustomerDocumentFile(db.Model):
    __tablename__ = "customer_document_files"
    __table_args__ = {"info": {"owned": True}}

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("customer_documents.id", ondelete="CASCADE"),
                                             index=True)
    document: Mapped[CustomerDocument] = relationship(back_populates="files")
    original_name: Mapped[str] = mapped_column(Unicode(200), nullable=False)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    content_type: Mapped[str | None] = mapped_column(String(100))


class CustomerShare(db.Model):
    """共享: the employee can see the customer and add follow-ups (manual 4.6)."""

    __tablename__ = "customer_shares"
    __table_args__ = (
        UniqueConstraint("customer_id", "employee_id"),
        {"info": {"owned": True}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), nullable=False)
    customer: Mapped[Customer] = relationship()
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    shared_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"),
                                                     index=True)
    shared_by: Mapped[Employee | None] = relationship(foreign_keys=[shared_by_id])
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class CustomerHistory(db.Model):
    """Every change of owner, category or pool state: who, when, from, to."""

    __tablename__ = "customer_history"
    __table_args__ = (
        Index("ix_customer_history_customer_id_id", "customer_id", "id"),
        {"info": {"owned": True}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[HistoryKind] = mapped_column(_enum(HistoryKind), nullable=False)
    from_value: Mapped[str | None] = mapped_column(Unicode(100))
    to_value: Mapped[str | None] = mapped_column(Unicode(100))
    note: Mapped[str | None] = mapped_column(Unicode(200))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(Unicode(50), nullable=False)  # "系统" for the recycle job
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class CustomerField(db.Model):
    """自定义字段 (manual 3.8.2), shown after the system fields in 排序值 order."""

    __tablename__ = "customer_fields"
    __table_args__ = {"info": {"label": "自定义字段"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Unicode(50), unique=True, nullable=False)
    field_type: Mapped[FieldType] = mapped_column(_enum(FieldType), nullable=False, default=FieldType.TEXT)
    options: Mapped[str | None] = mapped_column(Unicode(1000))  # one choice per line
    is_required: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0, nullable=False)

    @property
    def choices(self) -> list[str]:
        return [line.strip() for line in (self.options or "").splitlines() if line.strip()]

    def __str__(self) -> str:
        return self.name


class CustomerFieldValue(db.Model):
    __tablename__ = "customer_field_values"
    __table_args__ = {"info": {"owned": True}}

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("customer_fields.id", ondelete="CASCADE"), primary_key=True,
                                          index=True)
    value: Mapped[str | None] = mapped_column(Unicode(500))


class CustomerSettings(db.Model):
    """客户池设置 and 客户验证设置 (manual 3.8.1, 3.8.4): a single row, id 1."""

    __tablename__ = "customer_settings"
    __table_args__ = {"info": {"owned": True}}

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_enabled: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    recycle_days: Mapped[int] = mapped_column(Integer, default=30, nullable=False)
    warn_days: Mapped[int] = mapped_column(Integer, default=3, nullable=False)
    # 客户验证设置, defaults as figure 3-19.
    check_name: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    check_phone: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    check_mobile: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    check_office_phone: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    check_fax: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    check_qq: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    check_email: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow, nullable=False)


class PoolCategory(db.Model):
    """客户回收范围: categories whose customers the recycle job may move to the pool."""

    __tablename__ = "customer_pool_categories"
    __table_args__ = {"info": {"owned": True}}

    category_id: Mapped[int] = mapped_column(ForeignKey("customer_categories.id", ondelete="CASCADE"),
                                             primary_key=True)


_TOKEN = SEARCH_TOKEN


class CustomerSearchToken(db.Model):
    """Universal search index: (token, customer_id) for bigrams, phone 4-grams and pinyin bigrams.

    Looked up by equality on the primary key, rarest token first, and confirmed with LIKE. A
    derived index: no foreign key and no second index, so bulk loads touch one B-tree; the
    customer services delete a customer's rows by their exact keys.
    """

    __tablename__ = "customer_search_tokens"
    __table_args__ = {"info": {"owned": True}, "sqlite_with_rowid": False}

    token: Mapped[str] = mapped_column(_TOKEN, primary_key=True)
    customer_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class CustomerSearchVocabulary(db.Model):
    """The distinct tokens that occur in customer_search_tokens, for search terms of one character.

    A one-character term reads the tokens that contain its character here (a scan of this table, far
    smaller than the token table) and looks those up in customer_search_tokens. Every path that writes
    tokens adds them here in the same transaction; deleting customers leaves it alone, so it may also
    hold tokens no customer has any more: harmless, they lead to no customer.
    """

    __tablename__ = "customer_search_vocabulary"
    __table_args__ = {"info": {"owned": True}, "sqlite_with_rowid": False}

    token: Mapped[str] = mapped_column(_TOKEN, primary_key=True)
