"""The suite never touches the user's own HOME: not their config, state dir or keyring.

`REAL` are those places as the user's environment names them, worked out before any test runs.
An audit hook (`sys.addaudithook`) sees every file this process opens, lists, creates, renames,
removes or opens as SQLite; while a test runs, each one under a protected place is refused
(`PermissionError`) and recorded, and the `isolated` fixture (tests/conftest.py) fails the test
that tried, even when the code under test swallowed the error. Subprocesses (the e2e
tests) get a temporary HOME and state dir from the environment, and `.ci/run` compares the
protected places before and after the whole run.

An audit hook rather than a snapshot of the real directories: on a shared machine other programs
(the user's own govpress-support) change them meanwhile; the hook sees exactly this process.
"""

from __future__ import annotations

import os
import pwd
import sys
from pathlib import Path
from typing import Any

APP = "govpress-support"

# Audit events that name a path as their first argument.
PATH_EVENTS = frozenset(
    {
        "open",
        "os.listdir",
        "os.scandir",
        "os.mkdir",
        "os.remove",
        "os.rmdir",
        "os.rename",
        "os.chmod",
        "os.truncate",
        "os.utime",
        "shutil.rmtree",
        "shutil.copyfile",
        "shutil.move",
        "sqlite3.connect",
    }
)


def _homes() -> list[Path]:
    homes = {Path(pwd.getpwuid(os.getuid()).pw_dir)}
    if os.environ.get("HOME"):
        homes.add(Path(os.environ["HOME"]))
    return sorted(homes)


def protected_places() -> list[Path]:
    """The user's own config, state dir and keyring files, as their environment names them now."""
    from keyring.util import platform_
    from platformdirs import user_config_path, user_state_path

    places = {
        user_state_path(APP, appauthor=False),
        user_config_path(APP, appauthor=False),
        Path(platform_.data_root()),
        Path(platform_.config_root()),
    }
    for home in _homes():
        places |= {
            home / ".local" / "state" / APP,
            home / ".config" / APP,
            home / ".local" / "share" / "python_keyring",
            home / ".local" / "share" / "keyrings",
            home / ".config" / "python_keyring",
            home / "Library" / "Application Support" / APP,
        }
    return sorted({p.resolve() if p.exists() else p for p in places})


REAL: list[Path] = protected_places()
REAL_HOMES: list[Path] = _homes()


class Guard:
    """Records what a test did to a protected place; `touched` is read and cleared after each test."""

    def __init__(self, places: list[Path]):
        self.places = [str(p) for p in places]
        self.armed = False
        self.touched: list[str] = []

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        if not self.armed or event not in PATH_EVENTS or not args:
            return
        path = args[0]
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        elif isinstance(path, os.PathLike):
            path = os.fspath(path)
        if not isinstance(path, str) or not path:
            return
        full = os.path.abspath(path)  # noqa: PTH100 - no filesystem access inside an audit hook
        for place in self.places:
            if full == place or full.startswith(place + os.sep):
                self.touched.append(f"{event} {full}")
                raise PermissionError(f"the test suite may not touch {full}")

    def take(self) -> list[str]:
        touched, self.touched = self.touched, []
        return touched


GUARD = Guard(REAL)
sys.addaudithook(GUARD)
