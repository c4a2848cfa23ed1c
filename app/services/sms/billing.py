"""Length counter and billing of a text, per the SMS account's settings.

The manual bills 65 characters per message, at most 200 per text (200 -> 4, 65 -> 1, 66 -> 2), and counts
Chinese and Latin letters, digits and punctuation alike. Providers such as Aliyun and Huawei count 70 for one
message and 67 per part of a longer one, the 【signature】 included: each account says which rule applies.
"""

import math

from app.services.errors import ValidationFailed
from models.sms import SmsAccount


def length(text: str) -> int:
    return len(text)


def billed_length(account: SmsAccount, text: str) -> int:
    extra = len(account.signature) + 2 if account.count_signature else 0
    return length(text) + extra


def parts(account: SmsAccount, text: str) -> int:
    """Billed messages for one number."""
    billed = billed_length(account, text)
    if billed == 0:
        return 0
    if billed <= account.single_chars:
        return 1
    return math.ceil(billed / account.part_chars)


def check_content(account: SmsAccount, content: str | None) -> str:
    text = (content or "").replace("\x00", "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationFailed("短信内容不能为空")
    if length(text) > account.max_chars:
        raise ValidationFailed(f"短信内容不能超过 {account.max_chars} 个字符，当前 {length(text)} 个")
    if "【" in text or "】" in text:
        raise ValidationFailed("短信内容中不能包含【】，签名由短信账户自动加上")
    return text
