"""Password policy: length limits plus zxcvbn's guess estimate, explained in Chinese."""

from zxcvbn import zxcvbn

from app.services.errors import ValidationFailed

MIN_LENGTH = 8
MAX_LENGTH = 128
# zxcvbn score 2 means about 10^8 guesses: safe against online guessing, which the login lockout throttles.
MIN_SCORE = 2
ESTIMATED_CHARS = 72  # zxcvbn's own limit; a longer password is judged by its beginning
PRODUCT_WORDS = ["xingzhu", "crm", "admin", "星烛"]
# Why a password is weak, by the kind of pattern zxcvbn found; the first kind present wins.
PATTERN_MESSAGES = (
    ("user_input", "密码不能包含用户名、姓名或系统名称"),
    ("spatial", "密码不能是键盘上连续的按键（如 qwerty、asdfgh）"),
    ("sequence", "密码不能是连续的数字或字母（如 12345678、abcdefg）"),
    ("repeat", "密码不能是重复的字符（如 aaaaaaaa、abcabc）"),
    ("common", "该密码过于常见（如 12345678、password、qwerty），很容易被猜到"),
    ("date", "密码不能只是日期或年份"),
)
GENERIC = "密码太容易被猜到"
ADVICE = "，请使用至少 8 位、不常见的字母、数字和符号组合"


def _weakness(matches) -> str:
    kinds = set()
    for match in matches:
        pattern = match["pattern"]
        if pattern == "dictionary":
            kinds.add("user_input" if match.get("dictionary_name") == "user_inputs" else "common")
        else:
            kinds.add(pattern)
    return next((message for kind, message in PATTERN_MESSAGES if kind in kinds), GENERIC)


def check_password_policy(password: str, username: str, *other_inputs: str) -> None:
    """Refuse short, overlong, common or trivially guessable passwords with the reason in Chinese."""
    if not password or len(password) < MIN_LENGTH:
        raise ValidationFailed(f"密码至少需要 {MIN_LENGTH} 个字符")
    if len(password) > MAX_LENGTH:
        raise ValidationFailed(f"密码不能超过 {MAX_LENGTH} 个字符")
    if password.lower() == (username or "").lower():
        raise ValidationFailed("密码不能与用户名相同")
    inputs = [value for value in (username, *other_inputs) if value] + PRODUCT_WORDS
    result = zxcvbn(password[:ESTIMATED_CHARS], user_inputs=inputs)
    if result["score"] < MIN_SCORE:
        raise ValidationFailed(_weakness(result["sequence"]) + ADVICE)
