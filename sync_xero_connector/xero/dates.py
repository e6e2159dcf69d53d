# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Xero dates: one parser for MS-JSON (``/Date(1563753600000+0000)/``) and ISO 8601 strings.

MS-JSON carries UTC milliseconds since the epoch plus, optionally, the offset of the
organisation's local time: ``/Date(1419937200000+1300)/`` is 2014-12-30 11:00 UTC, i.e.
2014-12-31 00:00 at +13:00, so its date is 31 December.
"""

import re
from datetime import date, datetime, timedelta, timezone

from dateutil import parser as dateutil_parser

_MS_JSON = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def parse_datetime(value):
    """Return an aware datetime (in the offset Xero gave, UTC when none), or None for empty.

    Accepts MS-JSON strings, ISO 8601 strings (naive ones are taken as UTC), datetime and date.
    Raises ValueError with the offending value for anything else.
    """
    if value in (None, "", False):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    if not isinstance(value, str):
        raise ValueError(f"Not a Xero date: {value!r}")
    text = value.strip()
    match = _MS_JSON.match(text)
    if match:
        moment = _EPOCH + timedelta(milliseconds=int(match.group(1)))
        offset = match.group(2)
        if offset:
            sign = 1 if offset[0] == "+" else -1
            delta = timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5]))
            moment = moment.astimezone(timezone(sign * delta))
        return moment
    try:
        parsed = dateutil_parser.isoparse(text)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"Not a Xero date: {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def parse_date(value):
    """Return the calendar date of a Xero date field (local date of the organisation)."""
    moment = parse_datetime(value)
    return moment.date() if moment else None


def to_utc(value):
    """Return a naive UTC datetime (what Odoo stores in Datetime fields)."""
    moment = parse_datetime(value)
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment else None


def format_date(value):
    """``YYYY-MM-DD`` for request bodies (Xero's request format)."""
    if not value:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        value = parse_date(value)
    return value.isoformat()


def format_if_modified_since(value):
    """The If-Modified-Since header value: ISO 8601 UTC, to the second (Xero's precision)."""
    moment = parse_datetime(value).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def to_ms_json(value):
    """``/Date(ms+0000)/`` for a datetime or date (used by tests and seeds)."""
    moment = parse_datetime(value).astimezone(timezone.utc)
    millis = int((moment - _EPOCH).total_seconds() * 1000)
    return f"/Date({millis}+0000)/"
