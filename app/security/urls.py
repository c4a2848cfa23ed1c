"""One check for every URL a user may send us back to (next=, url=, return URLs, the Referer).

Browsers "repair" URLs before following them (WHATWG URL parsing): they drop tabs and newlines
anywhere, trim spaces and control characters at the ends, read a backslash as a slash, and take
`//host` as another site. So `/\\evil.example`, `/%09/evil.example` (decoded by the query-string
parser to a tab) or `java\nscript:` all lead elsewhere although they "start with /". We normalise
the way a browser does and then accept only a path on this host; anything else gets the fallback.
"""

import re
from urllib.parse import unquote, urlsplit, urlunsplit

from flask import request

MAX_LENGTH = 2000
_STRIPPED_BY_BROWSERS = re.compile(r"[\t\n\r]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21)) + "\x7f"


def _browser_normalised(target: str) -> str:
    target = _STRIPPED_BY_BROWSERS.sub("", target).strip(_C0_AND_SPACE)
    return target.replace("\\", "/")


def _is_local_path(target: str) -> bool:
    if not target.startswith("/") or target.startswith("//") or _CONTROL.search(target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def _own_host_path(target: str) -> str | None:
    """An absolute URL on this very host (a Referer header) as a path; None otherwise."""
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or parts.username or parts.password:
        return None
    try:
        host = request.host
    except RuntimeError:
        return None
    if parts.netloc.lower() != host.lower():
        return None
    return urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))


def safe_return_url(target, fallback: str | None = None) -> str | None:
    """target if it is a path on this host once a browser has normalised it, else fallback.

    Encoded forms are checked too: a target whose percent-decoded form (up to three rounds) would
    leave the site is refused, so a later decode by a proxy or a second redirect cannot turn it
    into one.
    """
    if not isinstance(target, str) or not target or len(target) > MAX_LENGTH:
        return fallback
    normalised = _browser_normalised(target)
    if not normalised.startswith("/"):
        normalised = _own_host_path(normalised) or ""
    if not _is_local_path(normalised):
        return fallback
    decoded = normalised
    for _ in range(3):
        step = unquote(decoded)
        if step == decoded:
            break
        decoded = _browser_normalised(step)
        if not _is_local_path(decoded.split("?", 1)[0]):
            return fallback
    return normalised


def route_flask_admin_redirects() -> None:
    """Flask-Admin reads its `url` parameter through helpers.get_redirect_target, imported by name
    into its model views and actions: point those names at the same check."""
    import flask_admin.actions
    import flask_admin.model.base

    def get_redirect_target(param_name: str = "url") -> str | None:
        return safe_return_url(request.values.get(param_name))

    flask_admin.model.base.get_redirect_target = get_redirect_target
    flask_admin.actions.get_redirect_target = get_redirect_target
