"""Document numbers as the manual shows them: one counter row per prefix and period.

The counter row is incremented with an UPDATE inside the caller's transaction, so concurrent
writers queue on the row lock and never see the same value, and a rolled-back save gives its
number back (no gaps); the unique constraint on each document's number column is the last guard.
The row stays locked until the caller commits, so creates draw their number last: the document is
flushed with a provisional_number() first and gets its real number just before the commit.
"""

import uuid
from datetime import date

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.timeutil import local_today
from models.numbering import DocumentCounter

# prefix -> digits of the counter; the date part is yyyymmdd (manual ch. 4, 5, 12).
DAILY_FORMATS = {"CT": 5, "XS": 5, "BJ": 5, "JH": 3, "PD": 3, "TH": 3}  # TH: 采购退货单 (the manual shows no prefix)
TRACKING_PREFIX = "LP"
TRACKING_DIGITS = 10
TICKET_COUNTER = "GD"  # 工单号: one sequence for the life of the system (the manual shows 10, 11 ...)


def _increment(prefix: str, period: str) -> int:
    session = db.session
    result = session.execute(
        update(DocumentCounter)
        .where(DocumentCounter.prefix == prefix, DocumentCounter.period == period)
        .values(value=DocumentCounter.value + 1)
    )
    if result.rowcount == 0:
        try:
            with session.begin_nested():
                session.execute(insert(DocumentCounter).values(prefix=prefix, period=period, value=1))
            return 1
        except IntegrityError:
            # Another transaction created the row first; its lock now orders us after it.
            session.execute(
                update(DocumentCounter)
                .where(DocumentCounter.prefix == prefix, DocumentCounter.period == period)
                .values(value=DocumentCounter.value + 1)
            )
    return session.execute(
        select(DocumentCounter.value).where(
            DocumentCounter.prefix == prefix, DocumentCounter.period == period
        )
    ).scalar_one()


def provisional_number() -> str:
    """A placeholder that satisfies the unique, non-null number column until next_number() replaces it in the
    same transaction; no other transaction ever sees it."""
    return f"~{uuid.uuid4().hex[:19]}"


def next_number(prefix: str, on: date | None = None) -> str:
    """E.g. next_number("XS") -> "XS2026112900001"; JH/PD use three digits."""
    if prefix not in DAILY_FORMATS:
        raise ValueError(f"unknown document prefix {prefix}")
    day = (on or local_today()).strftime("%Y%m%d")
    value = _increment(prefix, day)
    return f"{prefix}{day}{value:0{DAILY_FORMATS[prefix]}d}"


def next_tracking_number() -> str:
    """无需物流 orders get LP + 10 digits, unique for the life of the system."""
    value = _increment(TRACKING_PREFIX, "")
    return f"{TRACKING_PREFIX}{value:0{TRACKING_DIGITS}d}"


def next_ticket_number() -> str:
    """工单号 as the manual shows it: 1, 2, 3 ... in submission order."""
    return str(_increment(TICKET_COUNTER, ""))
