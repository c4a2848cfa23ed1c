"""The vocabulary of the search index: every token that occurs in customer_search_tokens, once.

Search terms of one character read the tokens that contain their character here. Whoever writes
token rows calls remember_tokens in the same transaction, so a committed token is always in the
vocabulary. Two writers may add the same new token at the same moment: on SQLite and PostgreSQL the
insert ignores keys that exist (PostgreSQL waits for the other transaction, then skips the row);
elsewhere (SQL Server) the missing tokens are inserted in a savepoint and a duplicate key raised by
a concurrent writer is ignored.
"""

from collections.abc import Iterable

from sqlalchemy import bindparam, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from models.customers import CustomerSearchVocabulary

_IGNORING_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
BATCH = 5000
LOOKUP_BATCH = 500  # parameters per existence check (SQL Server allows 2,100 in one statement)


def remember_tokens(connection, tokens: Iterable[str]) -> None:
    """Make sure every token is in the vocabulary; connection is db.session's, in its transaction.

    Sorted, so concurrent writers take their key locks in the same order and cannot deadlock.
    """
    tokens = sorted(set(tokens))
    if not tokens:
        return
    table = CustomerSearchVocabulary.__table__
    ignoring_insert = _IGNORING_INSERTS.get(connection.dialect.name)
    if ignoring_insert is None:
        _insert_missing(connection, tokens)
        return
    statement = ignoring_insert(table).on_conflict_do_nothing()
    for start in range(0, len(tokens), BATCH):
        connection.execute(statement, [{"token": token} for token in tokens[start:start + BATCH]])


def _insert_missing(connection, tokens: list[str]) -> None:
    """The portable way: read which tokens exist, insert the others in a savepoint.

    A concurrent writer may commit one of them in between; its duplicate key rolls back only the
    savepoint, and the tokens are then inserted one by one, skipping those that exist by now.
    """
    table = CustomerSearchVocabulary.__table__
    existing = _known(connection, tokens)
    missing = [token for token in tokens if token not in existing]
    if not missing:
        return
    # Through the session: it emits the SAVEPOINT when its connection is next used.
    try:
        with db.session.begin_nested():
            db.session.execute(insert(table), [{"token": token} for token in missing])
    except IntegrityError:
        for token in missing:
            try:
                with db.session.begin_nested():
                    db.session.execute(insert(table), {"token": token})
            except IntegrityError:
                pass  # added by another writer meanwhile


def _known(connection, tokens: list[str]) -> set[str]:
    """Which of the tokens the vocabulary holds."""
    table = CustomerSearchVocabulary.__table__
    known = select(table.c.token).where(table.c.token.in_(bindparam("tokens", expanding=True)))
    existing: set[str] = set()
    for start in range(0, len(tokens), LOOKUP_BATCH):
        existing.update(connection.execute(known, {"tokens": tokens[start:start + LOOKUP_BATCH]}).scalars())
    return existing
