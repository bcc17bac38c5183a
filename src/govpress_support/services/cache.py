"""A small JSON file cache for metadata that rarely changes (group ids, custom statuses).

Entries expire after `ttl` seconds; a broken or unreadable file is treated as empty, never as
an error: the cache can only save requests, not cause failures. The file is private (0600).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from govpress_support.core.private import write_private


class MetadataCache:
    def __init__(self, path: Path, ttl: float, clock: Callable[[], float] = time.time):
        self.path = path
        self.ttl = ttl
        self.clock = clock

    def get(self, key: str) -> Any | None:
        if self.ttl <= 0:
            return None
        entry = self._load().get(key)
        if not isinstance(entry, dict) or "at" not in entry:
            return None
        if self.clock() - float(entry["at"]) > self.ttl:
            return None
        return entry.get("value")

    def put(self, key: str, value: Any) -> None:
        if self.ttl <= 0:
            return
        data = self._load()
        data[key] = {"at": self.clock(), "value": value}
        with contextlib.suppress(OSError):
            write_private(self.path, json.dumps(data))

    def forget(self, key: str) -> None:
        data = self._load()
        if key in data:
            del data[key]
            with contextlib.suppress(OSError):
                write_private(self.path, json.dumps(data))

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}
