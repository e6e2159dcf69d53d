# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Xero's limits per organisation held across every Odoo process: at most 5 calls in flight
and 60 in any 62 seconds, whatever the number of HTTP workers, cron threads and servers.

PostgreSQL, the one component they all share, coordinates them, on a connection of the
limiter's own (autocommit: nothing waits for a run's transaction):

- a call in flight holds one of five session advisory locks of its organisation (a process
  that dies releases its locks with its connection);
- each call sent is a row of ``xero_rate_call``; a call is sent only while fewer than the
  minute limit were sent in the last 62 seconds, counted under a transaction advisory lock.

The transport (xero/transport.py) asks ``acquire`` before each HTTP request and ``release``
after it; its own pacing from Xero's headers and its waiting out of a 429 stay as they are.
"""

import logging
import threading
import time
import zlib

import psycopg2

from odoo import fields, models
from odoo.sql_db import connection_info_for

from ..xero.ratelimit import LimiterRegistry, TenantLimiter

_logger = logging.getLogger(__name__)

# Xero counts 60 calls in its own minute windows: a call is logged here a little before
# Xero receives it (more so on a busy machine), so the window is a little longer than 60 s.
WINDOW_SECONDS = 62
POLL_SECONDS = 0.05


class XeroRateCall(models.Model):
    _name = "xero.rate.call"
    _description = "Xero API call of the last minute (shared rate limit)"
    _log_access = False

    tenant_id = fields.Char(required=True, index=True)
    called_at = fields.Datetime(required=True)


def _lock_key(tenant_id):
    """A signed 32-bit key of the organisation for the two-key advisory locks."""
    value = zlib.crc32(f"sync_xero_connector:{tenant_id}".encode())
    return value - (1 << 32) if value >= (1 << 31) else value


class SharedTenantLimiter(TenantLimiter):
    """The process's limiter of one organisation, plus the database's slots and minute log."""

    def __init__(self, concurrency, registry, tenant_id):
        super().__init__(concurrency)
        self.registry = registry
        self.tenant_id = tenant_id
        self.key = _lock_key(tenant_id)

    def acquire(self):
        super().acquire()  # this process's threads first
        try:
            return self.registry.take(self)
        except Exception:
            super().release()
            raise

    def release(self, token=None):
        try:
            if token is not None:
                self.registry.give_back(self, token)
        finally:
            super().release()
        return None


class PgLimiterRegistry(LimiterRegistry):
    """One per database and process (``registry_for``): limiters whose bounds hold across
    processes. If the database cannot be reached for it, calls go on under the process's own
    bounds (logged): the limiter never stops a sync that Xero would accept."""

    def __init__(self, dbname):
        super().__init__()
        self.dbname = dbname
        self._cnx = None
        self._sql = threading.Lock()
        self._held = set()

    def get(self, key, concurrency):
        with self._lock:
            limiter = self._limiters.get(key)
            if limiter is None or limiter.concurrency != concurrency:
                limiter = self._limiters[key] = SharedTenantLimiter(concurrency, self, key)
            return limiter

    # ------------------------------------------------------------ database
    def _cursor(self):
        if self._cnx is None or self._cnx.closed:
            __, info = connection_info_for(self.dbname)
            self._cnx = psycopg2.connect(**info)
            self._cnx.autocommit = True
        return self._cnx.cursor()

    def _run(self, fn):
        with self._sql:
            try:
                with self._cursor() as cr:
                    return fn(cr)
            except psycopg2.Error as exc:
                _logger.warning(
                    "Xero shared rate limit unavailable (%s): this process's own bounds apply", exc
                )
                if self._cnx is not None:
                    self._cnx.close()
                self._cnx = None
                self._held.clear()  # a closed session holds no lock any more
                return None

    def take(self, limiter):
        """Wait for a free slot of the organisation and room in its minute; -> the slot."""
        limit = limiter.minute_limit()
        while True:
            slot = self._run(lambda cr: self._try_slot(cr, limiter))
            if slot is None:
                return None  # the database is not there for it: process bounds only
            if slot >= 0:
                wait = self._run(lambda cr: self._log_call(cr, limiter, limit))
                if not wait:
                    return slot
                self.give_back(limiter, slot)
                time.sleep(min(wait, 1.0))
                continue
            time.sleep(POLL_SECONDS)

    def _try_slot(self, cr, limiter):
        for slot in range(limiter.concurrency):
            if (limiter.key, slot) in self._held:
                continue  # held by another thread of this process (same session)
            cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (limiter.key, slot))
            if cr.fetchone()[0]:
                self._held.add((limiter.key, slot))
                return slot
        return -1

    def _log_call(self, cr, limiter, limit):
        """Record one call unless ``limit`` were sent in the last window; -> seconds to
        wait (0: recorded)."""
        cr.execute("BEGIN")
        try:
            cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (limiter.key, -1))
            cr.execute(
                "DELETE FROM xero_rate_call WHERE tenant_id = %s AND called_at < "
                "(now() AT TIME ZONE 'UTC') - %s * interval '1 second'",
                (limiter.tenant_id, WINDOW_SECONDS),
            )
            cr.execute(
                "SELECT count(*), min(called_at) FROM xero_rate_call WHERE tenant_id = %s",
                (limiter.tenant_id,),
            )
            count, oldest = cr.fetchone()
            if count >= limit:
                cr.execute(
                    "SELECT EXTRACT(EPOCH FROM %s + %s * interval '1 second' - "
                    "(clock_timestamp() AT TIME ZONE 'UTC'))",
                    (oldest, WINDOW_SECONDS),
                )
                wait = max(float(cr.fetchone()[0] or 0), POLL_SECONDS)
            else:
                cr.execute(
                    "INSERT INTO xero_rate_call (tenant_id, called_at) VALUES "
                    "(%s, clock_timestamp() AT TIME ZONE 'UTC')",
                    (limiter.tenant_id,),
                )
                wait = 0
            cr.execute("COMMIT")
            return wait
        except Exception:
            cr.execute("ROLLBACK")
            raise

    def give_back(self, limiter, slot):
        if slot is None:
            return

        def unlock(cr):
            cr.execute("SELECT pg_advisory_unlock(%s, %s)", (limiter.key, slot))
            self._held.discard((limiter.key, slot))
            return True

        self._run(unlock)


_REGISTRIES = {}
_REGISTRIES_LOCK = threading.Lock()


def registry_for(dbname):
    """The process's shared-limit registry of ``dbname``."""
    with _REGISTRIES_LOCK:
        if dbname not in _REGISTRIES:
            _REGISTRIES[dbname] = PgLimiterRegistry(dbname)
        return _REGISTRIES[dbname]
