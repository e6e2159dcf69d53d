"""Dates the way Xero writes them (MS-JSON ``/Date(ms+0000)/``) and reads them (ISO or MS-JSON).

The sandbox has its own date code on purpose: it shares nothing with the client in ``xero/``, so that a
mistake in one is caught by the other.
"""

import datetime as dt
import re

UTC = dt.UTC
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
_MS_RE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def ms_of(moment):
    """Milliseconds since the epoch of an aware datetime (or a date, taken as midnight UTC)."""
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return int(round((moment - EPOCH).total_seconds() * 1000))
    return (moment - EPOCH.date()).days * 86400000


def ms_json(moment):
    """``/Date(1563753600000+0000)/`` for a date or datetime."""
    return "/Date(%d+0000)/" % ms_of(moment)


def ms_json_plain(moment):
    """``/Date(1563753600000)/`` (the envelope's DateTimeUTC form)."""
    return "/Date(%d)/" % ms_of(moment)


def date_string(day):
    """``2019-03-11T00:00:00`` (DateString / DueDateString)."""
    return day.strftime("%Y-%m-%dT00:00:00")


def utc_string(moment):
    """``2019-03-11T17:58:46Z`` (UpdatedDateUTCString)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ms_from_json(value):
    """Milliseconds of an MS-JSON string, or None."""
    if not isinstance(value, str):
        return None
    m = _MS_RE.match(value)
    if not m:
        return None
    ms = int(m.group(1))
    off = m.group(2)
    if off:
        sign = 1 if off[0] == "+" else -1
        ms += sign * (int(off[1:3]) * 3600 + int(off[3:5]) * 60) * 1000
    return ms


def parse_datetime(value):
    """An aware UTC datetime from MS-JSON, ISO date or ISO datetime; None if empty; ValueError if bad."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=UTC)
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}")
    ms = ms_from_json(value)
    if ms is not None:
        return EPOCH + dt.timedelta(milliseconds=ms)
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    # Python 3.11 fromisoformat accepts most ISO-8601 forms, including fractions and offsets.
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_date(value):
    """A ``date`` from MS-JSON / ISO text; None if empty; ValueError if bad."""
    moment = parse_datetime(value)
    return moment.date() if moment else None


def date_fields(day, prefix="Date"):
    """{"Date": "/Date(..)/", "DateString": "...T00:00:00"} for a date (or {} for None)."""
    if day is None:
        return {}
    return {prefix: ms_json(day), prefix + "String": date_string(day)}
