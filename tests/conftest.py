"""Every test runs isolated: its own HOME, state dir and config path, no credentials from the
machine (no GITHUB_TOKEN or SLACK_WEBHOOK_URL either), an in-memory keyring, a stand-in `gh` first
on PATH (the real GitHub CLI is never run), and the system clock unless it freezes one. A test that touches
the user's own config, state dir or keyring fails (tests/home_guard.py).

`desk` is the test's handle on the sandbox in that state dir (the one `--sandbox` commands use);
`desk_at` opens one on a served sandbox."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from govpress_support.core import timeutil
from tests.desk import Desk, DeskAt
from tests.home_guard import GUARD, REAL_HOMES
from tests.support import MemoryKeyring, fake_gh

CREDENTIAL_VARS = (
    "ZENDESK_SUBDOMAIN",
    "ZENDESK_URL",
    "ZENDESK_EMAIL",
    "ZENDESK_API_TOKEN",
    "TRELLO_URL",
    "TRELLO_API_KEY",
    "TRELLO_TOKEN",
    "ROTA_URL",
    "GITHUB_API_URL",
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "SLACK_WEBHOOK_URL",
    "GOVPRESS_SUPPORT_SANDBOX",
    "GOVPRESS_SUPPORT_FORCE_TTY",
    "NO_COLOR",
    "CLICOLOR",
    "VISUAL",  # the editor: tests choose it with EDITOR or VISUAL
    "EDITOR",
    "PAGER",  # the pager: off unless a test chooses one (see `isolated`)
    "GOVPRESS_SUPPORT_PAGER",
    "CLICOLOR_FORCE",
    "FORCE_COLOR",
    "LINES",
    "COLUMNS",
)

# Stands in for the browser (BROWSER): records each URL it is asked to open, one a line.
RECORDING_BROWSER = """\
import sys
with open(sys.argv[1], "a", encoding="utf-8") as log:
    log.write(sys.argv[2] + "\\n")
"""


# Keyrings a test may use: the doubles in tests/support.py, and keyring's own "no backend".
TEST_KEYRINGS = ("tests.support", "keyring.backends.fail")

# Where platformdirs and keyring look, besides HOME: each test gets its own.
HOME_VARS = ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in CREDENTIAL_VARS:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in HOME_VARS:
        monkeypatch.setenv(name, str(home / name.removeprefix("XDG_").removesuffix("_HOME").lower()))
    monkeypatch.setenv("PATH", f"{fake_gh(tmp_path / 'fake-bin')}{os.pathsep}{os.environ.get('PATH', '')}")
    state = tmp_path / "state"
    monkeypatch.setenv("GOVPRESS_SUPPORT_STATE_DIR", str(state))
    # No test ever opens a real browser or pager: BROWSER records instead, the pager is `cat` (none).
    script = tmp_path / "browser.py"
    script.write_text(RECORDING_BROWSER)
    monkeypatch.setenv("BROWSER", f"{sys.executable} {script} {tmp_path / 'browser.log'}")
    monkeypatch.setenv("GOVPRESS_SUPPORT_PAGER", "cat")
    config = tmp_path / "config.toml"  # named by the environment, so it must exist: empty, all defaults
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("GOVPRESS_SUPPORT_CONFIG", str(config))
    import keyring

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    GUARD.take()
    GUARD.armed = True
    try:
        yield state
    finally:
        GUARD.armed = False
        in_use = keyring.get_keyring()
        keyring.set_keyring(previous)
        timeutil.set_clock(None)
    touched = GUARD.take()
    if touched:
        pytest.fail("the test touched the user's own config, state dir or keyring: " + "; ".join(touched[:5]))
    if type(in_use).__module__ not in TEST_KEYRINGS:
        pytest.fail(f"the test left a real keyring in use ({in_use!r}), not a test double")
    if Path.home() in REAL_HOMES:
        pytest.fail(f"HOME is the user's own ({Path.home()}) again after the test (monkeypatch.undo()?)")


@pytest.fixture
def opened(isolated: Path) -> Callable[[], list[str]]:
    """The URLs the recording browser was asked to open, so far."""
    log = isolated.parent / "browser.log"
    return lambda: log.read_text(encoding="utf-8").splitlines() if log.exists() else []


@pytest.fixture
def desk(isolated: Path) -> Iterator[Desk]:
    """The in-process sandbox in the test's state dir: the one `--sandbox` commands use."""
    from govpress_support import sandbox

    app = sandbox.open_app(isolated)
    found = Desk.in_process(app)
    yield found
    found.close()
    app.close()


@pytest.fixture
def desk_at() -> Iterator[DeskAt]:
    """A desk on a served sandbox: `desk_at(server.url)`; closed after the test."""
    opened: list[Desk] = []

    def open_at(url: str) -> Desk:
        opened.append(Desk.served(url))
        return opened[-1]

    yield open_at
    for found in opened:
        found.close()
