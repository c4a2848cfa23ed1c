"""The view toolkit's input rules: one id parser and one text cleaner for every view and form.

* Ids are ASCII digits only (str.isdigit also accepts "²" and "١") and must fit the column, so a
  crafted 30-digit id is a 404, not a driver overflow.
* Text never carries NUL or other control characters (PostgreSQL refuses NUL in text; the others
  only hide content); single-line fields lose tabs and line breaks too. Every request's query and
  form parameters are cleaned as they are parsed (CleanRequest), so a view or form written later
  inherits this without doing anything.
"""

import re
from decimal import Decimal

from flask import Request, flash, request
from werkzeug.datastructures import ImmutableMultiDict

from app.services.list_filters import (
    INT32_MAX,
    INT64_MAX,
    column_max,
    filter_value_fits,
)

_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")
# C0 controls except tab, line feed and carriage return (kept for multi-line fields), plus DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"[\t\r\n]+")
MAX_PARAMETER_LENGTH = 20_000  # no field of ours is longer; anything beyond is cut, never stored



def parse_id(value, column=None, maximum: int | None = None) -> int | None:
    """A positive record id from a URL or form, or None.

    ASCII digits only, no sign, at most the column type's maximum (BIGINT when no column is given).
    """
    text = value.strip() if isinstance(value, str) else ("" if value is None else str(value))
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    number = int(text)
    limit = maximum if maximum is not None else (column_max(column) if column is not None else INT64_MAX)
    return number if 0 < number <= limit else None


def form_id(name: str) -> int:
    """A record id posted in a form field; 0 (which no record has) for anything that is not one.

    The services then refuse 0 with their own message ("请选择…"), so a crafted value gets the same
    clear answer as an empty choice instead of an error page.
    """
    return parse_id(request.form.get(name)) or 0


def parse_ids(values, column=None, limit: int = 1000) -> list[int]:
    """Several ids (a comma-separated string or a list); anything that is not an id is dropped."""
    if isinstance(values, str):
        values = values.split(",")
    ids = [parse_id(value, column) for value in values or ()]
    return [i for i in ids if i is not None][:limit]


def parse_int(value, default: int, minimum: int = 0, maximum: int = INT32_MAX) -> int:
    """A small non-negative number such as ?page= or ?sort=: default unless ASCII digits in range."""
    text = value.strip() if isinstance(value, str) else ""
    if not _ASCII_DIGITS.fullmatch(text):
        return default
    number = int(text)
    return number if minimum <= number <= maximum else default


def clean_text(value, multiline: bool = False, max_length: int | None = None):
    """Text without NUL and control characters; tabs and line breaks only in multi-line fields."""
    if not isinstance(value, str):
        return value
    value = _CONTROL.sub("", value)
    value = value.replace("\r\n", "\n") if multiline else _LINE_BREAKS.sub(" ", value)
    return value[:max_length] if max_length is not None else value


class CleanParameters(ImmutableMultiDict):
    """Query and form parameters, cleaned as Werkzeug parses them (keys and values)."""

    def __init__(self, mapping=None):
        if isinstance(mapping, list):
            mapping = [(clean_text(k, multiline=True, max_length=200),
                        clean_text(v, multiline=True, max_length=MAX_PARAMETER_LENGTH)) for k, v in mapping]
        super().__init__(mapping)


class CleanRequest(Request):
    parameter_storage_class = CleanParameters


class SafeListArgsMixin:
    """Flask-Admin's list arguments (page, page_size, sort, desc, search, filter values) through the
    same rules: out-of-range numbers fall back to the defaults, search text is cleaned and bounded,
    and a filter value that does not fit its column is refused with Flask-Admin's own message."""

    MAX_PAGE = 1_000_000
    MAX_SEARCH = 200

    def _get_list_extra_args(self):
        args = super()._get_list_extra_args()
        args.page = parse_int(request.args.get("page"), 0, maximum=self.MAX_PAGE)
        if "goto" in request.args:  # 转到 N 页 (1-based, typed); anything else shows page 1
            args.page = parse_int(request.args.get("goto"), 1, minimum=1, maximum=self.MAX_PAGE) - 1
        args.extra_args.pop("goto", None)
        page_size = parse_int(request.args.get("page_size"), 0, maximum=1000)
        args.page_size = page_size if page_size in (getattr(self, "page_size_options", None) or ()) else 0
        args.sort = parse_int(request.args.get("sort"), None, maximum=1000)
        args.sort_desc = parse_int(request.args.get("desc"), None, maximum=1)
        search = request.args.get("search")
        args.search = clean_text(search, max_length=self.MAX_SEARCH).strip() or None if search else None
        return args

    def _get_list_filter_args(self):
        filters = super()._get_list_filter_args()
        if not filters:
            return filters
        kept = []
        for entry in filters:
            idx, _name, value = entry
            flt = self._filters[idx]
            if filter_value_fits(flt, value):
                kept.append(entry)
            else:
                flash(self.get_invalid_value_msg(value, flt), "error")
        return kept


MAX_NUMBER = Decimal("1e16")  # Numeric(18, 2) holds up to 16 digits before the point


def bad_numbers(form) -> list:
    """Decimal fields accept "Infinity", "NaN", "sNaN" and "1e999", which then break validators,
    arithmetic or the database. Clear them before validation (validate_numbers adds the message)."""
    bad = []
    for field in form:
        value = field.data if field.type == "DecimalField" else None
        if isinstance(value, Decimal) and (not value.is_finite() or abs(value) >= MAX_NUMBER):
            field.data = None
            bad.append(field)
    return bad


def report_bad_numbers(fields) -> bool:
    for field in fields:
        field.errors = [*field.errors, "请输入有效的数字（不超过 16 位整数）"]
    return not fields
