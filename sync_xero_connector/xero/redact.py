# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Redaction of secrets before anything is logged or put in an exception message."""

import json
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"
SECRET_HEADERS = frozenset(
    {"authorization", "cookie", "set-cookie", "x-xero-signature", "proxy-authorization"}
)
SECRET_KEYS = frozenset(
    {
        "access_token",
        "refresh_token",
        "id_token",
        "client_secret",
        "code",
        "code_verifier",
        "token",
        "password",
        "assertion",
        "webhook_key",
    }
)
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")


def redact_headers(headers):
    """Copy of ``headers`` with secret values masked."""
    return {
        name: (MASK if name.lower() in SECRET_HEADERS else value) for name, value in (headers or {}).items()
    }


def redact_url(url):
    """URL with secret query parameters masked (tokens never belong in URLs, but codes do)."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = [
        (key, MASK if key.lower() in SECRET_KEYS else value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(parts._replace(query=urlencode(query, safe="/=\"'")))


def redact_obj(obj):
    """Deep copy of a JSON-like object with secret keys masked."""
    if isinstance(obj, dict):
        return {
            key: (MASK if str(key).lower() in SECRET_KEYS and value else redact_obj(value))
            for key, value in obj.items()
        }
    if isinstance(obj, list):
        return [redact_obj(item) for item in obj]
    return obj


def redact_text(text, secrets=()):
    """Mask JSON or form secrets in a body string, bearer/basic credentials, and any literal
    ``secrets`` given (e.g. the client secret of the account)."""
    if not text:
        return text
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    stripped = text.lstrip()
    if stripped[:1] in "{[":
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None  # not JSON after all: the masks below still apply
        if parsed is not None:
            text = json.dumps(redact_obj(parsed), ensure_ascii=False)
    elif "=" in text and " " not in text.strip() and "\n" not in text.strip():
        pairs = parse_qsl(text, keep_blank_values=True)
        if pairs:
            text = urlencode([(k, MASK if k.lower() in SECRET_KEYS else v) for k, v in pairs], safe="/")
    text = _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", text)
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, MASK)
    return text
