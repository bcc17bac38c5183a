"""The state dir (`GOVPRESS_SUPPORT_STATE_DIR`, else the platform's): the sandbox's database,
handover journals and drafts, the metadata cache.

A command that must write there (the sandbox, a handover) checks it first with `writable_dir`,
before anything is sent, and a problem is one line naming the path and what to do. The cache
never needs it: a read-only command works when its cache cannot be written (`cache.py`).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from govpress_support.core.config import ENV_STATE_DIR
from govpress_support.core.errors import UsageError
from govpress_support.core.private import private_dir

FIX = f"make it a writable directory, or set {ENV_STATE_DIR} to one"


def writable_dir(directory: Path, purpose: str) -> Path:
    """`directory` (made if need be) once a file can be written in it; else a `UsageError`
    naming it and `purpose` ("the handover journal")."""
    try:
        private_dir(directory)
        probe = directory / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise state_dir_error(directory, purpose, exc) from None
    return directory


def state_dir_error(directory: Path, purpose: str, exc: OSError | sqlite3.Error) -> UsageError:
    blocker = next((p for p in (directory, *directory.parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        reason = "it is a file, not a directory" if blocker == directory else f"{blocker} is a file, not a directory"
    elif isinstance(exc, OSError) and exc.strerror:
        reason = exc.strerror
    else:
        reason = str(exc)
    return UsageError(f"cannot write {purpose} in {directory}: {reason}", FIX)
