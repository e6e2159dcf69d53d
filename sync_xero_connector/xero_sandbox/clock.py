"""The sandbox clock: real UTC time plus an offset that tests move forward."""

import datetime as dt
import threading
import time


class Clock:
    def __init__(self):
        self._offset = 0.0
        self._lock = threading.Lock()
        self._moved = threading.Condition()

    def time(self):
        """Seconds since the epoch, on the sandbox clock."""
        with self._lock:
            return time.time() + self._offset

    def now(self):
        """Aware UTC datetime, on the sandbox clock."""
        return dt.datetime.fromtimestamp(self.time(), tz=dt.UTC)

    def today(self):
        return self.now().date()

    def advance(self, seconds):
        with self._lock:
            self._offset += float(seconds)
        with self._moved:
            self._moved.notify_all()

    def sleep(self, seconds):
        """Wait until the sandbox clock has moved ``seconds`` on: real time passing, or advance()."""
        deadline = self.time() + float(seconds)
        with self._moved:
            while True:
                left = deadline - self.time()
                if left <= 0:
                    return
                self._moved.wait(min(left, 0.05))

    def reset(self):
        with self._lock:
            self._offset = 0.0
