"""Faults injected for the next N matching requests (tests of retries and recovery)."""
import threading

KINDS = ("http_500", "http_503", "drop_after_commit", "latency", "rate_limit")


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
        if kind == "rate_limit" and params.get("problem", "minute") not in ("minute", "day", "concurrent", "appminute"):
            raise ValueError("rate_limit problem must be minute, day, concurrent or appminute")
        with self._lock:
            self.pending.append({"kind": kind, "count": int(count), "method": method.upper() if method else None,
                                 "path": path, "params": params})

    def take(self, method, path):
        """The first pending fault matching this request (consuming one of its count), or None."""
        with self._lock:
            for fault in self.pending:
                if fault["method"] and fault["method"] != method:
                    continue
                if fault["path"] and not path.lower().startswith(fault["path"].lower()):
                    continue
                fault["count"] -= 1
                if fault["count"] <= 0:
                    self.pending.remove(fault)
                return fault
            return None
