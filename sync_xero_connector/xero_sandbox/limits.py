"""Xero's API limits: per tenant 60/minute, 5,000/day and 5 in flight; app-wide 10,000/minute.

Windows are fixed, on the sandbox clock, and start at a tenant's first call after the previous one ended
(so they reset at different times per tenant, as Xero's do).
"""

import math
import threading


class _Window:
    def __init__(self, length):
        self.length = length
        self.start = None
        self.count = 0

    def roll(self, now):
        if self.start is None or now >= self.start + self.length:
            self.start = now
            self.count = 0

    def retry_after(self, now):
        return max(1, int(math.ceil(self.start + self.length - now)))


class Limits:
    def __init__(self, clock, minute_limit=60, day_limit=5000, concurrency_limit=5, app_minute_limit=10000):
        self.clock = clock
        self.minute_limit = minute_limit
        self.day_limit = day_limit
        self.concurrency_limit = concurrency_limit
        self.app_minute_limit = app_minute_limit
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self.minute = {}
            self.day = {}
            self.in_flight = {}
            self.app = _Window(60)

    def acquire(self, tenant_id):
        """Count a call. Returns (problem or None, retry_after or None, headers)."""
        with self._lock:
            now = self.clock.time()
            minute = self.minute.setdefault(tenant_id, _Window(60))
            day = self.day.setdefault(tenant_id, _Window(86400))
            for window in (minute, day, self.app):
                window.roll(now)
            problem = retry = None
            if day.count >= self.day_limit:
                problem, retry = "day", day.retry_after(now)
            elif self.app.count >= self.app_minute_limit:
                problem, retry = "appminute", self.app.retry_after(now)
            elif minute.count >= self.minute_limit:
                problem, retry = "minute", minute.retry_after(now)
            elif self.in_flight.get(tenant_id, 0) >= self.concurrency_limit:
                problem = "concurrent"
            if problem is None:
                minute.count += 1
                day.count += 1
                self.app.count += 1
                self.in_flight[tenant_id] = self.in_flight.get(tenant_id, 0) + 1
            return problem, retry, self._headers(tenant_id)

    def release(self, tenant_id):
        with self._lock:
            self.in_flight[tenant_id] = max(0, self.in_flight.get(tenant_id, 0) - 1)

    def headers(self, tenant_id=None):
        with self._lock:
            now = self.clock.time()
            for window in [self.app] + (
                [self.minute[tenant_id], self.day[tenant_id]] if tenant_id in self.minute else []
            ):
                window.roll(now)
            return self._headers(tenant_id)

    def _headers(self, tenant_id):
        minute = self.minute.get(tenant_id)
        day = self.day.get(tenant_id)
        return {
            "X-DayLimit-Remaining": str(max(0, self.day_limit - (day.count if day else 0))),
            "X-MinLimit-Remaining": str(max(0, self.minute_limit - (minute.count if minute else 0))),
            "X-AppMinLimit-Remaining": str(max(0, self.app_minute_limit - self.app.count)),
        }
