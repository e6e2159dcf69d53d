# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Typed errors of the Xero client.

Every message says what happened and what to do; none ever contains a token, a secret or an
authorization code (the transport builds them from redacted material only).
"""


class XeroError(Exception):
    """Base class. ``status`` is the HTTP status when there was a response."""

    def __init__(self, message, status=None, body=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.body = body

    def __str__(self):
        return self.message


class XeroConnectionError(XeroError):
    """Xero could not be reached (DNS, refused, timeout, dropped connection) after the retries."""


class XeroAuthError(XeroError):
    """401, or a token endpoint error: the access token is expired or revoked, or the app
    credentials are wrong."""


class XeroInvalidGrant(XeroAuthError):
    """The refresh token (or authorization code) is no longer valid: the user must reconnect."""


class XeroForbidden(XeroError):
    """403: the organisation is not connected to this token any more, or a scope is missing."""


class XeroNotFound(XeroError):
    """404: the record or endpoint does not exist in this organisation."""


class XeroValidationError(XeroError):
    """400 ValidationException: Xero refused the request; ``messages`` lists all of its
    messages and ``elements`` the echoed elements with their own ValidationErrors."""

    def __init__(self, message, status=400, body=None, messages=None, elements=None):
        super().__init__(message, status=status, body=body)
        self.messages = list(messages or [])
        self.elements = list(elements or [])


class XeroRateLimitError(XeroError):
    """429 that could not be waited out. ``problem`` is Xero's X-Rate-Limit-Problem value
    (minute, day, concurrent, appminute) and ``retry_after`` the seconds Xero asked for."""

    def __init__(self, message, status=429, body=None, problem=None, retry_after=None):
        super().__init__(message, status=status, body=body)
        self.problem = problem
        self.retry_after = retry_after


class XeroDayLimitError(XeroRateLimitError):
    """The daily call limit of the organisation is used up. ``resume_at`` (aware UTC datetime,
    or None when Xero did not say) tells when calls may resume."""

    def __init__(self, message, status=429, body=None, retry_after=None, resume_at=None):
        super().__init__(message, status=status, body=body, problem="day", retry_after=retry_after)
        self.resume_at = resume_at


class XeroServerError(XeroError):
    """5xx after the retries: Xero (or the organisation) is not available right now."""


class XeroInsecureEndpoint(XeroError):
    """An OAuth or API URL that would carry the client secret or tokens in clear text: plain
    http to anything but this machine (``url`` is the URL refused, without its query)."""

    def __init__(self, message, url=None):
        super().__init__(message)
        self.url = url
