"""打印模板 for 配货单, 发货单, 报价单 (manual 5.2, 5.3) and 采购进货单, 采购退货单, 盘点单 (12.1-12.3):
上部, 产品明细 and 底部 as sanitised HTML."""

import enum

from sqlalchemy import Unicode, UnicodeText
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from models.base import TimestampMixin
from models.orders import status_column


class TemplateKind(enum.StrEnum):
    PICKING = "picking"
    SHIPPING = "shipping"
    QUOTE = "quote"
    PURCHASE = "purchase"
    PURCHASE_RETURN = "purchase_return"
    STOCKTAKE = "stocktake"

    @property
    def label(self) -> str:
        return {"picking": "配货单", "shipping": "发货单", "quote": "报价单", "purchase": "采购进货单",
                "purchase_return": "采购退货单", "stocktake": "盘点单"}[self.value]


class PrintTemplate(TimestampMixin, db.Model):
    __tablename__ = "print_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TemplateKind] = mapped_column(status_column(TemplateKind), nullable=False, index=True)
    name: Mapped[str] = mapped_column(Unicode(50), nullable=False)
    header_html: Mapped[str] = mapped_column(UnicodeText, nullable=False, default="")
    lines_html: Mapped[str] = mapped_column(UnicodeText, nullable=False, default="")
    footer_html: Mapped[str] = mapped_column(UnicodeText, nullable=False, default="")
    is_default: Mapped[bool] = mapped_column(default=False, nullable=False)

    def __str__(self) -> str:
        return self.name
