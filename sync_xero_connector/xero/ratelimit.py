# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Per-tenant pacing: at most N calls in flight, and slowing down before the minute wall.

Xero answers every call with ``X-MinLimit-Remaining`` / ``X-DayLimit-Remaining``. The limiter
remembers them per tenant; when the minute budget runs low it spreads the remaining calls over
the rest of the (estimated) minute window instead of running into a 429.
The limiter here holds within one process; a registry may hand out limiters that also hold
across processes (the Odoo layer's, coordinated in PostgreSQL: models/xero_rate_call.py), by
overriding ``acquire``/``release``. Xero's own 429, which the transport waits out, stays the
last resort.
"""

import threading
from dataclasses import dataclass, field


@dataclass
class RateState:
    min_remaining: int = None
    day_remaining: int = None
    app_min_remaining: int = None
    window_start: float = None  # clock() when the current minute window was first seen
    most_min_remaining: int = None  # the highest X-MinLimit-Remaining ever seen

    def as_dict(self):
        return {
            "min_remaining": self.min_remaining,
            "day_remaining": self.day_remaining,
            "app_min_remaining": self.app_min_remaining,
        }


def _int_header(headers, name):
    value = headers.get(name)
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


@dataclass
class TenantLimiter:
    concurrency: int
    semaphore: threading.BoundedSemaphore = field(init=False)
    state: RateState = field(default_factory=RateState)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self):
        self.semaphore = threading.BoundedSemaphore(self.concurrency)

    def acquire(self):
        """Wait for the right to send one call; -> a token for ``release``."""
        self.semaphore.acquire()

    def release(self, token=None):
        self.semaphore.release()

    def minute_limit(self, default=60):
        """Calls a minute the server allows: Xero's 60, unless its answers said more remain
        (a test server with other limits)."""
        seen = self.state.most_min_remaining
        return max(default, seen + 1) if seen is not None else default

    def pacing_delay(self, now, threshold, window=60.0):
        """Seconds to wait before the next call, 0 when there is budget left."""
        with self.lock:
            remaining = self.state.min_remaining
            start = self.state.window_start
            if remaining is None or start is None or remaining > threshold:
                return 0.0
            left_in_window = max(0.0, start + window - now)
            if left_in_window == 0.0:
                return 0.0
            if remaining <= 0:
                return left_in_window
            return left_in_window / (remaining + 1)

    def update(self, headers, now):
        """Record the rate-limit headers of a response."""
        minute = _int_header(headers, "X-MinLimit-Remaining")
        day = _int_header(headers, "X-DayLimit-Remaining")
        app = _int_header(headers, "X-AppMinLimit-Remaining")
        with self.lock:
            state = self.state
            if minute is not None:
                # A higher remaining count than before means a new minute window began.
                if state.min_remaining is None or minute > state.min_remaining:
                    state.window_start = now
                state.min_remaining = minute
                state.most_min_remaining = max(state.most_min_remaining or 0, minute)
            if day is not None:
                state.day_remaining = day
            if app is not None:
                state.app_min_remaining = app


class LimiterRegistry:
    """One TenantLimiter per (API base, tenant). Shared process-wide by default."""

    def __init__(self):
        self._limiters = {}
        self._lock = threading.Lock()

    def get(self, key, concurrency):
        with self._lock:
            limiter = self._limiters.get(key)
            if limiter is None or limiter.concurrency != concurrency:
                limiter = self._limiters[key] = TenantLimiter(concurrency)
            return limiter


DEFAULT_REGISTRY = LimiterRegistry()
