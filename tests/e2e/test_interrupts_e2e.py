"""Ctrl-C on the installed command, as a terminal sends it: exit 130 and one line.

Each process is interrupted once it has shown it is at work (a line on stderr or stdout), so the
outcome does not hang on timing; the moment inside the imports is tested in-process
(tests/cli/test_usage_and_interrupts.py).
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import COMMAND


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ZENDESK_", "TRELLO_", "GOVPRESS_SUPPORT_"))}
    return {
        **base,
        "GOVPRESS_SUPPORT_STATE_DIR": str(tmp_path / "state"),
        "GOVPRESS_SUPPORT_CONFIG": str(config),
        **extra,
    }


def _interrupt_once(args: list[str], env: dict[str, str], sign: str) -> tuple[int, str]:
    """Start the command, wait (60 s at most) until `sign` shows on stdout or stderr, press Ctrl-C;
    (exit code, stderr)."""
    process = subprocess.Popen([str(COMMAND), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    seen = b""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        selector.register(process.stderr, selectors.EVENT_READ)
        give_up = time.monotonic() + 60  # a bound on a hung test, not a timing assertion
        while sign.encode() not in seen:
            ready = selector.select(timeout=max(0.0, give_up - time.monotonic()))
            assert ready and time.monotonic() < give_up, f"no {sign!r} within 60 s: {seen[-500:]!r}"
            for key, _ in ready:
                chunk = os.read(key.fd, 65536)
                if not chunk:  # the command ended before showing it
                    selector.unregister(key.fileobj)
                    assert selector.get_map(), f"ended without {sign!r}: {seen[-500:]!r}"
                seen += chunk
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    return process.returncode, (seen + out + err).decode(errors="replace")


def test_ctrl_c_while_a_command_works_is_130_and_one_line(tmp_path: Path) -> None:
    code, stderr = _interrupt_once(["--sandbox", "queue"], _env(tmp_path), "Using the built-in sandbox")
    if code == 0:
        pytest.skip("the queue was listed before Ctrl-C arrived")
    assert code == 130
    assert stderr.rstrip("\n").splitlines()[-1] == "error: interrupted"
    assert "Traceback" not in stderr and "Exception ignored" not in stderr


def test_ctrl_c_stops_queue_watch_with_130(tmp_path: Path) -> None:
    env = _env(tmp_path, GOVPRESS_SUPPORT_FORCE_TTY="1", NO_COLOR="1", LINES="200", COLUMNS="160")
    code, stderr = _interrupt_once(["--sandbox", "queue", "--watch", "5"], env, "Ctrl-C stops")
    assert code == 130
    assert stderr.rstrip("\n").splitlines()[-1].endswith("error: interrupted")
    assert "Traceback" not in stderr
