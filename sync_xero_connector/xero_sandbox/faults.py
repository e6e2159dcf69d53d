"""Faults injected for the next N matching requests (tests of retries and recovery).

``where_refused`` answers a read whose ``where`` contains ``params["contains"]`` with Xero's
400 QueryParseException: a clause Xero's parser refuses for a reason the sandbox's own parser
does not model.
"""

import threading
import urllib.parse

KINDS = ("http_500", "http_503", "drop_after_commit", "latency", "rate_limit", "where_refused")


class Faults:
    def __init__(self):
        self._lock = threading.Lock()
        self.pending = []

    def reset(self):
        with self._lock:
            self.pending = []

    def add(self, kind, count=1, method=None, path=None, **params):
        if kind not in KINDS:
            raise ValueError("unknown fault kind {!r}; one of {}".format(kind, ", ".join(KINDS)))
        if kind == "rate_limit" and params.get("problem", "minute") not in (
            "minute",
            "day",
            "concurrent",
            "appminute",
        ):
            raise ValueError("rate_limit problem must be minute, day, concurrent or appminute")
        if kind == "where_refused" and not params.get("contains"):
            raise ValueError("where_refused needs contains (a text of the refused where)")
        with self._lock:
            self.pending.append(
                {
                    "kind": kind,
                    "count": int(count),
                    "method": method.upper() if method else None,
                    "path": path,
                    "params": params,
                }
            )

    def take(self, method, path, query=""):
        """The first pending fault matching this request (consuming one of its count), or None."""
        with self._lock:
            for fault in self.pending:
                if fault["method"] and fault["method"] != method:
                    continue
                if fault["path"] and not path.lower().startswith(fault["path"].lower()):
                    continue
                if fault["kind"] == "where_refused":
                    where = urllib.parse.parse_qs(query or "").get("where", [""])[0]
                    if fault["params"]["contains"] not in where:
                        continue
                fault["count"] -= 1
                if fault["count"] <= 0:
                    self.pending.remove(fault)
                return fault
            return None
