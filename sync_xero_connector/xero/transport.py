# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The one place where HTTP happens.

``Transport.request`` adds the timeouts, retries 5xx and connection errors with capped
exponential back-off and jitter, waits out minute-limit 429s (``Retry-After``), stops on the
day limit with a typed error, paces calls per tenant, maps error answers to typed errors and
hands a redacted record of every attempt to ``log_hook``.
"""

import json
import logging
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import requests

from . import errors
from .ratelimit import DEFAULT_REGISTRY
from .redact import redact_headers, redact_text, redact_url
from .validate import safe_text

_logger = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({500, 502, 503, 504})
RATE_HEADERS = (
    "X-MinLimit-Remaining",
    "X-DayLimit-Remaining",
    "X-AppMinLimit-Remaining",
    "X-Rate-Limit-Problem",
    "Retry-After",
)


@dataclass
class RetryPolicy:
    """Every knob of the transport; the defaults suit Xero's published limits."""

    connect_timeout: float = 10.0
    read_timeout: float = 90.0
    # 5xx and connection errors: attempts in all (first one included), back-off between them.
    max_attempts: int = 5
    backoff_base: float = 1.0
    backoff_cap: float = 30.0
    jitter: float = 0.25  # +/- fraction of the back-off
    # 429 minute/concurrent: how many times to wait, and the longest wait accepted.
    max_rate_limit_waits: int = 5
    max_retry_after: float = 120.0
    default_retry_after: float = 5.0
    # Slow down when X-MinLimit-Remaining is at or below this.
    min_remaining_threshold: int = 5
    minute_window: float = 60.0
    concurrency: int = 5
    # Xero's day: no call is sent once its last answer said this many or fewer are left
    # (X-DayLimit-Remaining); the run stops there, as on Xero's own day-limit 429.
    day_reserve: int = 0
    # Bodies longer than this are cut in the log records.
    log_body_limit: int = 65536

    def backoff(self, attempt, rng=random):
        delay = min(self.backoff_cap, self.backoff_base * (2 ** (attempt - 1)))
        if self.jitter:
            delay *= 1 + rng.uniform(-self.jitter, self.jitter)
        return max(0.0, delay)


@dataclass
class XeroResponse:
    status: int
    headers: dict
    content: bytes
    duration_ms: float
    url: str
    attempts: int = 1

    @property
    def data(self):
        if not self.content:
            return None
        try:
            return json.loads(self.content)
        except ValueError:
            return None

    def rate_limits(self):
        return {name: self.headers.get(name) for name in RATE_HEADERS if name in self.headers}


@dataclass
class Transport:
    """HTTP chokepoint. ``sleep`` and ``clock`` are injectable so tests need not wait."""

    policy: RetryPolicy = field(default_factory=RetryPolicy)
    session: requests.Session = None
    log_hook: object = None  # callable(dict) receiving one redacted record per attempt
    sleep: object = time.sleep
    clock: object = time.monotonic
    limiters: object = DEFAULT_REGISTRY
    secrets: tuple = ()  # literal strings to mask wherever they appear (client secret...)
    rng: object = field(default_factory=random.Random)

    def __post_init__(self):
        if self.session is None:
            self.session = requests.Session()

    # ------------------------------------------------------------------ public
    def request(
        self,
        method,
        url,
        *,
        tenant_id=None,
        access_token=None,
        params=None,
        json_body=None,
        data=None,
        content=None,
        headers=None,
        auth=None,
        idempotency_key=None,
        accept="application/json",
    ):
        """Send one logical request (retried as the policy says) and return XeroResponse.

        Raises a subclass of ``errors.XeroError`` for anything but a 2xx answer.
        """
        method = method.upper()
        full_url = url + ("?" + urlencode(params, doseq=True) if params else "")
        send_headers = {"Accept": accept, "User-Agent": "sync_xero_connector/19.0"}
        if access_token:
            send_headers["Authorization"] = f"Bearer {access_token}"
        if tenant_id:
            send_headers["xero-tenant-id"] = tenant_id
        if idempotency_key:
            send_headers["Idempotency-Key"] = idempotency_key
        body = None
        if json_body is not None:
            body = json.dumps(json_body, separators=(",", ":"), ensure_ascii=False).encode()
            send_headers["Content-Type"] = "application/json"
        elif content is not None:
            body = content
        send_headers.update(headers or {})

        limiter = self.limiters.get(tenant_id, self.policy.concurrency) if tenant_id else None
        if limiter is not None:
            self.check_day_budget(tenant_id, 1)
        attempt = 0
        rate_waits = 0
        while True:
            attempt += 1
            if limiter is not None:
                delay = limiter.pacing_delay(
                    self.clock(), self.policy.min_remaining_threshold, self.policy.minute_window
                )
                if delay > 0:
                    _logger.info("Xero minute budget low for tenant: pausing %.1f s", delay)
                    self.sleep(delay)
            try:
                response = self._send(
                    method, full_url, send_headers, body, data, auth, limiter, attempt, tenant_id
                )
            except errors.XeroConnectionError:
                if attempt < self.policy.max_attempts:
                    self.sleep(self.policy.backoff(attempt, self.rng))
                    continue
                raise
            response.attempts = attempt
            if response.status == 429:
                problem = (response.headers.get("X-Rate-Limit-Problem") or "").lower()
                retry_after = _retry_after(response.headers, self.policy.default_retry_after)
                if problem == "day":
                    if limiter is not None:
                        # Xero said when: the call after that pause goes, whatever it said.
                        limiter.state.day_remaining = None
                    raise self._day_limit_error(response, retry_after)
                if (
                    rate_waits < self.policy.max_rate_limit_waits
                    and retry_after <= self.policy.max_retry_after
                ):
                    rate_waits += 1
                    attempt -= 1  # waiting out a rate limit is not a failed attempt
                    self.sleep(retry_after)
                    continue
                raise errors.XeroRateLimitError(
                    f"Xero's {problem or 'rate'} limit was hit {rate_waits + 1} times in a row "
                    f"(Retry-After {retry_after:.0f} s). Try again later or lower the sync volume.",
                    body=response.data,
                    problem=problem or None,
                    retry_after=retry_after,
                )
            if response.status in RETRYABLE_STATUS and attempt < self.policy.max_attempts:
                self.sleep(self.policy.backoff(attempt, self.rng))
                continue
            if response.status >= 400:
                raise error_for(response, self.secrets)
            return response

    # ----------------------------------------------------------------- helpers
    def _send(self, method, url, headers, body, data, auth, limiter, attempt, tenant_id):
        started = self.clock()
        wall = time.monotonic()
        record = {
            "method": method,
            "url": redact_url(url),
            "tenant_id": tenant_id,
            "attempt": attempt,
            "request_headers": redact_headers(headers),
            "request_body": self._log_body(body if body is not None else _form(data)),
            "idempotency_key": headers.get("Idempotency-Key"),
        }
        token = limiter.acquire() if limiter is not None else None
        try:
            raw = self.session.request(
                method,
                url,
                headers=headers,
                data=body if body is not None else data,
                auth=auth,
                timeout=(self.policy.connect_timeout, self.policy.read_timeout),
                allow_redirects=False,
            )
        except (
            requests.ConnectionError,
            requests.Timeout,
            requests.exceptions.ChunkedEncodingError,
        ) as exc:
            record.update(
                status=0,
                duration_ms=(time.monotonic() - wall) * 1000,
                error=f"{type(exc).__name__}: could not reach Xero",
            )
            self._emit(record)
            raise errors.XeroConnectionError(
                f"Could not reach Xero at {redact_url(url)} ({type(exc).__name__}). "
                "Check the network and the account's URLs; the request will be retried."
            ) from None
        finally:
            if limiter is not None:
                limiter.release(token)
        response = XeroResponse(
            status=raw.status_code,
            headers=dict(raw.headers),
            content=raw.content,
            duration_ms=(time.monotonic() - wall) * 1000,
            url=url,
        )
        if limiter is not None:
            limiter.update(response.headers, started)
        record.update(
            status=response.status,
            duration_ms=response.duration_ms,
            response_headers=redact_headers(response.headers),
            response_body=self._log_body(response.content),
            rate_limits=response.rate_limits(),
        )
        self._emit(record)
        return response

    def _log_body(self, body):
        if body is None:
            return None
        if isinstance(body, bytes):
            try:
                body = body.decode("utf-8")
            except UnicodeDecodeError:
                return f"<{len(body)} bytes of binary content>"
        # Storable by any log sink: what Xero sent may hold NUL or lone surrogates.
        text = safe_text(redact_text(body, self.secrets))
        limit = self.policy.log_body_limit
        return text if len(text) <= limit else text[:limit] + f"... <{len(text) - limit} more>"

    def _emit(self, record):
        _logger.debug(
            "Xero %s %s -> %s (%.0f ms, attempt %s)",
            record["method"],
            record["url"],
            record.get("status"),
            record.get("duration_ms") or 0,
            record["attempt"],
        )
        if self.log_hook is not None:
            try:
                self.log_hook(record)
            except Exception:  # a failing log sink must never break a sync
                _logger.exception("Xero API log hook failed")

    def check_day_budget(self, tenant_id, calls):
        """Raise XeroDayLimitError when Xero's last answer for ``tenant_id`` left fewer than
        ``calls`` beyond the reserve: a run stops before a batch it could not finish."""
        limiter = self.limiters.get(tenant_id, self.policy.concurrency)
        left = limiter.state.day_remaining
        if left is None or left - calls >= self.policy.day_reserve:
            return
        # Xero's count moves on with its rolling day: after the pause, ask Xero again.
        limiter.state.day_remaining = None
        raise errors.XeroDayLimitError(
            f"Xero's daily API limit for this organisation is nearly used up ({left} calls "
            "left, as Xero's last answer said): the sync stopped before sending more and will "
            "continue from where it stopped."
        )

    def _day_limit_error(self, response, retry_after):
        resume_at = datetime.now(timezone.utc) + timedelta(seconds=retry_after)
        return errors.XeroDayLimitError(
            "Xero's daily API limit for this organisation is used up. Calls may resume at "
            f"{resume_at:%Y-%m-%d %H:%M} UTC (in {retry_after / 3600:.1f} h); the sync will "
            "continue from where it stopped.",
            body=response.data,
            retry_after=retry_after,
            resume_at=resume_at,
        )


def _form(data):
    if data is None:
        return None
    return urlencode(data) if isinstance(data, dict) else data


def _retry_after(headers, default):
    value = headers.get("Retry-After")
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return default


def _validation_messages(body):
    """All ValidationErrors messages of a 400 body, in order, without repeats."""
    messages = []
    for element in (body or {}).get("Elements") or []:
        for error in element.get("ValidationErrors") or []:
            message = error.get("Message")
            if message and message not in messages:
                messages.append(message)
    return messages


def error_for(response, secrets=()):
    """Map an error answer to a typed error with an actionable, redacted message."""
    status = response.status
    body = response.data
    detail = ""
    if isinstance(body, dict):
        detail = (
            body.get("Detail")
            or body.get("Message")
            or body.get("error_description")
            or body.get("error")
            or body.get("Title")
            or ""
        )
    elif response.content:
        detail = response.content[:300].decode("utf-8", errors="replace")
    detail = redact_text(str(detail), secrets)
    where = redact_url(response.url)
    if isinstance(body, dict) and body.get("error"):
        code = body["error"]
        if code == "invalid_grant":
            return errors.XeroInvalidGrant(
                "Xero refused the authorization (invalid_grant): the refresh token is expired, "
                "revoked or already used. Reconnect the Xero account.",
                status=status,
                body=body,
            )
        return errors.XeroAuthError(
            f"Xero's identity service refused the request ({code}). Check the client id, "
            "client secret, redirect URI and scopes of the Xero account.",
            status=status,
            body=body,
        )
    if status == 400:
        messages = _validation_messages(body)
        text = "; ".join(messages) or detail or "Bad request"
        return errors.XeroValidationError(
            f"Xero rejected the request: {text}",
            body=body,
            messages=messages or ([detail] if detail else []),
            elements=(body or {}).get("Elements") if isinstance(body, dict) else None,
        )
    if status == 401:
        return errors.XeroAuthError(
            "Xero did not accept the access token (expired or revoked). It is refreshed "
            "automatically; if this persists, reconnect the Xero account.",
            status=status,
            body=body,
        )
    if status == 403:
        return errors.XeroForbidden(
            "Xero refused access to this organisation: it was disconnected from the app, the "
            "user lost access, or a scope is missing. Reconnect the Xero account."
            + (f" ({detail})" if detail else ""),
            status=status,
            body=body,
        )
    if status == 404:
        return errors.XeroNotFound(
            f"Not found in Xero: {where}" + (f" ({detail})" if detail else ""),
            status=status,
            body=body,
        )
    if status >= 500:
        return errors.XeroServerError(
            f"Xero is not available right now (HTTP {status}); retry later."
            + (f" ({detail})" if detail else ""),
            status=status,
            body=body,
        )
    return errors.XeroError(
        f"Xero answered HTTP {status} for {where}" + (f": {detail}" if detail else ""),
        status=status,
        body=body,
    )
