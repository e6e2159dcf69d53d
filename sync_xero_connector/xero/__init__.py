# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Framework-free Xero client. Never imports odoo: pytest imports it as ``xero`` and Odoo as
``odoo.addons.sync_xero_connector.xero``."""

from . import const, dates, errors, objects, redact, validate, webhooks
from .client import (
    CREATED,
    REJECTED,
    UPDATED,
    ElementResult,
    XeroClient,
    idempotency_key,
    url_chunks,
    where_equals,
)
from .errors import (
    XeroAuthError,
    XeroConnectionError,
    XeroDayLimitError,
    XeroError,
    XeroForbidden,
    XeroInsecureEndpoint,
    XeroInvalidGrant,
    XeroNotFound,
    XeroRateLimitError,
    XeroServerError,
    XeroValidationError,
)
from .oauth import (
    Connection,
    TokenSet,
    XeroOAuth,
    check_endpoint,
    new_code_verifier,
    normalize_scopes,
    pkce_challenge,
)
from .transport import RetryPolicy, Transport, XeroResponse

__all__ = [
    "CREATED",
    "REJECTED",
    "UPDATED",
    "Connection",
    "ElementResult",
    "RetryPolicy",
    "TokenSet",
    "Transport",
    "XeroAuthError",
    "XeroClient",
    "XeroConnectionError",
    "XeroDayLimitError",
    "XeroError",
    "XeroForbidden",
    "XeroInsecureEndpoint",
    "XeroInvalidGrant",
    "XeroNotFound",
    "XeroOAuth",
    "XeroRateLimitError",
    "XeroResponse",
    "XeroServerError",
    "XeroValidationError",
    "const",
    "dates",
    "check_endpoint",
    "errors",
    "idempotency_key",
    "new_code_verifier",
    "normalize_scopes",
    "objects",
    "pkce_challenge",
    "redact",
    "validate",
    "url_chunks",
    "webhooks",
    "where_equals",
]
