"""收货人 search of the order lists: the receiver's name contains the term, answered by a token index.

sales_order_search_tokens holds every character and character bigram of each order's receiver name
(lower case). A term of one character (a surname such as 王) is one equality lookup on the index's
primary key; a longer term is looked up by its rarest bigram, counted up to a cap, and confirmed
with LIKE (the machinery of app/services/search_tokens.py, shared with the customer search). The
order services write the rows in the same transaction as the order (create, edit, delete).
"""

from sqlalchemy import func, select, union_all

from app.extensions import db
from app.services.search_tokens import capped_count, drop_tokens, escape_like, sync_tokens
from models.orders import SalesOrder, SalesOrderSearchToken

COUNT_CAP = 150_000  # a bigram rarer than this drives the lookup; counting stops here
TERM_CHARS = 50  # as long as a receiver name may be


def tokens_for(name: str | None) -> set[str]:
    """Characters and bigrams of each whitespace-separated word of the name, lower case."""
    tokens: set[str] = set()
    for word in (name or "").lower().split():
        tokens.update(word)
        tokens.update(word[i:i + 2] for i in range(len(word) - 1))
    return tokens


def current_tokens(order: SalesOrder) -> set[str]:
    """The tokens the index holds for the order as it is now (call before changing it)."""
    return tokens_for(order.receiver_name) if order.id is not None else set()


def reindex(order: SalesOrder, old_tokens: set[str] | None) -> None:
    """Bring the (flushed) order's rows in line with its receiver name; old_tokens as current_tokens gave."""
    sync_tokens(SalesOrderSearchToken.order_id, order.id, old_tokens, tokens_for(order.receiver_name))


def drop(order: SalesOrder) -> None:
    drop_tokens(SalesOrderSearchToken.order_id, order.id, current_tokens(order))


def index_rows(orders) -> list[dict]:
    """Token rows for bulk loads, from (order id, receiver name) pairs."""
    return [{"token": token, "order_id": order_id} for order_id, name in orders for token in sorted(tokens_for(name))]


def receiver_lookup(term: str):
    """(matches, driving) for a term: how many orders hold its rarest token (capped, and only 0 or 1 for a
    term of one token; 0 means none can match) and the subquery of their ids; None for an empty term."""
    term = term.lower()[:TERM_CHARS]
    tokens = sorted(tokens_for(term)) if len(term) == 1 else sorted({term[i:i + 2] for i in range(len(term) - 1)})
    best: tuple[int, str] | None = None
    for token in tokens:
        # Only a rarer token can win; a single token only needs to exist (counting to 1 tells).
        cap = max(best[0], 1) if best is not None else (COUNT_CAP if len(tokens) > 1 else 1)
        count = capped_count(SalesOrderSearchToken.order_id, SalesOrderSearchToken.token == token, cap)
        if count == 0:
            return 0, None
        if best is None or count < best[0]:
            best = (count, token)
    if best is None:
        return None
    return best[0], select(SalesOrderSearchToken.order_id).where(SalesOrderSearchToken.token == best[1])


def search_condition(term: str, newest_first_scan: bool = False):
    """Orders whose 订单号 starts with the term or whose 收货人 contains it (case-insensitive); None for no term.

    Both are one set of order ids (a UNION), so the database looks it up once: an OR of an indexed range and
    an IN subquery makes PostgreSQL filter every order against the subquery instead.
    newest_first_scan: the matches are dense enough that reading the list's own index newest first finds
    the page sooner than fetching and sorting every match. The order id is then written as `id + 0`,
    which no index serves (the usual way to tell SQLite's planner so), and the ids are probed as a set.
    """
    term = term.strip()
    if not term:
        return None
    upper = term.upper()
    ids = [select(SalesOrder.id).where(SalesOrder.number >= upper, SalesOrder.number < upper + "\uffff")]
    found = receiver_lookup(term.lower()[:TERM_CHARS])
    if found is not None and found[0]:
        receiver = found[1]
        if len(term) > 1:
            pattern = f"%{escape_like(term.lower()[:TERM_CHARS])}%"
            receiver = (select(SalesOrder.id).where(SalesOrder.id.in_(found[1]),
                                                    func.lower(SalesOrder.receiver_name).like(pattern, escape="\\")))
        ids.append(receiver)
    # SQLite only: for `id + 0` PostgreSQL ran the subquery once per order read (4.7 s at 1M orders); there the
    # plain semi-join is used.
    scan = newest_first_scan and db.session.connection().dialect.name == "sqlite"
    key = SalesOrder.id + 0 if scan else SalesOrder.id
    return key.in_(union_all(*ids)) if len(ids) > 1 else key.in_(ids[0])


def highest_order_id() -> int:
    """About how many orders there are (ids are not reused), read from the primary key's end."""
    return db.session.scalar(select(func.max(SalesOrder.id))) or 0
