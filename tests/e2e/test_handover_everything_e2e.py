"""The whole handover as a script runs it, against `sandbox serve`: notes on Sam's tickets and on
two of Priya's, two unpushed branches pushed to a bare remote, their pull requests assigned to the
next engineer once, one Slack post; killed with SIGKILL in the middle and resumed, everything
exactly once; then the next engineer's `start-rotation --json` carries the notes."""

from __future__ import annotations

from pathlib import Path

import pytest

from govpress_support import sandbox
from govpress_support.sandbox.git_remote import GitRemote, make_git_remote
from govpress_support.sandbox.seed_github import COOKIE_BRANCH, HEADER_BRANCH
from govpress_support.sandbox.seed_github import TOM as TOM_LOGIN
from tests.desk import Desk, DeskAt
from tests.e2e.conftest import RunCli, Serve, kill_when
from tests.handover_checks import HEADING
from tests.seed_names import PRIYA, SAM, SECOND_LINE_NAME, SEED, TOM

THEME = "govpress/govpress-theme"
TOM_SLACK = "U0TOMHUGHES"
GENERAL = "Ask me on Slack until Friday."
PEOPLE = f"""
[people.github]
"{TOM.email}" = "{TOM_LOGIN}"

[people.slack]
"{TOM.email}" = "{TOM_SLACK}"
"""


def config(tmp_path: Path) -> Path:
    """The run's config: fast retries (as every e2e run) and who Tom is on GitHub and Slack."""
    path = tmp_path / "people.toml"
    path.write_text((tmp_path / "cli-config.toml").read_text() + PEOPLE)
    return path


def notes(tmp_path: Path, desk: Desk) -> tuple[Path, dict[int, str]]:
    """Notes on two of Sam's tickets and on two of Priya's (which stay hers)."""
    mine = [t["id"] for t in desk.export(f'group:"{SECOND_LINE_NAME}" assignee:{SAM.email} status<solved')][:2]
    texts = {ticket_id: f"Sam looked at #{ticket_id}: the staging logs are in the card." for ticket_id in mine}
    texts[SEED.breached_with_card] = "Priya's fix needs the PHP 8.2 image; I tested it on staging."
    texts[SEED.priyas_not_breached] = "The client wants the tags migration before Friday."
    path = tmp_path / "notes.md"
    path.write_text("".join(f"## #{ticket_id}\n{text}\n\n" for ticket_id, text in texts.items()))
    return path, texts


def handover_args(notes_file: Path, remote: GitRemote) -> list[str]:
    return [
        "handover",
        "--notes-file",
        str(notes_file),
        "--note",
        GENERAL,
        "--push",
        "--repos",
        str(remote.workdir),
        "--slack",
        "--yes",
    ]


def assert_everything_once(desk: Desk, remote: GitRemote, texts: dict[int, str], mine: list[int]) -> None:
    # notes: exactly one each, Sam's tickets Tom's now, Priya's still hers
    current = desk.tickets(texts)
    for ticket_id, text in texts.items():
        notes = [n for n in desk.notes_by(ticket_id, SAM.id) if HEADING in n]
        assert len(notes) == 1, (ticket_id, notes)
        assert text in notes[0]
        assert (GENERAL in notes[0]) == (ticket_id in mine)
    assert {i: current[i]["assignee_id"] for i in texts} == {i: (TOM.id if i in mine else PRIYA.id) for i in texts}
    # pushes: the bare remote has each branch's local tip
    for branch in (HEADER_BRANCH, COOKIE_BRANCH):
        assert remote.remote_sha(branch) == remote.local_sha(branch), branch
        assert remote.ahead(branch) == 0
    # pull requests: Tom assigned, one hand-over comment each
    for number in (42, 43):
        pull = desk.pull(THEME, number)
        assert TOM_LOGIN in pull["assignees"], number
        handed = [body for login, body in pull["comments"] if f"Handed over to @{TOM_LOGIN}" in body]
        assert len(handed) == 1, (number, handed)
        assert all(login == "sam-okafor" for login, body in pull["comments"] if body in handed)
    assert desk.pull("govpress/govpress-theme", 45)["assignees"] == ["priyashah"]  # Priya's: left alone
    # Slack: one post, mentioning Tom
    posts = desk.slack_posts()
    assert len(posts) == 1, [p["text"] for p in posts]
    assert f"<@{TOM_SLACK}>" in posts[0]["text"]


@pytest.mark.parametrize(
    "wanted",
    [
        pytest.param('"type":"pull","ref":"govpress/govpress-theme#4', id="killed-during-a-github-step"),
        pytest.param('"type":"job"', id="killed-with-a-zendesk-job-in-flight"),
    ],
)
def test_whole_handover_killed_and_resumed_does_everything_once(
    serve: Serve, run_cli: RunCli, desk_at: DeskAt, tmp_path: Path, wanted: str
) -> None:
    server = serve()
    desk = desk_at(server.url)
    remote = make_git_remote(tmp_path / "git")
    path, texts = notes(tmp_path, desk)
    mine = [i for i in texts if i not in (SEED.breached_with_card, SEED.priyas_not_breached)]
    env = {"GOVPRESS_SUPPORT_CONFIG": str(config(tmp_path))}
    assert remote.ahead(HEADER_BRANCH) == 2 and remote.ahead(COOKIE_BRANCH) == 1

    server.faults(latency_ms=120)
    records = kill_when(server, tmp_path, handover_args(path, remote), wanted, env)
    kinds = [r["type"] for r in records]
    assert "finished" not in kinds and "slack" not in kinds
    server.faults(latency_ms=0)

    refused = run_cli(server, "handover", "--yes", env=env)
    assert refused.code == 2 and "--resume" in refused.stderr

    resumed = run_cli(server, "handover", "--resume", "--json", env=env)
    assert resumed.code == 0, resumed.stderr
    data = resumed.json()
    assert data["status"] == "done"
    assert data["slack"] == {"state": "posted", "reason": None}
    assert {p["branch"]: p["state"] for p in data["pushes"]}.keys() >= {HEADER_BRANCH, COOKIE_BRANCH}
    assert all(p["state"] in ("pushed", "up_to_date") for p in data["pushes"])
    pulls = {p["number"]: p for p in data["pull_requests"] if p["repo"] == THEME}
    assert pulls[42]["assign"] == pulls[43]["assign"] == "done"
    assert [t["id"] for t in data["tickets"] if not t["reassign"]] == [
        SEED.breached_with_card,
        SEED.priyas_not_breached,
    ]
    assert_everything_once(desk, remote, texts, mine)

    # again: nothing left, nothing repeated
    again = run_cli(server, "handover", "--push", "--slack", "--repos", str(remote.workdir), "--yes", env=env)
    assert again.code == 0, again.stderr
    assert "Nothing to hand over" in again.stderr
    assert run_cli(server, "handover", "--slack", "--resume", env=env).code == 0
    assert_everything_once(desk, remote, texts, mine)

    # the next engineer's briefing carries the notes, from the tickets themselves
    as_tom = {**sandbox.environment(server.url, TOM.email), "GOVPRESS_SUPPORT_STATE_DIR": str(tmp_path / "tom")}
    briefing = run_cli(server, "start-rotation", "--yes", "--json", env=as_tom)
    assert briefing.code in (0, 3), briefing.stderr
    shown = briefing.json()
    previous = shown["previous_handover"]
    assert (previous["from"], previous["to"], previous["general"]) == (SAM.name, TOM.name, GENERAL)
    assert set(previous["tickets"]) >= set(texts)
    by_id = {t["id"]: t["handover_note"] for t in shown["tickets"]}
    for ticket_id, text in texts.items():
        assert by_id[ticket_id] is not None and text in by_id[ticket_id]["text"], ticket_id
        assert by_id[ticket_id]["from"] == SAM.name
