"""`govpress-support handover` in-process on the sandbox: options, the editor flow with a
scripted EDITOR, bad input, output and exit codes. Results are checked through the API."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke
from tests.desk import Desk
from tests.handover_checks import assert_handed_over, assert_still_sams
from tests.seed_names import PRIYA, SAM, TOM


def plan(cli: Invoke) -> dict[str, object]:
    result = cli("--sandbox", "handover", "--dry-run", "--json")
    assert result.code == 0, result.stderr
    data = result.json()
    assert isinstance(data, dict)
    return data


def ids_of(data: dict[str, object]) -> list[int]:
    tickets = data["tickets"]
    assert isinstance(tickets, list)
    return [int(t["id"]) for t in tickets]


def editor(tmp_path: Path, body: str) -> str:
    """An EDITOR that runs `body` (Python, with `path` the file to edit)."""
    script = tmp_path / "editor.py"
    script.write_text("import sys, pathlib\npath = pathlib.Path(sys.argv[1])\n" + body)
    return f"{sys.executable} {script}"


def test_help_has_summary_format_and_examples(cli: Invoke) -> None:
    result = cli("handover", "--help")
    assert result.code == 0
    assert "Hand your unsolved 2nd line tickets to the next engineer" in result.stdout
    assert "govpress-support handover --resume" in result.stdout
    assert "'## #<id>'" in result.stdout
    assert "handover" in cli("--help").stdout


def test_dry_run_json_is_the_plan_and_changes_nothing(cli: Invoke, desk: Desk) -> None:
    data = plan(cli)
    assert data["status"] == "dry_run"
    target = data["to"]
    assert isinstance(target, dict) and (target["email"], target["source"]) == (TOM.email, "rota")
    queue = cli("--sandbox", "queue", "--assignee", "me", "--json").json()
    assert ids_of(data) == [t["id"] for t in queue]  # SLA order, the queue's
    memberships = data["memberships"]
    assert isinstance(memberships, list)
    assert {m["action"]: m["state"] for m in memberships} == {"add": "planned", "remove": "planned"}
    assert_still_sams(desk, ids_of(data))


def test_off_a_terminal_without_yes_is_refused_before_anything(cli: Invoke, desk: Desk) -> None:
    ids = ids_of(plan(cli))
    result = cli("--sandbox", "handover", "--no-notes")
    assert result.code == 2
    assert "error: not on a terminal, so cannot ask for confirmation (pass --yes" in result.stderr
    assert_still_sams(desk, ids)


def test_notes_file_run_json_report_file_then_nothing_to_do(cli: Invoke, desk: Desk, tmp_path: Path) -> None:
    ids = ids_of(plan(cli))
    notes = tmp_path / "notes.md"
    notes.write_text(
        f"# my notes\n## #{ids[0]} first\nTried the cache.\n\n## #{ids[-1]}\n\n## #{ids[2]} x\nAsk Priya.\n"
    )
    report = tmp_path / "handover.md"
    result = cli(
        "--sandbox", "handover", "--notes-file", str(notes), "--note", "Slack me", "--yes", "--json",
        "--report", str(report),
    )  # fmt: skip
    assert result.code == 0, result.stderr
    data = result.json()
    assert data["status"] == "done"
    assert {t["outcome"] for t in data["tickets"]} == {"handed_over"}
    assert data["report_file"] == str(report)
    assert_handed_over(desk, ids, texts={ids[0]: "Tried the cache.", ids[2]: "Ask Priya."}, general="Slack me")
    text = report.read_text()
    assert text.startswith("# Handover: Sam Okafor → Tom Hughes")
    assert "Tried the cache." in text and "## Tickets without Trello cards" in text
    assert "## Suspended tickets" in text and "add Tom Hughes to GovPress 2nd line support: done" in text

    again = cli("--sandbox", "handover", "--yes")
    assert again.code == 0
    assert "Nothing to hand over" in again.stderr and "finished at" in again.stderr
    assert again.stdout == ""
    resume = cli("--sandbox", "handover", "--resume")
    assert resume.code == 0 and "Nothing to resume" in resume.stderr
    assert_handed_over(desk, ids, texts={ids[0]: "Tried the cache."}, general="Slack me")  # still one note each


def test_markdown_report_on_stdout(cli: Invoke) -> None:
    result = cli("--sandbox", "handover", "--no-notes", "--yes")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("# Handover: Sam Okafor → Tom Hughes")
    assert "| Ticket | Subject | Priority | Status | SLA | Due | Trello |" in result.stdout
    assert "handed over to Tom Hughes" in result.stderr


def test_editor_flow_with_a_scripted_editor(cli: Invoke, desk: Desk, tmp_path: Path) -> None:
    ids = ids_of(plan(cli))
    script = editor(
        tmp_path,
        "text = path.read_text()\n"
        f"assert '## #{ids[0]} ' in text and text.index('#{ids[0]}') < text.index('#{ids[1]}')\n"
        f"path.write_text(text.replace('## #{ids[1]} ', 'Deploy is blocked on the client.\\n## #{ids[1]} ', 1))\n",
    )
    result = cli("--sandbox", "handover", "--yes", "--json", env={"EDITOR": script})
    assert result.code == 0, result.stderr
    noted = {t["id"]: t["note"] for t in result.json()["tickets"] if t["note"]}
    assert list(noted) == [ids[0]]
    assert_handed_over(desk, ids, texts={ids[0]: "Deploy is blocked on the client."})
    assert not list((Path(str(tmp_path)) / "state" / "handover").glob("notes-*.md"))  # draft removed after success


def test_editor_failure_sends_nothing_and_keeps_the_draft(cli: Invoke, desk: Desk, tmp_path: Path) -> None:
    ids = ids_of(plan(cli))
    script = editor(tmp_path, "path.write_text(path.read_text() + 'half a thought')\nsys.exit(3)\n")
    result = cli("--sandbox", "handover", "--yes", env={"EDITOR": script})
    assert result.code == 1
    assert "error: the editor failed" in result.stderr and "Editing failed): nothing was sent" in result.stderr
    assert "--notes-file" in result.stderr
    assert_still_sams(desk, ids)
    drafts = list((tmp_path / "state" / "handover").glob("notes-*.md"))
    assert len(drafts) == 1 and "half a thought" in drafts[0].read_text()


def test_ticket_solved_by_someone_else_mid_handover_exits_3(cli: Invoke, desk: Desk, tmp_path: Path) -> None:
    """While Sam writes notes, Priya solves one of his tickets: it is reported, the rest move."""
    ids = ids_of(plan(cli))
    state = tmp_path / "state"
    script = editor(
        tmp_path,
        "import httpx\nfrom govpress_support import sandbox\n"
        f"app = sandbox.open_app(pathlib.Path({str(state)!r}))\n"
        f"c = httpx.Client(transport=app.transport(), base_url=sandbox.ZENDESK_URL, auth=('{PRIYA.email}/token', sandbox.AGENT_TOKEN))\n"  # noqa: E501
        f"assert c.put('/api/v2/tickets/{ids[0]}', json={{'ticket': {{'status': 'solved'}}}}).status_code == 200\n"
        f"path.write_text('## #{ids[0]}\\nnote on a ticket about to fail\\n## #{ids[1]}\\nkept\\n')\n",
    )
    result = cli("--sandbox", "handover", "--yes", env={"EDITOR": script})
    assert result.code == 3, result.stderr
    assert f"error: not done: #{ids[0]} (solved meanwhile" in result.stderr
    assert "## Not handed over" in result.stdout and "solved meanwhile" in result.stdout
    assert_handed_over(desk, ids[1:], texts={ids[1]: "kept"})
    assert all("Handover from" not in n for n in desk.notes_by(ids[0], SAM.id))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("stray\n", "line 1: text before the first ticket section"),
        ("## #999999\nnote\n", "not unsolved in the group: #999999"),
        ("## Notes\n", "names no ticket"),
        ("## #" + "9" * 5000 + "\nnote\n", "line 1: '## #999"),  # past 64 bits: no ticket, mine or others'
        ("## #²\nnote\n", "line 1: '## #²' names no ticket"),
    ],
)
def test_bad_notes_file_changes_nothing(cli: Invoke, desk: Desk, tmp_path: Path, content: str, message: str) -> None:
    ids = ids_of(plan(cli))
    notes = tmp_path / "notes.md"
    notes.write_text(content)
    result = cli("--sandbox", "handover", "--notes-file", str(notes), "--yes")
    assert result.code == 2
    assert message in result.stderr and result.stderr.count("\n") <= 3
    assert_still_sams(desk, ids)


def test_a_handover_note_over_the_comment_limit_changes_nothing(cli: Invoke, desk: Desk) -> None:
    ids = ids_of(plan(cli))
    result = cli("--sandbox", "handover", "--note", "x" * (65 * 1024), "--no-notes", "--yes")
    assert result.code == 2
    assert f"error: the note for #{ids[0]} is 65 KB, over the 64 KB Zendesk takes in one comment" in result.stderr
    assert_still_sams(desk, ids)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "nobody@govpress.example"], "no Zendesk user has that email"),
        (["--to", SAM.email], "is you"),
        (["--keep-membership"], "assigns a ticket only to a member"),
        (["--resume", "--to", TOM.email], "--resume finishes the journaled handover as planned; --to cannot change it"),
        (["--notes-file", "/nonexistent/notes.md"], "cannot read the notes file"),
        (["--notes-file", "x", "--no-notes"], "contradict"),
    ],
)
def test_bad_usage_exits_2_with_one_line(cli: Invoke, args: list[str], message: str) -> None:
    result = cli("--sandbox", "handover", "--yes", *args)
    assert result.code == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_resume_with_nothing_journaled(cli: Invoke) -> None:
    result = cli("--sandbox", "handover", "--resume", "--json")
    assert result.code == 0
    assert result.json() == {"status": "nothing_to_resume", "run_id": None}


@pytest.mark.parametrize("where", ["no/such/dir/r.md", "a-directory"])
def test_a_report_path_that_cannot_be_written_is_refused_before_anything_is_sent(
    cli: Invoke, desk: Desk, tmp_path: Path, where: str
) -> None:
    ids = ids_of(plan(cli))
    (tmp_path / "a-directory").mkdir()
    report = tmp_path / where
    result = cli("--sandbox", "handover", "--to", TOM.email, "--no-notes", "--yes", "--report", str(report))
    assert result.code == 2
    assert f"cannot write the report to {report}" in result.stderr and "nothing was sent" in result.stderr
    assert_still_sams(desk, ids)
    assert not list((tmp_path / "state" / "handover").glob("*.jsonl"))


def test_a_report_that_cannot_be_written_afterwards_is_kept_in_the_state_dir(
    cli: Invoke, desk: Desk, tmp_path: Path
) -> None:
    """The report's directory disappears while the handover runs (here: while the notes are being
    written): the handover is done, the report is kept in the state dir, and the error says where."""
    ids = ids_of(plan(cli))
    gone = tmp_path / "share"
    gone.mkdir()
    script = editor(tmp_path, f"import shutil\nshutil.rmtree({str(gone)!r})\n")
    report = gone / "handover.md"
    result = cli("--sandbox", "handover", "--to", TOM.email, "--yes", "--report", str(report), env={"EDITOR": script})
    assert result.code == 1
    assert_handed_over(desk, ids)
    [kept] = (tmp_path / "state" / "handover").glob("report-*.md")
    assert kept.read_text().startswith("# Handover: Sam Okafor → Tom Hughes")
    assert oct(kept.stat().st_mode & 0o777) == "0o600"
    line = result.stderr.strip().splitlines()[-1]
    assert line == (
        f"error: cannot write the report to {report}: No such file or directory "
        f"(the handover itself is done; the report is kept in {kept})"
    )


def test_a_general_note_off_a_terminal_is_enough_intent(cli: Invoke, desk: Desk) -> None:
    """`--note TEXT --yes` from a script: no editor is looked for, nothing more is asked."""
    ids = ids_of(plan(cli))
    result = cli("--sandbox", "handover", "--to", PRIYA.email, "--note", "Ask me on Slack", "--yes")
    assert result.code == 0, result.stderr
    assert "editor" not in result.stderr
    assert all(desk.ticket(i)["assignee_id"] == PRIYA.id for i in ids)
    for ticket_id in ids:
        assert [n for n in desk.notes_by(ticket_id, SAM.id) if n.endswith("Ask me on Slack")], ticket_id
