"""Security headers through flask-talisman: a CSP without inline script, no framing, no sniffing.

Scripts come from our own origin, or carry the per-request nonce (`nonce="{{ csp_nonce() }}"`, and
Flask-Admin's `admin_csp_nonce_attribute`). Styles may stay inline: Flask-Admin and the SVG charts
use style attributes. Pages are not cached (they hold customer data and CSRF tokens); static files are.
"""

from pathlib import Path

import flask_admin
from flask import request
from flask_talisman import Talisman
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Flask-Admin's own templates, reachable under this prefix when ours override one of them.
FLASK_ADMIN_TEMPLATES = Path(flask_admin.__file__).parent / "templates" / "bootstrap4"
ORIGINAL_PREFIX = "flask_admin_original"


def csp_nonce() -> str:
    return getattr(request, "csp_nonce", "")


def init_headers(app) -> None:
    secure = bool(app.config.get("SESSION_COOKIE_SECURE"))
    # One Talisman per app: it keeps its options on itself, and tests build several apps.
    app.extensions["talisman"] = Talisman(
        app,
        force_https=False,  # the embedded default is plain http on 127.0.0.1
        strict_transport_security=secure,  # only sent over https anyway
        session_cookie_secure=secure,
        session_cookie_http_only=True,
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        content_security_policy_nonce_in=["script-src"],
        referrer_policy="same-origin",
        x_content_type_options=True,
    )
    app.after_request(_no_store)
    app.jinja_loader = ChoiceLoader([
        app.jinja_loader,
        PrefixLoader({ORIGINAL_PREFIX: FileSystemLoader(str(FLASK_ADMIN_TEMPLATES))}),
    ])


def _no_store(response):
    endpoint = request.endpoint or ""
    if endpoint != "static" and not endpoint.endswith(".static"):
        response.headers["Cache-Control"] = "no-store"
    return response
