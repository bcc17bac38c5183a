"""A small JSON file cache for metadata that rarely changes (group ids, custom statuses).

Entries expire after `ttl` seconds; a broken or unreadable file is treated as empty, and a
file that cannot be written (a read-only state dir, or a file where the dir should be) is said
once to `on_error` (the --debug log), never as an error: the cache can only save requests, not
cause failures. The file is private (0600). Reads and writes take a lock: side-by-side
requests (`parallel.py`) may fill two entries at once.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from govpress_support.core.private import write_private


class MetadataCache:
    def __init__(
        self,
        path: Path,
        ttl: float,
        clock: Callable[[], float] = time.time,
        on_error: Callable[[str], None] | None = None,
    ):
        self.path = path
        self.ttl = ttl
        self.clock = clock
        self.on_error = on_error  # told once when the cache cannot be written (the --debug log)
        self._said = False
        self._lock = threading.Lock()

    def get(self, key: str) -> Any | None:
        if self.ttl <= 0:
            return None
        with self._lock:
            entry = self._load().get(key)
        if not isinstance(entry, dict) or "at" not in entry:
            return None
        if self.clock() - float(entry["at"]) > self.ttl:
            return None
        return entry.get("value")

    def put(self, key: str, value: Any) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            data = self._load()
            data[key] = {"at": self.clock(), "value": value}
            self._write(data)

    def _write(self, data: dict[str, Any]) -> None:
        try:
            write_private(self.path, json.dumps(data))
        except OSError as exc:
            self._unwritable(exc)

    def _unwritable(self, exc: OSError) -> None:
        if self.on_error is not None and not self._said:
            self._said = True
            self.on_error(f"the cache {self.path} cannot be written ({exc.strerror or exc}): carrying on without it")

    def forget(self, key: str) -> None:
        with self._lock:
            data = self._load()
            if key in data:
                del data[key]
                self._write(data)

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}
