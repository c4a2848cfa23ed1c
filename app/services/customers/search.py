"""万能检索: one search service for the customer list, the top-bar box, the pool and the share lists.

A portable token table (customer_search_tokens) holds, per customer, the character bigrams of
name, contact, region, address, e-mail, QQ, remark and the name's pinyin initials, plus 4-digit
grams of every phone number and digit run. A query term is answered from its rarest token (the
smallest capped count), looked up by equality on the primary key, and confirmed with LIKE, so
two-character Chinese names and "last 4 digits of the mobile" are both exact and fast on SQLite,
PostgreSQL and SQL Server alike. A term of one character is answered from the tokens that contain
it, read from the index's vocabulary (customer_search_vocabulary), unless it is so common that
scanning newest-first finds a page at once.
"""

import re
from collections.abc import Iterable
from functools import lru_cache

from pypinyin.seg.mmseg import seg
from sqlalchemy import and_, false, func, or_, select

from app.extensions import db
from app.services.customers.vocabulary import remember_tokens
from app.services.pinyin import initials
from app.services.search_tokens import capped_count, sync_tokens
from app.services.search_tokens import drop_tokens as drop_record_tokens
from app.services.search_tokens import escape_like as _escape_like
from models.accounts import Employee
from models.customers import Customer, CustomerSearchToken, CustomerSearchVocabulary

_DIGITS = re.compile(r"\d{4,}")
_NON_DIGIT = re.compile(r"\D")
_PHONE_LIKE = re.compile(r"[\d\-()（）+]+")
# Up to this many rows a token drives the lookup as an IN list (about 0.15 us a row on SQLite);
# a token more common than that is dense enough that scanning newest-first finds a page at once.
COUNT_CAP = 150_000
# At most this many vocabulary tokens answer a one-character term as an IN list (SQL Server takes 2,100
# parameters a statement); a character in more distinct tokens than that is common: scanned newest-first.
VOCABULARY_CAP = 2_000
REMARK_CHARS = 200
TEXT_FIELDS = ("name", "contact_name", "province", "city", "district", "address", "email", "qq", "pinyin")
PHONE_KEYS = ("phone_key", "mobile_key", "office_phone_key", "fax_key")


@lru_cache(maxsize=200_000)
def _segment_initials(segment: str) -> str:
    return initials(segment)


def name_initials(text: str | None) -> str:
    """拼音简码 of a name, identical to initials(text) but cached per word segment.

    pypinyin reads each segment of its own segmentation independently, so converting the
    segments one by one gives the same letters (重庆 -> cq, 商行 -> sh) while repeated words
    (有限公司, 科技, 北京) are converted once: imports and demo data need this speed.
    """
    if not text:
        return ""
    return "".join(_segment_initials(segment) for segment in seg.cut(text))


def digits(value: str | None) -> str:
    """'010-8756 1234' -> '01087561234' (phone comparison ignores spaces and dashes)."""
    return _NON_DIGIT.sub("", value or "")


def _bigrams(text: str) -> set[str]:
    return {chunk[i:i + 2] for chunk in text.lower().split() for i in range(len(chunk) - 1)}


def _digit_grams(text: str) -> set[str]:
    return {run[i:i + 4] for run in _DIGITS.findall(text) for i in range(len(run) - 3)}


def tokens_for(values: dict) -> set[str]:
    """Tokens of one customer, from a dict of its column values (bigrams are 2 and grams 4 characters).

    The fields are joined with spaces and read in two passes (bigrams, digit runs): a space ends
    every gram, so nothing spans two fields, and imports of 100,000 rows spend a third less here.
    A word of one character (a contact named 王, the 号 of "100 号") has no bigram and is a token
    itself, so every character of every field is in some token: one-character terms rely on it.
    """
    texts = [values[name] for name in TEXT_FIELDS if values.get(name)]
    remark = values.get("remark")
    if remark:
        texts.append(remark[:REMARK_CHARS])
    text = " ".join(texts).lower()
    tokens = {chunk[i:i + 2] for chunk in text.split() for i in range(len(chunk) - 1 or 1)}
    runs = _DIGITS.findall(text) + [values[key] for key in PHONE_KEYS if values.get(key)]
    tokens.update(run[i:i + 4] for run in runs for i in range(len(run) - 3))
    return tokens


def _values(customer: Customer) -> dict:
    values = {name: getattr(customer, name) for name in TEXT_FIELDS + PHONE_KEYS}
    values["remark"] = customer.remark
    return values


def prepare_keys(customer: Customer) -> None:
    """Derived search/duplicate keys kept on the row itself."""
    customer.pinyin = name_initials(customer.name)[:100] or None
    for field in ("phone", "mobile", "office_phone", "fax"):
        setattr(customer, f"{field}_key", digits(getattr(customer, field))[:30] or None)


def current_tokens(customer: Customer) -> set[str]:
    """The tokens the index holds for the customer as it is now (call before changing it)."""
    return tokens_for(_values(customer)) if customer.id is not None else set()


def reindex(customer: Customer, old_tokens: set[str] | None = None) -> None:
    """Bring the customer's tokens in line with its (flushed) values (see app/services/search_tokens.py)."""
    added = sync_tokens(CustomerSearchToken.customer_id, customer.id, old_tokens, current_tokens(customer))
    if added:
        remember_tokens(db.session.connection(), added)


def drop_tokens(customers: Iterable[Customer]) -> None:
    """Remove the tokens of customers about to be deleted."""
    for customer in customers:
        drop_record_tokens(CustomerSearchToken.customer_id, customer.id, current_tokens(customer))


def _capped_count(lookup, cap: int = COUNT_CAP) -> int:
    """Index rows matching lookup (a condition on the token), counted up to cap."""
    return capped_count(CustomerSearchToken.customer_id, lookup, cap)


def _query_tokens(term: str) -> set[str]:
    """Tokens every match of the term must have; none for terms too short to be indexed.

    Phones are indexed as 4-digit grams only, so a 2-3 digit fragment has no token that all its
    matches share: it is answered by LIKE, newest first (such fragments are in a few percent of
    all phone numbers, so a page fills after a short scan). One character: see _lookups.
    """
    if term.isdigit():
        return _digit_grams(term) if len(term) >= 4 else set()
    return _bigrams(term) if len(term) >= 2 else set()


def _tokens_containing(char: str) -> list[str] | None:
    """The vocabulary's tokens that contain char, or None when there are more than VOCABULARY_CAP."""
    pattern = f"%{_escape_like(char)}%"
    tokens = list(db.session.scalars(select(CustomerSearchVocabulary.token)
                                     .where(CustomerSearchVocabulary.token.like(pattern, escape="\\"))
                                     .limit(VOCABULARY_CAP + 1)))
    return None if len(tokens) > VOCABULARY_CAP else tokens


def _lookups(term: str) -> list:
    """Conditions on the token column, each of which every customer matching the term satisfies.

    A term of one non-digit character matches exactly the customers holding a token that contains
    it (every character of a field is in one of its bigrams or is a one-character word), so all
    those tokens together are one lookup; None when the vocabulary has no such token. Single digits
    keep the newest-first scan (they are in almost every phone number).
    """
    if len(term) == 1 and not term.isdigit():
        tokens = _tokens_containing(term)
        if tokens is None:
            return []
        return [CustomerSearchToken.token.in_(tokens) if tokens else None]
    return [CustomerSearchToken.token == token for token in _query_tokens(term)]


def _confirm(term: str):
    """The term appears in one of the searched fields (what the tokens promise, checked exactly)."""
    pattern = f"%{_escape_like(term)}%"
    conditions = [func.lower(getattr(Customer, name)).like(pattern, escape="\\")
                  for name in ("name", "contact_name", "address", "email", "remark")]
    conditions += [getattr(Customer, name).like(pattern, escape="\\")
                   for name in ("province", "city", "district", "qq", "pinyin")]
    if term.isdigit():
        conditions += [getattr(Customer, key).like(pattern, escape="\\") for key in PHONE_KEYS]
    if term.upper().startswith("CT"):
        conditions.append(Customer.code.like(f"{_escape_like(term.upper())}%", escape="\\"))
    return or_(*conditions)


def _owner_ids(term: str) -> list[int]:
    """客服专员 by name: a search for (part of) an employee's name also lists that employee's customers.

    One character matches whole names only (a surname alone would list most of the company).
    """
    if len(term) < 2 or term.isdigit():
        condition = Employee.real_name == term
    else:
        condition = Employee.real_name.like(f"%{_escape_like(term)}%", escape="\\")
    return list(db.session.scalars(select(Employee.id).where(condition).limit(50)))


def search_condition(query: str):
    """A condition on Customer for a search box text: every whitespace-separated term must match.

    The term whose rarest lookup (a token, or for one character the tokens containing it) is
    rarest drives the lookup through the token table; the other terms are confirmed with LIKE on
    those few candidates.
    """
    terms = list(dict.fromkeys(t[:50] for t in (query or "").lower().split() if t))[:5]
    if not terms:
        return None
    best: tuple[int, object, int] | None = None  # (count, lookup, term index)
    parts = []
    for index, term in enumerate(terms):
        if _PHONE_LIKE.fullmatch(term) and len(digits(term)) >= 4:
            term = digits(term)  # 010-8756 or (0755)8888: phones are indexed as digits
        owners = _owner_ids(term)
        if term.upper().startswith("CT") and len(term) >= 4:
            match = Customer.code.like(f"{_escape_like(term.upper())}%", escape="\\")
        else:
            match = _confirm(term)
            for lookup in _lookups(term):
                # Only a rarer lookup can win; counting to 1 still tells an absent token.
                cap = max(best[0], 1) if best is not None else COUNT_CAP
                count = 0 if lookup is None else _capped_count(lookup, cap)
                if count == 0 and not owners:
                    return false()
                if best is None or count < best[0]:
                    best = (count, lookup, index)
        parts.append([match, owners])
    if best is not None and 0 < best[0] < COUNT_CAP:
        # A rare token drives the lookup; when even the rarest is everywhere (有限公司), matches are so
        # dense that scanning newest-first with LIKE finds a page at once, cheaper than a huge IN list.
        driving = select(CustomerSearchToken.customer_id).where(best[1])
        parts[best[2]][0] = and_(Customer.id.in_(driving), parts[best[2]][0])
    conditions = [or_(match, Customer.owner_id.in_(owners)) if owners else match for match, owners in parts]
    return conditions[0] if len(conditions) == 1 else and_(*conditions)
