"""`handover` as a script runs it: the installed command against `sandbox serve` over loopback,
120 tickets, checked through the API afterwards (assignee, exactly one note each, memberships)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.desk import Desk, DeskAt
from tests.e2e.conftest import MakeProxy, RunCli, Serve, Server, kill_when
from tests.e2e.proxy import Seen, path_of
from tests.handover_checks import assert_handed_over, assert_still_sams, give_sam
from tests.seed_names import SAM, SECOND_LINE_NAME, TOM

COUNT = 120
GENERAL = "Handed over at the end of my rotation: ask me on Slack."


def setup(serve: Serve, desk_at: DeskAt) -> tuple[Server, Desk, list[int]]:
    server = serve(bulk=300)
    desk = desk_at(server.url)
    ids = give_sam(desk, COUNT)
    server.reset_stats()
    return server, desk, ids


def notes_file(tmp_path: Path, ids: list[int]) -> tuple[Path, dict[int, str]]:
    texts = {i: f"Reproduced #{i} on staging; the fix is on branch fix-{i}." for i in ids[::3]}
    path = tmp_path / "notes.md"
    path.write_text("".join(f"## #{i}\n{texts.get(i, '')}\n\n" for i in ids))
    return path, texts


def update_requests(server: Server) -> tuple[int, int]:
    requests = server.stats()["requests"]
    updates = sum(n for name, n in requests.items() if "update_many" in name)
    polls = sum(n for name, n in requests.items() if "job_statuses" in name)
    return updates, polls


def test_120_tickets_with_notes_then_a_second_run_does_nothing(
    serve: Serve, run_cli: RunCli, desk_at: DeskAt, tmp_path: Path
) -> None:
    server, desk, ids = setup(serve, desk_at)
    path, texts = notes_file(tmp_path, ids)
    done = run_cli(server, "handover", "--notes-file", str(path), "--note", GENERAL, "--yes", "--json")
    assert done.code == 0, done.stderr
    data = done.json()
    assert data["status"] == "done" and len(data["tickets"]) == COUNT
    updates, polls = update_requests(server)
    assert updates == 2  # ceil(120 / 100)
    assert polls >= 2
    assert_handed_over(desk, ids, texts=texts, general=GENERAL)

    server.reset_stats()
    again = run_cli(server, "handover", "--yes")
    assert again.code == 0
    assert "Nothing to hand over" in again.stderr
    assert update_requests(server) == (0, 0)


def test_120_tickets_through_429s_and_5xx(serve: Serve, run_cli: RunCli, desk_at: DeskAt, tmp_path: Path) -> None:
    server, desk, ids = setup(serve, desk_at)
    path, texts = notes_file(tmp_path, ids)
    server.faults(rate_limit_share=0.2, error_share=0.05, retry_after=0, seed=7)
    # Without Trello credentials: Trello sends no Retry-After, so its 429s rightly wait 5 s.
    no_trello = {"TRELLO_API_KEY": "", "TRELLO_TOKEN": ""}
    done = run_cli(server, "handover", "--notes-file", str(path), "--note", GENERAL, "--yes", env=no_trello)
    assert done.code == 0, done.stderr
    faults = server.stats()["faults"]
    assert faults.get("rate_limit") and faults.get("error"), f"too few faults to prove anything: {faults}"
    server.faults(rate_limit_share=0, error_share=0)
    assert_handed_over(desk, ids, texts=texts, general=GENERAL)


def test_killed_after_the_first_batch_then_resume(
    serve: Serve, run_cli: RunCli, desk_at: DeskAt, tmp_path: Path
) -> None:
    server, desk, ids = setup(serve, desk_at)
    path, texts = notes_file(tmp_path, ids)
    server.faults(latency_ms=150)
    args = ["handover", "--notes-file", str(path), "--note", GENERAL, "--yes"]
    kinds = [record["type"] for record in kill_when(server, tmp_path, args, '"type":"job"')]
    assert "finished" not in kinds and kinds.count("job") >= 1

    refused = run_cli(server, "handover", "--yes")
    assert refused.code == 2 and "--resume" in refused.stderr

    server.faults(latency_ms=0)
    resumed = run_cli(server, "handover", "--resume", "--json")
    assert resumed.code == 0, resumed.stderr
    assert resumed.json()["status"] == "done"
    assert_handed_over(desk, ids, texts=texts, general=GENERAL)
    again = run_cli(server, "handover", "--resume")
    assert again.code == 0 and "Nothing to resume" in again.stderr


def test_editor_flow_with_a_scripted_editor(serve: Serve, run_cli: RunCli, desk_at: DeskAt, tmp_path: Path) -> None:
    server = serve()
    script = tmp_path / "editor.py"
    script.write_text(
        "import re, sys, pathlib\n"
        "path = pathlib.Path(sys.argv[1])\n"
        "text = path.read_text()\n"
        "first = re.search(r'^## #(\\d+)', text, re.M)\n"
        "path.write_text(text[: first.end()] + '\\nWaiting on the client for DNS access.\\n' + text[first.end():])\n"
        "pathlib.Path(sys.argv[1] + '.first').write_text(first.group(1))\n"
    )
    done = run_cli(server, "handover", "--yes", "--json", env={"EDITOR": f"{sys.executable} {script}"})
    assert done.code == 0, done.stderr
    data = done.json()
    first = data["tickets"][0]["id"]
    assert [t["id"] for t in data["tickets"] if t["note"]] == [first]
    assert_handed_over(
        desk_at(server.url), [t["id"] for t in data["tickets"]], texts={first: "Waiting on the client for DNS access."}
    )


@pytest.mark.parametrize("code", [3])
def test_editor_exit_status_aborts(serve: Serve, run_cli: RunCli, tmp_path: Path, code: int) -> None:
    server = serve()
    done = run_cli(server, "handover", "--yes", env={"EDITOR": f"{sys.executable} -c 'raise SystemExit({code})'"})
    assert done.code == 1
    assert f"error: the editor failed ({sys.executable} -c 'raise SystemExit({code})': Editing failed)" in done.stderr
    assert "nothing was sent" in done.stderr
    assert server.stats()["requests"].get("PUT /api/v2/tickets/update_many", 0) == 0


class RefuseUpdateMany:
    """A gateway in front of Zendesk that answers 503 to every bulk update while `on`."""

    on = True

    def __call__(self, seen: Seen) -> tuple[int, str, bytes] | None:
        bulk = path_of(seen).endswith(("/tickets/update_many", "/tickets/update_many.json"))
        if self.on and seen.method == "PUT" and bulk:
            return 503, "text/html", b"<html><title>503 Service Unavailable</title></html>"
        return None


def test_updates_that_keep_failing_lose_no_assignment_and_resume_finishes(
    serve: Serve, run_cli: RunCli, desk_at: DeskAt, proxy: MakeProxy
) -> None:
    """Every bulk update answered 503: the run stops unfinished (exit 3, with the --resume hint,
    no crash), every ticket stays Sam's and Sam stays in 2nd line (removing him would make Zendesk
    unassign them all); a resume under the same failure does the same; once Zendesk answers again
    the resume finishes, each ticket moved once with its note once."""
    server, desk, ids = setup(serve, desk_at)
    refuse = RefuseUpdateMany()
    gateway = proxy(server, refuse)
    env = gateway.environment(server.env)
    second_line = desk.group_id(SECOND_LINE_NAME)

    first = run_cli(None, "handover", "--to", TOM.email, "--note", GENERAL, "--no-notes", "--yes", env=env)
    assert first.code == 3, first.stderr
    assert "not handed over yet: #" in first.stderr and "--resume" in first.stderr
    assert "unexpected" not in first.stderr and "Traceback" not in first.stderr
    assert gateway.answered, "the gateway refused nothing"
    assert_still_sams(desk, ids)
    assert SAM.id in desk.members(second_line)

    again = run_cli(None, "handover", "--resume", env=env)
    assert again.code == 3, again.stderr
    assert "--resume" in again.stderr
    assert_still_sams(desk, ids)
    assert SAM.id in desk.members(second_line)

    refuse.on = False  # the same desk (its URL is the journal's), answering again
    finished = run_cli(None, "handover", "--resume", env=env)
    assert finished.code == 0, finished.stderr
    assert_handed_over(desk, ids, general=GENERAL)
