"""Counter rows behind document numbers (CT/XS/BJ/JH/PD + date + counter, LP tracking numbers)."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class DocumentCounter(db.Model):
    __tablename__ = "document_counters"
    prefix: Mapped[str] = mapped_column(String(10), primary_key=True)
    period: Mapped[str] = mapped_column(String(8), primary_key=True)
    value: Mapped[int] = mapped_column(nullable=False, default=0)
