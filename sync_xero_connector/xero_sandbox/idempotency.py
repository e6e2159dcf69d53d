"""Idempotency-Key: the same key and the same request within the retention window replays the first answer.

Keys are scoped per tenant (and per app: there is one app per sandbox). A key reused with a different
request (method, path, query or body) is refused with 400, the way Xero answers it per the third-party note
in API_FACTS.md section 3 (Xero's own text was not retrievable). Error answers are stored and replayed too.
"""

import hashlib
import threading

MAX_KEY_LENGTH = 128


class Idempotency:
    def __init__(self, clock, ttl=86400):
        self.clock = clock
        self.ttl = ttl
        self._lock = threading.Lock()
        self.entries = {}

    def reset(self):
        with self._lock:
            self.entries = {}

    @staticmethod
    def fingerprint(method, path, query, body):
        digest = hashlib.sha256()
        for part in (method.upper(), path, query or ""):
            digest.update(part.encode())
            digest.update(b"\0")
        digest.update(body or b"")
        return digest.hexdigest()

    def lookup(self, tenant_id, key, fingerprint):
        """None (new key), ("replay", answer) or ("conflict", None)."""
        with self._lock:
            now = self.clock.time()
            entry = self.entries.get((tenant_id, key))
            if entry is None or entry["expires"] <= now:
                self.entries.pop((tenant_id, key), None)
                return None
            if entry["fingerprint"] != fingerprint:
                return ("conflict", None)
            return ("replay", entry["answer"])

    def store(self, tenant_id, key, fingerprint, answer):
        with self._lock:
            self.entries[(tenant_id, key)] = {
                "fingerprint": fingerprint,
                "answer": answer,
                "expires": self.clock.time() + self.ttl,
            }
