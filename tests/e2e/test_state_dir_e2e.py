"""A state dir that cannot be written, with the real services (a served sandbox): `queue` works
without its cache (and says so once with --debug); `handover`, which journals, refuses before
anything is sent and says which path and what to do."""

from __future__ import annotations

from pathlib import Path

from tests.desk import DeskAt
from tests.e2e.conftest import RunCli, Serve
from tests.seed_names import SECOND_LINE


def test_queue_works_when_its_cache_cannot_be_written(serve: Serve, run_cli: RunCli, tmp_path: Path) -> None:
    server = serve()
    blocked = tmp_path / "state-file"
    blocked.write_text("a file where the state dir should be")
    env = {"GOVPRESS_SUPPORT_STATE_DIR": str(blocked)}
    result = run_cli(server, "queue", "--json", env=env)
    assert result.code == 0, result.stderr
    assert result.json(), "the queue is listed"
    assert "cache" not in result.stderr

    debug = run_cli(server, "--debug", "queue", "--json", env=env)
    assert debug.code == 0
    said = [line for line in debug.stderr.splitlines() if "carrying on without it" in line]
    assert len(said) == 1, "said once"
    assert str(blocked / "cache" / "metadata.json") in said[0]


def test_handover_refuses_first_when_its_journal_cannot_be_written(
    serve: Serve, run_cli: RunCli, tmp_path: Path
) -> None:
    server = serve()
    blocked = tmp_path / "state-file"
    blocked.write_text("")
    server.reset_stats()
    result = run_cli(
        server,
        "handover",
        "--to",
        "priya.shah@govpress.example",
        "--note",
        "x",
        "--no-notes",
        "--yes",
        env={"GOVPRESS_SUPPORT_STATE_DIR": str(blocked)},
    )
    assert result.code == 2
    assert result.stderr == (
        f"error: cannot write the lock that keeps two runs apart in {blocked / 'locks'}: {blocked} is a file, "
        "not a directory (make it a writable directory, or set GOVPRESS_SUPPORT_STATE_DIR to one)\n"
    )
    assert not server.stats()["requests"], "nothing was sent"


def test_card_create_says_where_it_cannot_write_and_sends_nothing(
    serve: Serve, run_cli: RunCli, desk_at: DeskAt, tmp_path: Path
) -> None:
    """A command that writes to the desk needs its lock in the state dir: one line naming the path
    and the fix, before any request (a read-only command carries on without its cache instead)."""
    server = serve()
    desk = desk_at(server.url)
    ticket_id = desk.new_ticket(subject="Update the footer copyright year", group_id=SECOND_LINE)
    blocked = tmp_path / "state-file"
    blocked.write_text("")
    server.reset_stats()
    result = run_cli(
        server, "card", "create", str(ticket_id), "--join", "--yes", env={"GOVPRESS_SUPPORT_STATE_DIR": str(blocked)}
    )
    assert result.code == 2
    assert f"cannot write the lock that keeps two runs apart in {blocked / 'locks'}" in result.stderr
    assert not server.stats()["requests"], "nothing was sent"
    assert desk.cards_for(ticket_id) == []
