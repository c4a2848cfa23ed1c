"""Pinyin initials (拼音简码) for search keys, computed over the whole text so polyphonic
characters such as 重庆 and 银行 come out right."""

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

_KEEP = re.compile(r"[^0-9a-z]")


@lru_cache(maxsize=65536)
def initials(text: str | None) -> str:
    """'华为手机 Mate60' -> 'hwsjmate60' (lowercase; digits and latin kept)."""
    if not text:
        return ""
    letters = lazy_pinyin(text, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
    return _KEEP.sub("", "".join(letters).lower())
