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
    XeroInvalidGrant,
    XeroNotFound,
    XeroRateLimitError,
    XeroServerError,
    XeroValidationError,
)
from .oauth import Connection, TokenSet, XeroOAuth, normalize_scopes
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
    "XeroInvalidGrant",
    "XeroNotFound",
    "XeroOAuth",
    "XeroRateLimitError",
    "XeroResponse",
    "XeroServerError",
    "XeroValidationError",
    "const",
    "dates",
    "errors",
    "idempotency_key",
    "normalize_scopes",
    "objects",
    "redact",
    "validate",
    "url_chunks",
    "webhooks",
    "where_equals",
]
