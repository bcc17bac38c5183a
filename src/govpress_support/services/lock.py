"""One writer per desk and command: a lock file in the state dir.

Two `card create --missing` at once would both find the same tickets without a card and both
make one; two handovers would both send the same tickets. So a command that changes the desk
holds `<state dir>/locks/<key>.lock` from before it reads (its plan is made from what it reads)
until it ends. The key is the desk (the Zendesk base URL, or "sandbox") and the command.

The lock is `flock` on the open file: the operating system releases it when the process ends,
however it ends (`kill -9` too), so a lock left by a dead run is simply taken. The file also says
who holds it (pid, host, user, command, since), for the message the second run prints, and is
emptied on a clean release: finding it not empty means its last holder died, which is said.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import hashlib
import json
import os
import socket
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from govpress_support.core.errors import GovPressError
from govpress_support.core.private import FILE_MODE, private_dir
from govpress_support.core.timeutil import format_duration, iso, now, parse_iso

LOCK_DIR = "locks"


@dataclass(frozen=True)
class Holder:
    """Who holds (or held) a lock."""

    pid: int
    host: str
    user: str
    command: str
    desk: str
    since: str  # ISO 8601 UTC

    def describe(self, at: datetime | None = None) -> str:
        started = parse_iso(self.since)
        when = f"since {self.since}"
        if started is not None:
            when += f", {format_duration((at or now()) - started)} ago"
        return f"pid {self.pid} on {self.host}, user {self.user}, {when}"

    @classmethod
    def read(cls, text: str) -> Holder | None:
        try:
            data: Any = json.loads(text)
            return cls(
                pid=int(data["pid"]),
                host=str(data["host"]),
                user=str(data["user"]),
                command=str(data["command"]),
                desk=str(data["desk"]),
                since=str(data["since"]),
            )
        except (ValueError, KeyError, TypeError):
            return None


class DeskLocked(GovPressError):
    """Another run of this command is changing this desk: nothing was changed (exit 1)."""

    def __init__(self, command: str, holder: Holder | None):
        who = holder.describe() if holder is not None else "its details are being written"
        super().__init__(
            f"another `{command}` is already changing this desk ({who}); nothing was changed",
            "wait for it to finish and run this again; a lock whose process has died is taken over",
        )
        self.holder = holder


def lock_key(desk: str, command: str) -> str:
    return hashlib.sha256(f"{desk}\n{command}".encode()).hexdigest()[:20]


class DeskLock:
    def __init__(self, state_dir: Path, desk: str, command: str):
        self.desk = desk
        self.command = command
        self.path = state_dir / LOCK_DIR / f"{lock_key(desk, command)}.lock"
        self._fd: int | None = None

    def acquire(self) -> Holder | None:
        """Take the lock, or raise `DeskLocked` naming its holder. Returns the holder of a lock
        left behind by a run that died (taken over), else None."""
        fd = _open(self.path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = Holder.read(_read(fd))
            os.close(fd)
            raise DeskLocked(self.command, holder) from None
        left = Holder.read(_read(fd))
        me = Holder(
            pid=os.getpid(),
            host=socket.gethostname(),
            user=_user(),
            command=self.command,
            desk=self.desk,
            since=iso(now()) or "",
        )
        _write(fd, json.dumps(asdict(me)))
        self._fd = fd
        return left

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            _write(fd, "")  # a clean end: the next run finds nothing left behind
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def __enter__(self) -> Holder | None:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _open(path: Path) -> int:
    private_dir(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    with contextlib.suppress(OSError):
        os.fchmod(fd, FILE_MODE)
    return fd


def _read(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 4096):
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


def _write(fd: int, text: str) -> None:
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, text.encode())


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())
