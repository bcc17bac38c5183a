"""Request limits as the real services count them: fixed windows per key, on `timeutil.now()`
(so a test can move the clock past a window instead of waiting)."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from govpress_support.core import timeutil


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset: int  # whole seconds until the window ends


class Window:
    """`limit` requests per `seconds` for each key."""

    def __init__(self, limit: int, seconds: float):
        self.limit = limit
        self.seconds = seconds
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, *, count: bool = True) -> Verdict:
        """Count one request (unless `count` is False) and say whether it is within the limit."""
        now = timeutil.now().timestamp()
        slot = int(now // self.seconds)
        reset = max(1, math.ceil((slot + 1) * self.seconds - now))
        with self._lock:
            used = self._counts.get((key, slot), 0)
            if not count:
                return Verdict(True, self.limit, max(0, self.limit - used), reset)
            if used >= self.limit:
                return Verdict(False, self.limit, 0, reset)
            used += 1
            self._counts[(key, slot)] = used
            if len(self._counts) > 1000:
                self._counts = {k: v for k, v in self._counts.items() if k[1] >= slot - 1}
        return Verdict(True, self.limit, self.limit - used, reset)

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()
