"""A small JSON file cache for metadata that rarely changes (group ids, custom statuses).

Entries expire after `ttl` seconds; a broken or unreadable file is treated as empty, and a
file that cannot be written (a read-only state dir, or a file where the dir should be) is said
once to `on_error` (the --debug log), never as an error: the cache can only save requests, not
cause failures.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


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
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(data), encoding="utf-8")
            tmp.replace(self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            self._unwritable(exc)

    def _unwritable(self, exc: OSError) -> None:
        if self.on_error is not None and not self._said:
            self._said = True
            self.on_error(f"the cache {self.path} cannot be written ({exc.strerror or exc}): carrying on without it")

    def forget(self, key: str) -> None:
        data = self._load()
        if key in data:
            del data[key]
            try:
                self.path.write_text(json.dumps(data), encoding="utf-8")
            except OSError as exc:
                self._unwritable(exc)

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}
