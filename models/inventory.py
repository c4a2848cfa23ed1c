"""库存管理 (manual ch. 12): stock balances, the stock ledger, 采购进货单, 采购退货单 and 库存盘点单.

A balance row per (warehouse, product) holds quantity, moving-average unit cost and value; every change of
it is one StockMovement row written in the same transaction (app/services/inventory/ledger.py), so the sum
of a product's movements in a warehouse always equals its balance.
"""

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Index, Numeric, String, Unicode, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app.extensions import db
from models.base import Money, TimestampMixin, utcnow
from models.orders import Quantity, status_column

UnitCost = Numeric(18, 6)  # moving-average unit cost keeps six decimals; amounts stay at cents
ZERO = Decimal("0")


class MovementKind(enum.StrEnum):
    PURCHASE = "purchase"
    PURCHASE_RETURN = "purchase_return"
    SALE = "sale"
    SALE_RETURN = "sale_return"
    STOCKTAKE_GAIN = "stocktake_gain"
    STOCKTAKE_LOSS = "stocktake_loss"

    @property
    def label(self) -> str:
        return MOVEMENT_LABELS[self]


MOVEMENT_LABELS = {
    MovementKind.PURCHASE: "采购进货", MovementKind.PURCHASE_RETURN: "采购退货", MovementKind.SALE: "销售出库",
    MovementKind.SALE_RETURN: "退货入库", MovementKind.STOCKTAKE_GAIN: "库存盘正", MovementKind.STOCKTAKE_LOSS: "库存盘负",
}


class InventoryStatus(enum.StrEnum):
    """采购进货单, 采购退货单 and 库存盘点单 share two states: 待审核 -(通过审核)-> 已审核."""

    PENDING = "pending"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        return {"pending": "待审核", "approved": "已审核"}[self.value]


class StockBalance(db.Model):
    __tablename__ = "stock_balances"
    __table_args__ = (
        UniqueConstraint("warehouse_id", "product_id", name="uq_stock_balances_warehouse_product"),
        Index("ix_stock_balances_product", "product_id", "warehouse_id"),
        # 当前库存查询's 合计 by 仓库 sums from this index alone, without a lookup per balance row.
        Index("ix_stock_balances_warehouse_totals", "warehouse_id", "quantity", "value"),
        {"info": {"label": "当前库存", "init_group": "库存"}},
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"), nullable=False)
    warehouse = relationship("Warehouse", lazy="joined", innerjoin=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), nullable=False)
    product = relationship("Product", lazy="joined", innerjoin=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity, nullable=False, default=ZERO)
    average_cost: Mapped[Decimal] = mapped_column(UnitCost, nullable=False, default=ZERO)
    value: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    version: Mapped[int] = mapped_column(nullable=False, default=0)  # the guarded UPDATE's token
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class StockMovement(db.Model):
    """库存流水: one row per product and warehouse of each posted document (never updated, never deleted)."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        Index("ix_stock_movements_created", "created_at", "id"),
        Index("ix_stock_movements_warehouse", "warehouse_id", "created_at", "id"),
        Index("ix_stock_movements_product", "product_id", "warehouse_id", "created_at", "id"),
        Index("ix_stock_movements_kind", "kind", "created_at", "id"),
        Index("ix_stock_movements_doc", "doc_type", "doc_id"),
        {"info": {"label": "库存流水", "init_group": "库存"}},
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    kind: Mapped[MovementKind] = mapped_column(status_column(MovementKind), nullable=False)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"), nullable=False)
    warehouse = relationship("Warehouse", lazy="joined", innerjoin=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), nullable=False)
    product = relationship("Product", lazy="joined", innerjoin=True)
    # The document that caused it; no foreign key, so the ledger outlives a deleted sales order.
    doc_type: Mapped[str] = mapped_column(String(20), nullable=False)
    doc_id: Mapped[int] = mapped_column(nullable=False)
    doc_number: Mapped[str] = mapped_column(String(20), nullable=False)
    quantity_in: Mapped[Decimal] = mapped_column(Quantity, nullable=False, default=ZERO)
    quantity_out: Mapped[Decimal] = mapped_column(Quantity, nullable=False, default=ZERO)
    unit_cost: Mapped[Decimal] = mapped_column(UnitCost, nullable=False, default=ZERO)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)  # signed, cost of the change
    balance_after: Mapped[Decimal] = mapped_column(Quantity, nullable=False)
    average_after: Mapped[Decimal] = mapped_column(UnitCost, nullable=False)
    value_after: Mapped[Decimal] = mapped_column(Money, nullable=False)
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    employee = relationship("Employee")

    @property
    def kind_label(self) -> str:
        return self.kind.label


class InventoryDocumentMixin(TimestampMixin):
    """Number, status, warehouse, 录单人 and 审核 of the three inventory documents."""

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    status: Mapped[InventoryStatus] = mapped_column(status_column(InventoryStatus), nullable=False,
                                                    default=InventoryStatus.PENDING)
    remark: Mapped[str | None] = mapped_column(Unicode(500))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)

    @declared_attr
    def warehouse_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("warehouses.id"), nullable=False, index=True)

    @declared_attr
    def warehouse(cls):
        return relationship("Warehouse", lazy="joined", innerjoin=True)

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))

    @declared_attr
    def created_by(cls):
        return relationship("Employee", foreign_keys=[cls.created_by_id], lazy="joined")

    @declared_attr
    def approved_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))

    @declared_attr
    def approved_by(cls):
        return relationship("Employee", foreign_keys=[cls.approved_by_id])

    @property
    def status_label(self) -> str:
        return self.status.label

    def __str__(self) -> str:
        return self.number


class LineMixin:
    """A line keeps the product's code, name, spec and unit as entered."""

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(nullable=False, default=1)
    product_code: Mapped[str] = mapped_column(String(50), nullable=False)
    product_name: Mapped[str] = mapped_column(Unicode(100), nullable=False)
    product_spec: Mapped[str | None] = mapped_column(Unicode(100))
    product_unit: Mapped[str | None] = mapped_column(Unicode(20))

    @declared_attr
    def product_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("products.id"), nullable=False, index=True)

    @declared_attr
    def product(cls):
        return relationship("Product")


class LogMixin:
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    action: Mapped[str] = mapped_column(Unicode(20), nullable=False)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Unicode(500))

    @declared_attr
    def employee_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))

    @declared_attr
    def employee(cls):
        return relationship("Employee")


class Purchase(InventoryDocumentMixin, db.Model):
    """采购进货单 (12.1): 应付 = sum of lines; 欠款 = 应付 - 实付 - 优惠."""

    __tablename__ = "purchases"
    __table_args__ = (Index("ix_purchases_status_id", "status", "id"), {"info": {"label": "采购进货单", "init_group": "采购"}})
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), nullable=False, index=True)
    supplier = relationship("Supplier", lazy="joined", innerjoin=True)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    payable: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    paid: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    discount: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    debt: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    lines: Mapped[list["PurchaseLine"]] = relationship(back_populates="purchase", cascade="all, delete-orphan",
                                                       passive_deletes=True, order_by="PurchaseLine.position")
    logs: Mapped[list["PurchaseLog"]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                     order_by="PurchaseLog.id")
    payments: Mapped[list["PurchasePayment"]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                             order_by="PurchasePayment.id")


class PurchaseLine(LineMixin, db.Model):
    __tablename__ = "purchase_lines"
    __table_args__ = {"info": {"owned": True}}
    purchase_id: Mapped[int] = mapped_column(ForeignKey("purchases.id", ondelete="CASCADE"), nullable=False,
                                             index=True)
    purchase: Mapped[Purchase] = relationship(back_populates="lines")
    unit_price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    quantity: Mapped[Decimal] = mapped_column(Quantity, nullable=False)
    subtotal: Mapped[Decimal] = mapped_column(Money, nullable=False)


class PurchaseLog(LogMixin, db.Model):
    __tablename__ = "purchase_logs"
    __table_args__ = {"info": {"owned": True}}
    purchase_id: Mapped[int] = mapped_column(ForeignKey("purchases.id", ondelete="CASCADE"), nullable=False,
                                             index=True)


class PurchasePayment(db.Model):
    """付款 against an approved purchase's 欠款."""

    __tablename__ = "purchase_payments"
    __table_args__ = {"info": {"owned": True}}
    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_id: Mapped[int] = mapped_column(ForeignKey("purchases.id", ondelete="CASCADE"), nullable=False,
                                             index=True)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    paid_on: Mapped[date] = mapped_column(Date, nullable=False)
    note: Mapped[str | None] = mapped_column(Unicode(200))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class PurchaseReturn(InventoryDocumentMixin, db.Model):
    """采购退货单 (12.2): goods sent back to the supplier from 退货仓库."""

    __tablename__ = "purchase_returns"
    __table_args__ = (Index("ix_purchase_returns_status_id", "status", "id"),
                      {"info": {"label": "采购退货单", "init_group": "采购"}})
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), nullable=False, index=True)
    supplier = relationship("Supplier", lazy="joined", innerjoin=True)
    returned_on: Mapped[date] = mapped_column(Date, nullable=False)
    total: Mapped[Decimal] = mapped_column(Money, nullable=False, default=ZERO)
    lines: Mapped[list["PurchaseReturnLine"]] = relationship(
        back_populates="purchase_return", cascade="all, delete-orphan", passive_deletes=True,
        order_by="PurchaseReturnLine.position")
    logs: Mapped[list["PurchaseReturnLog"]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                           order_by="PurchaseReturnLog.id")


class PurchaseReturnLine(LineMixin, db.Model):
    __tablename__ = "purchase_return_lines"
    __table_args__ = {"info": {"owned": True}}
    return_id: Mapped[int] = mapped_column(ForeignKey("purchase_returns.id", ondelete="CASCADE"), nullable=False,
                                           index=True)
    purchase_return: Mapped[PurchaseReturn] = relationship(back_populates="lines")
    unit_price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    quantity: Mapped[Decimal] = mapped_column(Quantity, nullable=False)
    subtotal: Mapped[Decimal] = mapped_column(Money, nullable=False)


class PurchaseReturnLog(LogMixin, db.Model):
    __tablename__ = "purchase_return_logs"
    __table_args__ = {"info": {"owned": True}}
    return_id: Mapped[int] = mapped_column(ForeignKey("purchase_returns.id", ondelete="CASCADE"), nullable=False,
                                           index=True)


class Stocktake(InventoryDocumentMixin, db.Model):
    """库存盘点单 (12.3): book quantities loaded at 开始盘点 (started_at), actual quantities entered."""

    __tablename__ = "stocktakes"
    __table_args__ = (Index("ix_stocktakes_status_id", "status", "id"), {"info": {"label": "库存盘点单", "init_group": "库存"}})
    started_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    moved_since_start: Mapped[int] = mapped_column(nullable=False, default=0)  # counted at approval
    lines: Mapped[list["StocktakeLine"]] = relationship(back_populates="stocktake", cascade="all, delete-orphan",
                                                        passive_deletes=True, order_by="StocktakeLine.position")
    logs: Mapped[list["StocktakeLog"]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                      order_by="StocktakeLog.id")


class StocktakeLine(LineMixin, db.Model):
    __tablename__ = "stocktake_lines"
    __table_args__ = {"info": {"owned": True}}
    stocktake_id: Mapped[int] = mapped_column(ForeignKey("stocktakes.id", ondelete="CASCADE"), nullable=False,
                                              index=True)
    stocktake: Mapped[Stocktake] = relationship(back_populates="lines")
    book_quantity: Mapped[Decimal] = mapped_column(Quantity, nullable=False)
    actual_quantity: Mapped[Decimal] = mapped_column(Quantity, nullable=False)

    @property
    def difference(self) -> Decimal:
        return self.actual_quantity - self.book_quantity

    @property
    def result(self) -> str:
        diff = self.difference
        return "相符" if diff == 0 else ("盘正" if diff > 0 else "盘负")


class StocktakeLog(LogMixin, db.Model):
    __tablename__ = "stocktake_logs"
    __table_args__ = {"info": {"owned": True}}
    stocktake_id: Mapped[int] = mapped_column(ForeignKey("stocktakes.id", ondelete="CASCADE"), nullable=False,
                                              index=True)
