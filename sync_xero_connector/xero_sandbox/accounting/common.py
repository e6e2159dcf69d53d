"""Shared pieces of the accounting API: errors, money, envelopes, small parsers."""

import datetime as dt
import uuid
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .. import msdate

PROVIDER_NAME = "Xero Sandbox"
ZERO_ID = "00000000-0000-0000-0000-000000000000"
CENT = Decimal("0.01")


class ApiError(Exception):
    """An answer other than 200: status, JSON (or text) body, extra headers."""

    def __init__(self, status, body, headers=None):
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


class Invalid(Exception):
    """Validation errors for one element: a list of messages."""

    def __init__(self, *messages):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


def not_found():
    return ApiError(404, "The resource you're looking for cannot be found", {"Content-Type": "text/plain"})


def bad_request(message, elements=None, error_type="ValidationException", number=10):
    body = {"ErrorNumber": number, "Type": error_type, "Message": message}
    if elements is not None:
        body["Elements"] = elements
    return ApiError(400, body)


def validation_failure(elements):
    return bad_request("A validation exception occurred", elements)


def new_id():
    return str(uuid.uuid4())


def dec(value, field="value"):
    """Decimal of a JSON number or numeric string; Invalid if not a number."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise Invalid(f"{field} must be a number")
    try:
        out = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise Invalid(f"{field} must be a number") from None
    if not out.is_finite():
        raise Invalid(f"{field} must be a number")
    return out


def q(value, places=2):
    """Round half up to ``places`` decimals."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def money(value):
    """JSON number for a money Decimal (2 dp)."""
    return float(q(value))


def num(value, places=4):
    return float(q(value, places))


def as_bool(value, default=False):
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1", "yes")


def envelope(now, key, items, extra=None):
    body = {
        "Id": new_id(),
        "Status": "OK",
        "ProviderName": PROVIDER_NAME,
        "DateTimeUTC": msdate.ms_json_plain(now),
    }
    if extra:
        body.update(extra)
    body[key] = items
    return body


def parse_date_field(value, field):
    try:
        return msdate.parse_date(value)
    except (ValueError, TypeError):
        raise Invalid(f"{field} '{value}' is not a valid date") from None


def stamp(record, now, with_string=True):
    """Bump UpdatedDateUTC (and UpdatedDateUTCString where the object has it)."""
    record["UpdatedDateUTC"] = msdate.ms_json(now)
    if with_string:
        record["UpdatedDateUTCString"] = msdate.utc_string(now)
    return record


def record_date(record, field="Date"):
    """The date of a stored record's MS-JSON field, or None."""
    value = record.get(field)
    ms = msdate.ms_from_json(value)
    if ms is None:
        return None
    return (msdate.EPOCH + dt.timedelta(milliseconds=ms)).date()


def is_uuid(value):
    try:
        uuid.UUID(str(value))
        return True
    except ValueError:
        return False
