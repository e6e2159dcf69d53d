"""The sandbox clock: real UTC time plus an offset that tests move forward."""
import datetime as dt
import threading
import time


class Clock:
    def __init__(self):
        self._offset = 0.0
        self._lock = threading.Lock()

    def time(self):
        """Seconds since the epoch, on the sandbox clock."""
        with self._lock:
            return time.time() + self._offset

    def now(self):
        """Aware UTC datetime, on the sandbox clock."""
        return dt.datetime.fromtimestamp(self.time(), tz=dt.timezone.utc)

    def today(self):
        return self.now().date()

    def advance(self, seconds):
        with self._lock:
            self._offset += float(seconds)

    def reset(self):
        with self._lock:
            self._offset = 0.0
