"""Counts of what the sandbox was asked and what it did: requests by `METHOD /route-pattern`,
injected faults by kind, and requests refused by the real rate limits."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self.limited: Counter[str] = Counter()

    def request(self, name: str) -> None:
        with self._lock:
            self.requests[name] += 1

    def fault(self, kind: str) -> None:
        with self._lock:
            self.faults[kind] += 1

    def limit(self, name: str) -> None:
        with self._lock:
            self.limited[name] += 1

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.faults.clear()
            self.limited.clear()

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "total": sum(self.requests.values()),
                "requests": dict(sorted(self.requests.items())),
                "faults": dict(sorted(self.faults.items())),
                "rate_limited": dict(sorted(self.limited.items())),
            }
