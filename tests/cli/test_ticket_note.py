"""`ticket note` / `note`: text from the argument, stdin or $EDITOR; always internal; once."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pytest_mock import MockerFixture

from govpress_support.cli import output
from govpress_support.services.zendesk import ZendeskClient
from tests.cli.conftest import Invoke
from tests.desk import Desk
from tests.seed_names import ME, SEED


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """stdin, stdout and stderr all terminals, as for a person typing."""
    monkeypatch.setattr(output, "_isatty", lambda stream: True)


def test_note_is_internal_needs_yes_off_a_terminal_and_is_added_once(cli: Invoke, desk: Desk) -> None:
    text = "Checked the proxy logs: the second prompt is the old Helpful proxy."
    refused = cli("--sandbox", "ticket", "note", SEED.mine_on_hold, text)
    assert refused.code == 2 and "pass --yes" in refused.stderr
    assert desk.notes(SEED.mine_on_hold, text) == 0

    done = cli("--sandbox", "ticket", "note", SEED.mine_on_hold, text, "--yes")
    assert done.code == 0, done.stderr
    assert f"✓ #{SEED.mine_on_hold} updated" in done.stderr
    [note] = [c for c in desk.comments(SEED.mine_on_hold) if c["body"] == text]
    assert note["public"] is False and note["author_id"] == ME.id

    again = cli("--sandbox", "note", SEED.mine_on_hold, text, "--yes")
    assert again.code == 0
    assert "nothing to do (its latest comment is already this note by you)" in again.stderr
    assert desk.notes(SEED.mine_on_hold, text) == 1


def test_text_from_stdin_with_dash_or_when_omitted_off_a_terminal(cli: Invoke, desk: Desk) -> None:
    assert cli("--sandbox", "note", SEED.mine_on_hold, "-", "--yes", input="From a pipe\n").code == 0
    assert desk.notes(SEED.mine_on_hold, "From a pipe") == 1
    assert cli("--sandbox", "note", SEED.mine_pending, "--yes", input="Piped, no dash\n").code == 0
    assert desk.notes(SEED.mine_pending, "Piped, no dash") == 1


def test_empty_note_is_an_error_and_sends_nothing(cli: Invoke, desk: Desk) -> None:
    before = len(desk.comments(SEED.mine_on_hold))
    result = cli("--sandbox", "note", SEED.mine_on_hold, "-", "--yes", input="  \n\n")
    assert result.code == 2
    assert "error: empty note: nothing was sent" in result.stderr
    assert len(desk.comments(SEED.mine_on_hold)) == before


def test_message_option_takes_text_that_looks_like_a_number(cli: Invoke, desk: Desk) -> None:
    assert cli("--sandbox", "note", SEED.mine_on_hold, "-m", "42", "--yes").code == 0
    assert desk.notes(SEED.mine_on_hold, "42") == 1


def test_editor_when_omitted_on_a_terminal(cli: Invoke, desk: Desk, terminal: None, tmp_path: Path) -> None:
    script = tmp_path / "editor.py"
    script.write_text("import sys\nopen(sys.argv[1], 'w').write('Written in the editor\\n\\nSecond paragraph')\n")
    result = cli("--sandbox", "note", SEED.mine_on_hold, "--yes", env={"EDITOR": f"{sys.executable} {script}"})
    assert result.code == 0, result.stderr
    assert desk.notes(SEED.mine_on_hold, "Written in the editor\n\nSecond paragraph") == 1

    script.write_text("pass\n")  # the user quits without writing
    before = len(desk.comments(SEED.mine_on_hold))
    empty = cli("--sandbox", "note", SEED.mine_on_hold, "--yes", env={"EDITOR": f"{sys.executable} {script}"})
    assert empty.code == 2 and "empty note" in empty.stderr
    assert len(desk.comments(SEED.mine_on_hold)) == before


def test_asks_once_on_a_terminal(cli: Invoke, desk: Desk, terminal: None) -> None:
    declined = cli("--sandbox", "note", SEED.mine_on_hold, "Not this one", input="n\n")
    assert declined.code == 1
    assert f"Add this internal note to #{SEED.mine_on_hold}?" in declined.stderr
    assert desk.notes(SEED.mine_on_hold, "Not this one") == 0
    accepted = cli("--sandbox", "note", SEED.mine_on_hold, "This one", input="y\n")
    assert accepted.code == 0, accepted.stderr
    assert desk.notes(SEED.mine_on_hold, "This one") == 1


def test_dry_run_shows_the_plan_and_writes_nothing(cli: Invoke, desk: Desk) -> None:
    result = cli("--sandbox", "note", SEED.mine_on_hold, SEED.mine_pending, "Planned", "--dry-run", "--json")
    assert result.code == 0
    assert [r["result"] for r in result.json()] == ["planned", "planned"]
    assert f"#{SEED.mine_on_hold} Staging site asks for the basic auth password twice would get:" in result.stderr
    assert "dry run: nothing was written" in result.stderr
    assert desk.notes(SEED.mine_on_hold, "Planned") == desk.notes(SEED.mine_pending, "Planned") == 0


def test_several_ids_go_through_one_bulk_update_with_a_result_each(
    cli: Invoke, desk: Desk, mocker: MockerFixture
) -> None:
    bulk = mocker.spy(ZendeskClient, "update_many")
    single = mocker.spy(ZendeskClient, "update_ticket")
    ids = (SEED.mine_on_hold, SEED.mine_pending, SEED.breached_with_card)
    result = cli("--sandbox", "note", ids[0], ids[1], f"#{ids[2]}", "-m", "Client call at 3pm", "--yes", "--json")
    assert result.code == 0, result.stderr
    assert [(r["id"], r["result"]) for r in result.json()] == [(i, "updated") for i in ids]
    assert all(desk.notes(i, "Client call at 3pm") == 1 for i in ids)
    assert bulk.call_count == 1 and single.call_count == 0
    [items] = bulk.call_args.args[1:]
    assert [i["id"] for i in items] == list(ids)
    assert all(i["safe_update"] and i["updated_stamp"] for i in items)  # the collision guard, per ticket

    again = cli("--sandbox", "note", *ids, "-m", "Client call at 3pm", "--yes", "--json")
    assert [r["result"] for r in again.json()] == ["unchanged"] * 3
    assert all(desk.notes(i, "Client call at 3pm") == 1 for i in ids)


def test_no_secret_in_the_debug_log(cli: Invoke) -> None:
    from govpress_support import sandbox

    result = cli("--sandbox", "--debug", "note", SEED.mine_on_hold, "Debugging", "--yes")
    assert result.code == 0
    assert "PUT" in result.stderr
    assert sandbox.AGENT_TOKEN not in result.stderr + result.stdout


def test_visual_wins_over_editor_and_a_failing_editor_sends_nothing(
    cli: Invoke, desk: Desk, terminal: None, tmp_path: Path
) -> None:
    """One editor launcher for `note` and `handover`: $VISUAL, else $EDITOR; a failure is exit 1."""
    visual, editor = tmp_path / "visual.py", tmp_path / "editor.py"
    visual.write_text("import sys\nopen(sys.argv[1], 'w').write('From VISUAL')\n")
    editor.write_text("import sys\nopen(sys.argv[1], 'w').write('From EDITOR')\n")
    both = {"VISUAL": f"{sys.executable} {visual}", "EDITOR": f"{sys.executable} {editor}"}
    assert cli("--sandbox", "note", SEED.mine_on_hold, "--yes", env=both).code == 0
    assert desk.notes(SEED.mine_on_hold, "From VISUAL") == 1 and desk.notes(SEED.mine_on_hold, "From EDITOR") == 0

    before = len(desk.comments(SEED.mine_on_hold))
    failing = f"{sys.executable} -c 'raise SystemExit(3)'"
    result = cli("--sandbox", "note", SEED.mine_on_hold, "--yes", env={"EDITOR": failing})
    assert result.code == 1
    assert f"error: the editor failed ({failing}: Editing failed): nothing was sent" in result.stderr
    assert len(desk.comments(SEED.mine_on_hold)) == before
