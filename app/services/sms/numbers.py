"""手机号码 typed or picked for 群发短信: split, normalised, checked, duplicates removed and counted."""

import re
from dataclasses import dataclass, field

MOBILE = re.compile(r"^1[3-9]\d{9}$")  # mainland China mobile numbers
SEPARATORS = re.compile(r"[,，;；\n\r]+")
MAX_PER_SEND = 500


@dataclass
class NumberList:
    valid: list[str] = field(default_factory=list)
    duplicates: int = 0
    invalid: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"有效号码 {len(self.valid)} 个"
        if self.duplicates:
            text += f"，已去除重复号码 {self.duplicates} 个"
        if self.invalid:
            text += f"，已去除无效号码 {len(self.invalid)} 个"
        return text


def normalise(raw: str) -> str:
    """13800138000 from "138-0013-8000", "+86 138 0013 8000", "0086 13800138000", "86 13800138000"."""
    digits = re.sub(r"[\s\-()（）]", "", raw)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


def is_mobile(number: str | None) -> bool:
    return bool(number) and bool(MOBILE.fullmatch(normalise(number)))


def parse_numbers(text: str | None) -> NumberList:
    result = NumberList()
    seen: set[str] = set()
    for raw in SEPARATORS.split((text or "").replace("\x00", "")[:200_000]):
        raw = raw.strip()
        if not raw:
            continue
        number = normalise(raw)
        if not MOBILE.fullmatch(number):
            result.invalid.append(raw[:30])
        elif number in seen:
            result.duplicates += 1
        else:
            seen.add(number)
            result.valid.append(number)
    return result
