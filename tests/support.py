"""Small test doubles shared by the suites."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in a dict: what `auth login` stores, tests can read back."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise PasswordDeleteError(username)
        del self.store[(service, username)]


class LockedKeyring(KeyringBackend):
    """A keyring whose every call fails as a locked one does."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("locked")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("locked")


class KeyringLocked(Exception):
    pass


class FakeSleep:
    """Records requested sleeps instead of sleeping."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)

    @property
    def total(self) -> float:
        return sum(self.calls)


class FakeClock:
    """A monotonic clock that moves only when told: by `advance` or by its own `sleep`."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Any:
    import httpx

    return httpx.Response(status, json=data, headers=headers)


FAKE_GH = """#!/bin/sh
# A stand-in for the GitHub CLI, first on PATH in every test: the real one is never run.
# FAKE_GH_TOKEN: what `gh auth token` prints (else it is not logged in); FAKE_GH_LOG: a file
# each call's arguments are appended to.
if [ -n "$FAKE_GH_LOG" ]; then echo "$*" >> "$FAKE_GH_LOG"; fi
if [ "$1 $2" = "auth token" ] && [ -n "$FAKE_GH_TOKEN" ]; then
  echo "$FAKE_GH_TOKEN"
  exit 0
fi
echo "You are not logged into any GitHub hosts. To log in, run: gh auth login" >&2
exit 1
"""


def fake_gh(directory: Path) -> Path:
    """A directory holding the stand-in `gh`, to put first on PATH."""
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "gh"
    if not script.exists():
        script.write_text(FAKE_GH)
        script.chmod(0o755)
    return directory


def sent_requests(debug_stderr: str) -> list[str]:
    """`METHOD /path` of every request a `--debug` run logged (`> GET https://host/path?...`): the
    in-process sandbox a command opens keeps its own request counts, which the test's `desk`
    does not see."""
    from urllib.parse import urlsplit

    found: list[str] = []
    for line in debug_stderr.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == ">" and parts[2].startswith(("http://", "https://")):
            found.append(f"{parts[1]} {urlsplit(parts[2]).path}")
    return found
