"""The ticket commands as a shell script runs them, against `sandbox serve` with faults on."""

from __future__ import annotations

from pathlib import Path

from tests.desk import DeskAt
from tests.e2e.conftest import RunCli, Serve
from tests.seed_names import SEED

TICKETS = [str(i) for i in SEED.unsolved[:8]]  # eight unsolved tickets
NOTE = "Maintenance window agreed for Thursday 7pm"

# A short read timeout against answers delayed past it: the write lands after the client gave up,
# which is the case where a careless retry would add the note twice.
IMPATIENT = """\
[http]
backoff = 0.01
max_retries = 10
max_retry_wait = 30.0
timeout = 0.5
"""


def test_bulk_note_under_faults_adds_each_note_exactly_once(
    serve: Serve, run_cli: RunCli, desk_at: DeskAt, tmp_path: Path
) -> None:
    server = serve()
    faults = {
        "rate_limit_share": 0.15,
        "error_share": 0.1,
        "drop_share": 0.1,
        "slow_share": 0.1,
        "slow_ms": 800,
        "retry_after": 0,
        "seed": 11,
    }
    server.faults(**faults)
    config = tmp_path / "impatient.toml"
    config.write_text(IMPATIENT)
    env = {"GOVPRESS_SUPPORT_CONFIG": str(config)}

    codes = []
    for _ in range(4):  # a run may leave some undone (exit 3) or fail outright: running it again is safe
        done = run_cli(server, "note", *TICKETS, "-m", NOTE, "--yes", "--json", env=env)
        codes.append(done.code)
        assert done.code in (0, 1, 3), done.stderr
        if done.code == 0:
            break
    assert codes[-1] == 0, codes
    assert {r["result"] for r in done.json()} <= {"updated", "unchanged"}

    server.faults(rate_limit_share=0, error_share=0, drop_share=0, slow_share=0)
    stats = server.stats()
    assert sum(stats["faults"].values()) > 0  # the faults really happened
    desk = desk_at(server.url)
    for ticket_id in TICKETS:
        notes = [c for c in desk.comments(int(ticket_id)) if c["body"] == NOTE]
        assert len(notes) == 1, (ticket_id, len(notes))
        assert notes[0]["public"] is False

    again = run_cli(server, "note", *TICKETS, "-m", NOTE, "--yes", "--json", env=env)
    assert again.code == 0
    assert {r["result"] for r in again.json()} == {"unchanged"}


def test_move_and_show_through_the_installed_command(serve: Serve, run_cli: RunCli) -> None:
    server = serve()
    moved = run_cli(
        server,
        "ticket",
        "move",
        str(SEED.first_line_assignee_in_2nd),
        "--to",
        "2nd",
        "--reason",
        "Needs a developer",
        "--yes",
    )
    assert moved.code == 0, moved.stderr
    shown = run_cli(server, "ticket", "show", str(SEED.first_line_assignee_in_2nd), "--json")
    [ticket] = shown.json()
    assert ticket["group"] == "GovPress 2nd line support"
    assert [c["body"] for c in ticket["comments"] if c["internal"]][-1] == "Needs a developer"
    piped = run_cli(server, "suspended")
    assert piped.code == 0 and piped.stdout.startswith("id\tcreated_at\tcause")
