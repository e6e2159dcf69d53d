"""List queries: ``where`` (common forms), ``order``, If-Modified-Since, paging."""

import datetime as dt
import math
import re

from .. import msdate
from .common import bad_request

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<lpar>\() | (?P<rpar>\)) |
        (?P<and>AND\b|&&) | (?P<or>OR\b|\|\|) | (?P<not>NOT\b|!(?!=)) |
        (?P<op>==|!=|>=|<=|>|<|=) |
        (?P<guid>Guid\(\s*"(?P<guidv>[^"]*)"\s*\)) |
        (?P<date>DateTime\(\s*(?P<datev>[^)]*)\)) |
        (?P<num>-?\d+(?:\.\d+)?) |
        (?P<bool>true\b|false\b|null\b) |
        (?P<method>\.(?:Contains|StartsWith|EndsWith|ToLower|ToUpper)\b) |
        (?P<field>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*?(?=\s*(?:==|!=|>=|<=|>|<|=|\.(?:Contains|StartsWith|EndsWith|ToLower|ToUpper)\b|\)|$|\s)))
    )""",
    re.VERBOSE | re.IGNORECASE,
)


def _where_error(text):
    return bad_request(f"Invalid 'where' expression: {text}", number=16, error_type="QueryParseException")


def _field_value(record, path):
    value = record
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        if part in value:
            value = value[part]
        else:
            # Xero field names are case-insensitive in filters.
            lowered = part.lower()
            value = next((v for k, v in value.items() if k.lower() == lowered), None)
    return value


def _comparable(value):
    """Turn MS-JSON dates into datetimes so that DateTime(...) comparisons work."""
    if isinstance(value, str) and value.startswith("/Date("):
        ms = msdate.ms_from_json(value)
        if ms is not None:
            return msdate.EPOCH + dt.timedelta(milliseconds=ms)
    return value


def _string_literal(text, pos):
    """(value, end) of the string literal opening at ``pos``, the way Xero's parser
    (System.Linq.Dynamic) reads it: up to the next double quote, a doubled quote standing for
    one; a backslash is an ordinary character. 400 when it never closes."""
    parts, start = [], pos + 1
    while True:
        end = text.find('"', start)
        if end < 0:
            raise _where_error(text)
        parts.append(text[start:end])
        if text.startswith('"', end + 1):
            parts.append('"')
            start = end + 2
            continue
        return "".join(parts), end + 1


def _tokens(text):
    pos, out = 0, []
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        blank = len(text) - len(text[pos:].lstrip())
        if text.startswith('"', blank):
            value, pos = _string_literal(text, blank)
            out.append(("str", value))
            continue
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise _where_error(text)
        pos = m.end()
        kind = m.lastgroup if m.lastgroup not in ("guidv", "datev") else None
        for name in (
            "lpar",
            "rpar",
            "and",
            "or",
            "not",
            "op",
            "guid",
            "date",
            "num",
            "bool",
            "method",
            "field",
        ):
            if m.group(name) is not None:
                kind = name
                break
        raw = m.group(kind)
        if kind == "guid":
            value = m.group("guidv").lower()
        elif kind == "date":
            parts = [int(p) for p in re.split(r"\s*,\s*", m.group("datev").strip()) if p]
            while len(parts) < 3:
                parts.append(1)
            value = dt.datetime(*parts, tzinfo=msdate.UTC)
        elif kind == "num":
            value = float(raw)
        elif kind == "bool":
            value = {"true": True, "false": False, "null": None}[raw.lower()]
        elif kind == "method":
            value = raw[1:].lower()
        else:
            value = raw
        out.append((kind, value))
    return out


class _Parser:
    """Recursive descent: or_expr := and_expr (OR and_expr)*; and_expr := unary (AND unary)*."""

    def __init__(self, text):
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self, kind=None):
        tok = self.peek()
        if tok[0] is None or (kind and tok[0] != kind):
            raise _where_error(self.text)
        self.i += 1
        return tok

    def parse(self):
        pred = self.or_expr()
        if self.i != len(self.toks):
            raise _where_error(self.text)
        return pred

    def or_expr(self):
        preds = [self.and_expr()]
        while self.peek()[0] == "or":
            self.take()
            preds.append(self.and_expr())
        return preds[0] if len(preds) == 1 else (lambda r: any(p(r) for p in preds))

    def and_expr(self):
        preds = [self.unary()]
        while self.peek()[0] == "and":
            self.take()
            preds.append(self.unary())
        return preds[0] if len(preds) == 1 else (lambda r: all(p(r) for p in preds))

    def unary(self):
        kind = self.peek()[0]
        if kind == "not":
            self.take()
            inner = self.unary()
            return lambda r: not inner(r)
        if kind == "lpar":
            self.take()
            inner = self.or_expr()
            self.take("rpar")
            return inner
        return self.comparison()

    def comparison(self):
        _, field = self.take("field")
        transform = None
        kind, value = self.peek()
        while kind == "method" and value in ("tolower", "toupper"):
            self.take()
            if self.peek()[0] == "lpar":
                self.take()
                self.take("rpar")
            transform = value
            kind, value = self.peek()
        if kind == "method":
            self.take()
            self.take("lpar")
            _, arg = self.take()
            self.take("rpar")
            arg = str(arg).lower()
            test = {
                "contains": lambda s: arg in s,
                "startswith": lambda s: s.startswith(arg),
                "endswith": lambda s: s.endswith(arg),
            }[value]
            return lambda r: test(str(_field_value(r, field) or "").lower())
        if kind is None:
            # A bare boolean field, e.g. "IsSold".
            return lambda r: _field_value(r, field) is True
        _, op = self.take("op")
        lit_kind, literal = self.take()
        if lit_kind not in ("str", "guid", "date", "num", "bool"):
            raise _where_error(self.text)
        return _compare(field, op, literal, lit_kind, transform)


def _compare(field, op, literal, lit_kind, transform):
    def norm(value):
        value = _comparable(value)
        if isinstance(value, str):
            if lit_kind in ("guid",) or transform:
                value = value.lower()
            elif lit_kind == "num":
                try:
                    return float(value)
                except ValueError:
                    return value
        if lit_kind == "date" and isinstance(value, dt.datetime):
            return value
        return value

    if isinstance(literal, str) and transform:
        literal = literal.lower()

    def pred(record):
        value = norm(_field_value(record, field))
        if op in ("==", "="):
            return value == literal
        if op == "!=":
            return value != literal
        if value is None or literal is None:
            return False
        try:
            if op == ">":
                return value > literal
            if op == "<":
                return value < literal
            if op == ">=":
                return value >= literal
            return value <= literal
        except TypeError:
            return False

    return pred


def where_predicate(text):
    """A predicate for a Xero ``where`` expression, or None when empty. 400 when unparseable."""
    if not text or not text.strip():
        return None
    return _Parser(text.strip()).parse()


def apply_order(records, order_text, default_key=None):
    """Sort by ``"Field [ASC|DESC], Field2 ..."``; stable."""
    if not order_text or not order_text.strip():
        if default_key:
            return sorted(records, key=default_key)
        return list(records)
    out = list(records)
    specs = [part.strip().split() for part in order_text.split(",") if part.strip()]
    for spec in reversed(specs):
        field = spec[0]
        desc = len(spec) > 1 and spec[1].upper() == "DESC"

        def key(record, field=field):
            value = _comparable(_field_value(record, field))
            if value is None:
                return (0, "")
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return (1, value)
            if isinstance(value, dt.datetime):
                return (2, value.timestamp())
            return (3, str(value).lower())

        out.sort(key=key, reverse=desc)
    return out


def modified_since(header):
    """Epoch ms from an If-Modified-Since header value (ISO 8601 or RFC 1123); 400 when bad."""
    if not header:
        return None
    text = header.strip()
    try:
        moment = msdate.parse_datetime(text)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            raise bad_request(f"If-Modified-Since header is not a valid date: {text}") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=msdate.UTC)
    # Xero is accurate to the second.
    return int(moment.timestamp()) * 1000


def updated_ms(record):
    return msdate.ms_from_json(record.get("UpdatedDateUTC")) or 0


def paginate(records, page_text, size_text, allow_size=True):
    """(page of records, pagination dict or None). ``page`` absent means all records, no block."""
    if page_text in (None, ""):
        return records, None
    try:
        page = int(page_text)
    except ValueError:
        raise bad_request("page must be an integer") from None
    page = max(page, 1)
    size = DEFAULT_PAGE_SIZE
    if allow_size and size_text not in (None, ""):
        try:
            size = int(size_text)
        except ValueError:
            raise bad_request("pageSize must be an integer") from None
        if size < 1:
            size = DEFAULT_PAGE_SIZE
        size = min(size, MAX_PAGE_SIZE)
    total = len(records)
    start = (page - 1) * size
    block = {
        "page": page,
        "pageSize": size,
        "pageCount": math.ceil(total / size) if total else 0,
        "itemCount": total,
    }
    return records[start : start + size], block
