"""Never two at once: a command that changes the desk holds its lock in the state dir, so a second
run of it on the same desk stops at once, names the first, and changes nothing; a lock left by a
killed run is taken over. Two installed commands against one `sandbox serve`."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter

from tests.desk import DeskAt
from tests.e2e.conftest import RunCli, Serve, StartCli
from tests.handover_checks import give_sam
from tests.seed_names import TOM


def wait_for(process: subprocess.Popen[str], text: str, timeout: float = 60) -> str:
    """Read the process's stderr until a line holds `text` (the process is then mid-run)."""
    assert process.stderr is not None
    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line and process.poll() is not None:
            break
        seen += line
        if text in line:
            return seen
    raise AssertionError(f"{text!r} never came; stderr so far: {seen}")


def test_two_card_create_missing_at_once_make_each_card_once(
    serve: Serve, run_cli: RunCli, start_cli: StartCli, desk_at: DeskAt
) -> None:
    server = serve("--latency", "150")
    desk = desk_at(server.url)
    before = Counter(c["name"].split(" ")[0] for c in desk.cards() if c["name"].startswith("#"))
    first = start_cli(server, "card", "create", "--missing", "--join", "--yes")
    wait_for(first, "Trello board")  # its plan is made: it is about to write
    assert first.poll() is None, "the first run ended before the second started: nothing would be tested"
    second = run_cli(server, "card", "create", "--missing", "--join", "--yes")
    _, rest = first.communicate(timeout=120)
    assert first.returncode == 0, rest

    made = Counter(c["name"].split(" ")[0] for c in desk.cards() if c["name"].startswith("#")) - before
    assert made, "the first run made no card"
    assert [name for name, count in (before + made).items() if count > 1] == []
    assert second.code == 1, second.stderr
    assert f"another `card create` is already changing this desk (pid {first.pid} on " in second.stderr
    assert "nothing was changed" in second.stderr
    third = run_cli(server, "card", "create", "--missing", "--yes")
    assert third.code == 0 and "nothing to do" in third.stderr


def test_two_handovers_at_once(serve: Serve, run_cli: RunCli, start_cli: StartCli, desk_at: DeskAt) -> None:
    server = serve(bulk=150)
    ids = give_sam(desk_at(server.url), 120)
    server.faults(latency_ms=100)
    first = start_cli(server, "handover", "--to", TOM.email, "--note", "Over to you", "--no-notes", "--yes")
    wait_for(first, "Hand over to")
    for second in (
        run_cli(server, "handover", "--to", TOM.email, "--note", "Over to you", "--no-notes", "--yes"),
        run_cli(server, "handover", "--resume"),
    ):
        assert second.code == 1, second.stderr
        assert f"another `handover` is already changing this desk (pid {first.pid} on " in second.stderr
    assert first.poll() is None, "the first handover ended before the others started: nothing was tested"
    server.faults(latency_ms=0)
    _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert f"✓ {len(ids)} ticket(s) handed over" in err
    again = run_cli(server, "handover", "--resume")
    assert again.code == 0 and "Nothing to resume" in again.stderr


def test_a_lock_left_by_a_killed_run_is_taken_over(
    serve: Serve, run_cli: RunCli, start_cli: StartCli, desk_at: DeskAt
) -> None:
    server = serve("--latency", "150")
    first = start_cli(server, "card", "create", "--missing", "--join", "--yes")
    wait_for(first, "Trello board")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    again = run_cli(server, "card", "create", "--missing", "--join", "--yes")
    assert again.code == 0, again.stderr
    assert f"took over the lock of an earlier `card create` that did not finish (pid {first.pid} on " in again.stderr
    desk = desk_at(server.url)
    names = Counter(c["name"].split(" ")[0] for c in desk.cards() if c["name"].startswith("#"))
    assert [name for name, count in names.items() if count > 1] == []
