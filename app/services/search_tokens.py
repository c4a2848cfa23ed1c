"""What every token index shares (customers' 万能检索, orders' 收货人 search): counting, writing, LIKE.

A token index is a table (token, record id) whose primary key is the only B-tree: a term is
answered from its rarest token, counted up to a cap on that key, and confirmed with LIKE. The
tables have no foreign key and no record-id index (each would make every bulk insert and every
B-tree bigger); a record's rows are found by their exact keys, from the tokens it had before.
"""

from sqlalchemy import delete, func, insert, select

from app.extensions import db

BATCH = 500  # tokens per IN list (SQL Server takes 2,100 parameters a statement)


def escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def capped_count(key_column, lookup, cap: int) -> int:
    """Index rows matching lookup (a condition on the token column), counted up to cap."""
    inner = select(key_column).where(lookup).limit(cap)
    return db.session.scalar(select(func.count()).select_from(inner.subquery())) or 0


def sync_tokens(key_column, key: int, old: set[str] | None, new: set[str]) -> list[str]:
    """Bring one record's rows in line with `new`; returns the tokens inserted.

    `old` is what the index held before the change; None when unknown, then the added tokens
    are checked against the index first.
    """
    table = key_column.table
    token_column = table.c.token
    gone = sorted((old or set()) - new)
    for start in range(0, len(gone), BATCH):
        db.session.execute(delete(table).where(key_column == key, token_column.in_(gone[start:start + BATCH])))
    added = sorted(new - (old or set()))
    if added and old is None:
        existing: set[str] = set()
        for start in range(0, len(added), BATCH):
            existing.update(db.session.scalars(select(token_column).where(
                key_column == key, token_column.in_(added[start:start + BATCH]))))
        added = [token for token in added if token not in existing]
    if added:
        db.session.execute(insert(table), [{"token": token, key_column.name: key} for token in added])
    return added


def drop_tokens(key_column, key: int, tokens: set[str]) -> None:
    """Remove the rows of a record about to be deleted (its tokens as they are now)."""
    sync_tokens(key_column, key, tokens, set())
