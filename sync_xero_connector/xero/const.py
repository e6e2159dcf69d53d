# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Xero endpoints, scopes and limits (see ../shared/xero/API_FACTS.md)."""

LOGIN_URL = "https://login.xero.com"
IDENTITY_URL = "https://identity.xero.com"
API_URL = "https://api.xero.com"

AUTHORIZE_PATH = "/identity/connect/authorize"
TOKEN_PATH = "/connect/token"
REVOCATION_PATH = "/connect/revocation"
CONNECTIONS_PATH = "/connections"
ACCOUNTING_PATH = "/api.xro/2.0"

# Broad scopes (apps created before 2 March 2026; they stop working 13 Sep 2027).
BROAD_SCOPES = (
    "openid profile email offline_access "
    "accounting.transactions accounting.contacts accounting.settings accounting.attachments"
)
# Granular scopes (apps created on/after 2 March 2026).
GRANULAR_SCOPES = (
    "openid profile email offline_access "
    "accounting.invoices accounting.payments accounting.banktransactions accounting.manualjournals "
    "accounting.settings accounting.contacts accounting.attachments"
)
# Custom Connections (client_credentials): no refresh token, no offline_access / openid.
CUSTOM_CONNECTION_SCOPES = (
    "accounting.transactions accounting.contacts accounting.settings accounting.attachments"
)
OFFLINE_ACCESS = "offline_access"

# Xero recommends at most 50 elements per write; a single request body is limited to 3.5 MB.
MAX_BATCH = 50
MAX_BODY_BYTES = 3_500_000
MAX_PAGE_SIZE = 1000
# An IDs filter with more than ~52 GUIDs fails on URL length: stay below.
MAX_IDS_PER_REQUEST = 50
# Numbers per read with a numbers filter (InvoiceNumbers=), and at most this many characters of
# URL-encoded filter or where clause per read (an IDs list of ~52 GUIDs, about 1,900 characters,
# was too long for Xero: API_FACTS §5).
MAX_NUMBERS_PER_REQUEST = 100
MAX_FILTER_CHARS = 1500
# Idempotency-Key: 128 characters at most.
MAX_IDEMPOTENCY_KEY = 128

# Per tenant: 5 concurrent calls, 60 a minute, 5,000 a day.
CONCURRENCY_LIMIT = 5
MINUTE_LIMIT = 60
DAY_LIMIT = 5000

ZERO_ID = "00000000-0000-0000-0000-000000000000"
