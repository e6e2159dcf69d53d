# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Xero webhooks: signature check and payload parsing."""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field


def signature(key, raw_body):
    """base64(HMAC-SHA256(key, raw body)), as Xero sends in ``x-xero-signature``."""
    if isinstance(key, str):
        key = key.encode()
    mac = hmac.new(key, raw_body, hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def verify_signature(key, raw_body, received):
    """Constant-time check of ``x-xero-signature``; False (never an exception) when the key,
    body or header is missing, so a misconfigured endpoint fails closed."""
    if not key or raw_body is None or not received:
        return False
    expected = signature(key, raw_body)
    return hmac.compare_digest(expected.encode(), str(received).strip().encode())


@dataclass
class WebhookEvent:
    resource_id: str
    resource_url: str
    event_category: str
    event_type: str
    tenant_id: str
    tenant_type: str
    event_date: str
    data: dict = field(default_factory=dict)


# The objects an event category may concern (INVOICE covers invoices and bills: its events do
# not say which, the document's Type does).
CATEGORY_KEYS = {
    "CONTACT": ("contacts",),
    "INVOICE": ("invoices", "bills"),
    "CREDITNOTE": ("credit_notes",),
}


def parse_payload(raw_body):
    """(events, first_sequence, last_sequence). An intent-to-receive probe has no events."""
    payload = json.loads(raw_body or b"{}")
    events = [
        WebhookEvent(
            resource_id=item.get("resourceId"),
            resource_url=item.get("resourceUrl"),
            event_category=item.get("eventCategory"),
            event_type=item.get("eventType"),
            tenant_id=item.get("tenantId"),
            tenant_type=item.get("tenantType"),
            event_date=item.get("eventDateUtc"),
            data=item.get("data") or {},
        )
        for item in payload.get("events") or []
    ]
    return events, payload.get("firstEventSequence"), payload.get("lastEventSequence")
