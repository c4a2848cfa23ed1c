"""销售订单, their lines, the order log and 回款 (manual 5.1-5.7)."""

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, Enum, ForeignKey, Index, Integer, Numeric, String, Unicode
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from models.base import SEARCH_TOKEN, Money, TimestampMixin, utcnow

Quantity = Numeric(18, 3)
ZERO = Decimal("0.00")


class OrderStatus(enum.StrEnum):
    """订单流程：等待审核 -> 正在配货 -> 已经发货 -> 交易完成; 正在配货 -> 已取消."""

    PENDING = "pending"
    PICKING = "picking"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    OrderStatus.PENDING: "等待审核",
    OrderStatus.PICKING: "正在配货",
    OrderStatus.SHIPPED: "已经发货",
    OrderStatus.COMPLETED: "交易完成",
    OrderStatus.CANCELLED: "已取消",
}


def status_column(enum_class, length=20):
    return Enum(enum_class, native_enum=False, length=length, validate_strings=True,
                values_callable=lambda e: [m.value for m in e])


class SalesOrder(TimestampMixin, db.Model):
    __tablename__ = "sales_orders"
    __table_args__ = (
        # The per-status lists read these newest first; the amounts make a filtered sums row index-only.
        Index("ix_sales_orders_list", "is_return", "status", "order_date", "payable", "paid", "freight", "debt"),
        # One employee's orders (下单客服 filter, 查看自己 scope), newest first, sums index-only too.
        Index("ix_sales_orders_owner", "owner_id", "order_date", "status", "is_return", "payable", "paid", "freight",
              "debt"),
        # A customer's orders by status (客户销售报表 groups by customer, 订单 per customer): index-only sums.
        Index("ix_sales_orders_customer_report", "customer_id", "status", "is_return", "order_date", "owner_id",
              "payable", "paid", "debt"),
        {"info": {"label": "销售订单", "owner_column": "owner_id"}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    customer = relationship("Customer", lazy="joined", innerjoin=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), nullable=False)
    owner = relationship("Employee", foreign_keys=[owner_id], lazy="joined", innerjoin=True)
    order_date: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow, index=True)
    status: Mapped[OrderStatus] = mapped_column(status_column(OrderStatus), nullable=False,
                                                default=OrderStatus.PENDING)
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    warehouse = relationship("Warehouse")

    receiver_name: Mapped[str | None] = mapped_column(Unicode(50), index=True)
    receiver_gender: Mapped[str | None] = mapped_column(Unicode(2))
    receiver_phone: Mapped[str | None] = mapped_column(String(50))
    receiver_mobile: Mapped[str | None] = mapped_column(String(50), index=True)
    receiver_province: Mapped[str | None] = mapped_column(Unicode(20))
    receiver_city: Mapped[str | None] = mapped_column(Unicode(20))
    receiver_district: Mapped[str | None] = mapped_column(Unicode(20))
    receiver_address: Mapped[str | None] = mapped_column(Unicode(200))
    receiver_zip: Mapped[str | None] = mapped_column(String(10))
    delivery_time: Mapped[str | None] = mapped_column(Unicode(50))
    package_items: Mapped[str | None] = mapped_column(Unicode(200))
    remark: Mapped[str | None] = mapped_column(Unicode(500))

    product_total: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    freight: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    discount: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    payable: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    paid: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    debt: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)

    logistics_company_id: Mapped[int | None] = mapped_column(ForeignKey("logistics_companies.id"), index=True)
    logistics_company = relationship("LogisticsCompany")
    tracking_number: Mapped[str | None] = mapped_column(String(50))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    shipped_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    shipped_by = relationship("Employee", foreign_keys=[shipped_by_id])
    shipped_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    cancelled_by = relationship("Employee", foreign_keys=[cancelled_by_id])
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    created_by = relationship("Employee", foreign_keys=[created_by_id])

    # 销售退货: negative amounts, optionally tied to the order the goods came from.
    is_return: Mapped[bool] = mapped_column(default=False, nullable=False)
    original_order_id: Mapped[int | None] = mapped_column(ForeignKey("sales_orders.id"), index=True)
    original_order = relationship("SalesOrder", remote_side=[id])

    lines: Mapped[list["SalesOrderLine"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="SalesOrderLine.position")
    logs: Mapped[list["OrderLog"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLog.id")
    payments: Mapped[list["Payment"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="Payment.id")

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def __str__(self) -> str:
        return self.number


class SalesOrderLine(db.Model):
    """A line keeps the product's code, name, spec and unit as sold, so later product edits do not rewrite it."""

    __tablename__ = "sales_order_lines"
    # 产品销售报表: a product's lines with their amounts, index-only until the order's status and date.
    __table_args__ = (Index("ix_sales_order_lines_product_report", "product_id", "order_id", "quantity", "subtotal"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_orders.id", ondelete="CASCADE"), nullable=False,
                                          index=True)
    order: Mapped[SalesOrder] = relationship(back_populates="lines")
    position: Mapped[int] = mapped_column(nullable=False, default=1)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), nullable=False)
    product = relationship("Product")
    product_code: Mapped[str] = mapped_column(String(50), nullable=False)
    product_name: Mapped[str] = mapped_column(Unicode(100), nullable=False, index=True)
    product_spec: Mapped[str | None] = mapped_column(Unicode(100))
    product_unit: Mapped[str | None] = mapped_column(Unicode(20))
    unit_price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    quantity: Mapped[Decimal] = mapped_column(Quantity, nullable=False)
    subtotal: Mapped[Decimal] = mapped_column(Money, nullable=False)


class OrderLog(db.Model):
    """订单日志: one row per transition or change, written in the same transaction."""

    __tablename__ = "order_logs"
    __table_args__ = {"info": {"owned": True}}
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_orders.id", ondelete="CASCADE"), nullable=False,
                                          index=True)
    order: Mapped[SalesOrder] = relationship(back_populates="logs")
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    employee = relationship("Employee")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    action: Mapped[str] = mapped_column(Unicode(20), nullable=False)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Unicode(500))


class Payment(db.Model):
    """回款 against one order's 欠款."""

    __tablename__ = "payments"
    __table_args__ = {"info": {"owned": True}}
    METHODS = ("现金", "银行转账", "支付宝", "微信", "刷卡", "其他")

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_orders.id", ondelete="CASCADE"), nullable=False,
                                          index=True)
    order: Mapped[SalesOrder] = relationship(back_populates="payments")
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    paid_on: Mapped[date] = mapped_column(Date, nullable=False)
    method: Mapped[str] = mapped_column(Unicode(20), nullable=False)
    note: Mapped[str | None] = mapped_column(Unicode(200))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    recorded_by = relationship("Employee")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class OrderDailySum(db.Model):
    """订单金额汇总 per local day, status and sales/return, kept by the order services in the same transaction.

    The sums row of an unfiltered or date-filtered list reads a few thousand of these rows instead of
    aggregating every order. app.services.orders.sums.rebuild() recomputes it from the orders.
    """

    __tablename__ = "sales_order_daily_sums"
    __table_args__ = {"info": {"owned": True}}
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    is_return: Mapped[bool] = mapped_column(primary_key=True)
    order_count: Mapped[int] = mapped_column(nullable=False, default=0)
    payable: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    paid: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    freight: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    debt: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)


class SalesOrderSearchToken(db.Model):
    """收货人 search index: (token, order_id) for every character and character bigram of the receiver's name.

    Receiver names are short (2-4 characters), so unlike the customer index this one also holds each
    character: a one-character term (a surname) is one equality lookup on the primary key, with no
    vocabulary to read. Written with the order in the same transaction (app/services/orders/search.py);
    no foreign key and no second index, as customer_search_tokens.
    """

    __tablename__ = "sales_order_search_tokens"
    __table_args__ = {"info": {"owned": True, "label": "订单检索索引", "init_group": "订单信息"},
                      "sqlite_with_rowid": False}

    token: Mapped[str] = mapped_column(SEARCH_TOKEN, primary_key=True)
    order_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class OrderOwnerDailySum(db.Model):
    """The same sums per local day, 下单客服, status and sales/return: what the sales reports read.

    公司销售报表 按部门 / 按年份 and 客服业绩报表 add up these rows (a few per day and employee) instead of every
    order; the owner key lets 数据范围 apply to them as it does to the orders. Written by sums.post() with
    OrderDailySum, in the order's transaction.
    """

    __tablename__ = "sales_order_owner_sums"
    __table_args__ = {"info": {"owned": True}}
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    owner_id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    is_return: Mapped[bool] = mapped_column(primary_key=True)
    order_count: Mapped[int] = mapped_column(nullable=False, default=0)
    payable: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    paid: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    debt: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
