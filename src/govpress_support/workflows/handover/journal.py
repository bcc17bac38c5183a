"""An append-only journal of JSON lines, each written and fsync'd before the step it records.

A bulk change that may be interrupted anywhere (Ctrl-C, a dropped network, `kill -9`) writes
what it is about to send before sending it, and what came back as soon as it arrives. Reading
the journal back tells exactly which steps may have reached the server, so a resumed run checks
those and repeats nothing. A last line cut short by a crash was never followed by its request,
so the reader drops it.

The meaning of the records belongs to the workflow (see `state.py`); this module only keeps
them safe.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import threading
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from govpress_support.core.errors import GovPressError
from govpress_support.core.private import create_private, private_dir
from govpress_support.core.timeutil import iso, now

SUFFIX = ".jsonl"


class JournalError(GovPressError):
    """The journal cannot be written (disk full, permissions): stop before sending anything."""


def new_run_id(at: datetime | None = None) -> str:
    """Sortable and unique: `20261126T143000Z-1a2b3c`."""
    stamp = (at or now()).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{secrets.token_hex(3)}"


class Journal:
    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()  # the ticket updates and the steps beside them share it

    @property
    def run_id(self) -> str:
        return self.path.name.removesuffix(SUFFIX)

    @classmethod
    def create(cls, directory: Path, run_id: str) -> Journal:
        try:
            private_dir(directory)
            path = directory / f"{run_id}{SUFFIX}"
            os.close(create_private(path, exclusive=True))  # it holds internal notes: 0600
            _fsync_dir(directory)
        except OSError as exc:
            raise JournalError(
                f"cannot create the journal in {directory}: {exc.strerror or exc}",
                "check GOVPRESS_SUPPORT_STATE_DIR is writable",
            ) from exc
        return cls(path)

    def append(self, record: Mapping[str, Any]) -> None:
        """Write one record and wait until it is on disk."""
        line = json.dumps({**record, "at": iso(now())}, ensure_ascii=False, separators=(",", ":"))
        try:
            with self._lock, self.path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise JournalError(
                f"cannot write the journal {self.path}: {exc.strerror or exc}",
                "free some disk space, then run the command again with --resume",
            ) from exc

    def records(self) -> list[dict[str, Any]]:
        """Every complete record, in order. A torn or unreadable last line is dropped."""
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        lines = text.splitlines()
        records: list[dict[str, Any]] = []
        for index, line in enumerate(lines):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                if index == len(lines) - 1:
                    break  # cut short by a crash: its request was never sent
                raise JournalError(
                    f"the journal {self.path} is damaged at line {index + 1}",
                    "look at it, or move it aside to start afresh (changes already made stay made)",
                ) from None
            if isinstance(record, dict):
                records.append(record)
        return records


def journals(directory: Path) -> Iterator[Journal]:
    """The journals in a directory, oldest first."""
    if not directory.is_dir():
        return
    for path in sorted(directory.glob(f"*{SUFFIX}")):
        yield Journal(path)


def _fsync_dir(directory: Path) -> None:
    """Make a new file's name durable too (POSIX); a no-op where directories cannot be opened."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
