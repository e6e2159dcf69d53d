"""Webhook delivery: Xero's payload shape, ``x-xero-signature`` = base64(HMAC-SHA256(key, raw body)).

Events from committed writes are queued; a background thread batches whatever is queued (after a short
pause) and POSTs it with urllib. Failed deliveries are retried a few times with a growing pause (Xero
retries for up to 24 hours; the sandbox gives up sooner). Every attempt is kept in ``deliveries``.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import queue
import secrets
import threading
import time
import urllib.error
import urllib.request

BATCH_PAUSE = 0.05
RETRY_PAUSES = (0.2, 0.5, 1.0)
PATHS = {"CONTACT": "Contacts", "INVOICE": "Invoices", "CREDITNOTE": "CreditNotes"}


def sign(key, body):
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


def post(url, body, signature, timeout=5):
    """POST one payload; returns the HTTP status received (0 if the connection failed)."""
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "x-xero-signature": signature},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return 0


class Webhooks:
    def __init__(self, url=None, key=None):
        self.url = url
        self.key = key
        self.sequence = 0
        self.deliveries = []  # dicts: body (bytes), payload, signature, status, attempt
        self._queue = queue.Queue()
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()
        self._thread = None
        self._stop = False

    @property
    def enabled(self):
        return bool(self.url and self.key)

    def start(self):
        if self._thread is None:
            self._stop = False
            self._thread = threading.Thread(target=self._run, name="xero-sandbox-webhooks", daemon=True)
            self._thread.start()

    def stop(self):
        self._stop = True
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread = None

    def emit(self, tenant_id, base_url, events, now):
        """Queue events from one committed write: (category, type, resource id, data)."""
        if not self.enabled or not events:
            return
        stamp = now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
        for category, event_type, resource_id, data in events:
            with self._lock:
                self.sequence += 1
                seq = self.sequence
            event = {
                "resourceUrl": f"{base_url}/api.xro/2.0/{PATHS[category]}/{resource_id}",
                "resourceId": resource_id,
                "eventDateUtc": stamp,
                "eventType": event_type,
                "eventCategory": category,
                "tenantId": tenant_id,
                "tenantType": "ORGANISATION",
            }
            if data:
                event["data"] = data
            self._idle.clear()
            self._queue.put((seq, event))

    def flush(self, timeout=10):
        """Wait until everything queued so far has been delivered (or given up)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self._queue.empty() and self._idle.is_set():
                return True
            time.sleep(0.01)
        return False

    def _run(self):
        while not self._stop:
            item = self._queue.get()
            if item is None:
                continue
            self._idle.clear()
            time.sleep(BATCH_PAUSE)
            batch = [item]
            while True:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is not None:
                    batch.append(more)
            self._deliver(batch)
            if self._queue.empty():
                self._idle.set()

    def _deliver(self, batch):
        payload = {
            "events": [event for _, event in batch],
            "firstEventSequence": batch[0][0],
            "lastEventSequence": batch[-1][0],
            "entropy": secrets.token_urlsafe(15).upper()[:20],
        }
        body = json.dumps(payload, separators=(",", ":")).encode()
        signature = sign(self.key, body)
        for attempt, pause in enumerate((0.0,) + RETRY_PAUSES, 1):
            if pause:
                time.sleep(pause)
            status = post(self.url, body, signature)
            self.deliveries.append(
                {
                    "payload": payload,
                    "body": body,
                    "signature": signature,
                    "status": status,
                    "attempt": attempt,
                }
            )
            if status == 200:
                return

    def intent_to_receive(self, rounds=4):
        """Xero's validation: payloads with no events, alternately signed correctly and incorrectly.

        Returns [(signed_correctly, status received), ...]; the endpoint passes when it answered 200 to
        every correct one and 401 to every incorrect one.
        """
        if not self.enabled:
            raise RuntimeError("webhooks are not configured (webhook_url and webhook_key)")
        results = []
        for index in range(rounds):
            payload = {
                "events": [],
                "firstEventSequence": 0,
                "lastEventSequence": 0,
                "entropy": secrets.token_urlsafe(15).upper()[:20],
            }
            body = json.dumps(payload, separators=(",", ":")).encode()
            correct = index % 2 == 0
            signature = sign(self.key if correct else self.key + "-wrong", body)
            status = post(self.url, body, signature)
            self.deliveries.append(
                {
                    "payload": payload,
                    "body": body,
                    "signature": signature,
                    "status": status,
                    "attempt": 1,
                    "intent_to_receive": True,
                }
            )
            results.append((correct, status))
        return results
