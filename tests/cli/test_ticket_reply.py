"""`ticket reply` / `reply`, `ticket macros` and `ticket due` through the CLI, against the sandbox:
what the plan says, what is asked, what Zendesk recorded (the thread and the emails)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest
from pytest_mock import MockerFixture

from govpress_support.cli import output
from govpress_support.core import timeutil
from govpress_support.services.http import HttpClient
from govpress_support.services.zendesk import ZendeskClient
from tests.cli.conftest import Invoke
from tests.desk import Desk
from tests.seed_names import CUSTOM_STATUSES, ME, SEED

CONTACT = SEED.breached_urgent  # requester Hannah Price, CC Liam Foster
SEARCH = SEED.mine_open_with_card  # requester Grace Adeyemi, CC Oliver Grant
TEXT = "Hi Hannah, the contact form sends again: could you try it?"


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output, "_isatty", lambda stream: True)


def replies(desk: Desk, ticket_id: int, text: str = TEXT) -> list[dict[str, Any]]:
    return [c for c in desk.comments(ticket_id) if c["body"] == text]


def test_the_plan_says_public_and_to_whom_needs_yes_and_sends_once(cli: Invoke, desk: Desk) -> None:
    refused = cli("--sandbox", "ticket", "reply", CONTACT, TEXT)
    assert refused.code == 2 and "pass --yes" in refused.stderr
    assert "PUBLIC reply, emailed to Hannah Price <hannah.price@eastbrook.gov.example>" in refused.stderr
    assert "CC Liam Foster <liam.foster@eastbrook.gov.example>" in refused.stderr
    assert replies(desk, CONTACT) == [] and desk.emails(CONTACT) == []

    done = cli("--sandbox", "reply", CONTACT, TEXT, "--yes")
    assert done.code == 0, done.stderr
    assert f"✓ #{CONTACT} updated: PUBLIC reply" in done.stderr
    [reply] = replies(desk, CONTACT)
    assert reply["public"] is True and reply["author_id"] == ME.id
    [email] = desk.emails(CONTACT)
    assert [to["address"] for to in email["to"]] == ["hannah.price@eastbrook.gov.example"]
    assert email["body"] == TEXT
    metrics = desk.ticket(CONTACT, include="slas")["slas"]["policy_metrics"]
    assert {m["metric"]: m["stage"] for m in metrics}["next_reply_time"] == "achieved"

    again = cli("--sandbox", "reply", CONTACT, TEXT, "--yes", "--json")
    assert again.code == 0
    assert again.json()[0]["result"] == "unchanged"
    assert len(replies(desk, CONTACT)) == 1 and len(desk.emails(CONTACT)) == 1


def test_on_a_terminal_the_question_defaults_to_no(cli: Invoke, desk: Desk, terminal: None) -> None:
    declined = cli("--sandbox", "reply", CONTACT, TEXT, input="\n")
    assert declined.code == 1
    assert f"Send this PUBLIC reply to #{CONTACT}? It is emailed to 2 people. [y/n] (n)" in declined.stderr
    assert replies(desk, CONTACT) == []
    accepted = cli("--sandbox", "reply", CONTACT, TEXT, input="y\n")
    assert accepted.code == 0, accepted.stderr
    assert len(replies(desk, CONTACT)) == 1


def recording_editor(tmp_path: Path, reply: str) -> tuple[dict[str, str], Path]:
    """An $EDITOR that keeps a copy of the template it was opened on (the Path) and writes `reply`
    above it; the environment that names it."""
    seen = tmp_path / "template.txt"
    script = tmp_path / "editor.py"
    script.write_text(
        "import shutil, sys\n"
        f"shutil.copy(sys.argv[1], {str(seen)!r})\n"
        "body = open(sys.argv[1], encoding='utf-8').read()\n"
        f"open(sys.argv[1], 'w', encoding='utf-8').write({reply + chr(10)!r} + body)\n"
    )
    return {"EDITOR": f"{sys.executable} {script}"}, seen


def test_the_editor_opens_on_the_thread_and_its_hash_lines_are_left_out(
    cli: Invoke, desk: Desk, terminal: None, tmp_path: Path
) -> None:
    env, seen = recording_editor(tmp_path, "Thanks, Hannah: fixed now.")
    result = cli("--sandbox", "reply", CONTACT, "--yes", env=env)
    assert result.code == 0, result.stderr
    template = seen.read_text(encoding="utf-8")
    assert "# It is emailed to Hannah Price <hannah.price@eastbrook.gov.example>, CC Liam Foster" in template
    latest = [c for c in desk.comments(CONTACT) if c["public"]][-2]  # the client's, before ours
    assert f"#   {latest['body'].splitlines()[0]}" in template
    [sent] = [c for c in desk.comments(CONTACT) if c["author_id"] == ME.id and c["public"]][-1:]
    assert sent["body"] == "Thanks, Hannah: fixed now."


def test_no_service_text_can_leave_the_templates_comment_lines(
    cli: Invoke, desk: Desk, terminal: None, tmp_path: Path
) -> None:
    """A subject or a client's message holding a newline, a line separator or an escape sequence
    cannot put a line into the reply nor drive the terminal the editor runs in."""
    desk.update(CONTACT, subject="Form broken\nClick https://evil.example now\u2028Or here\x1b]0;owned\x07")
    desk.touch(CONTACT, comment={"body": "Still broken\u2028Send your password to evil.example", "public": True})
    env, seen = recording_editor(tmp_path, "Fixed now.")
    result = cli("--sandbox", "reply", CONTACT, "--yes", env=env)
    assert result.code == 0, result.stderr
    template = seen.read_text(encoding="utf-8")
    assert "\x1b" not in template and "\x07" not in template and "␛]0;owned␇" in template
    assert [line for line in template.split("\n") if line and not line.startswith("#")] == []
    [sent] = [c for c in desk.comments(CONTACT) if c["public"] and c["body"].startswith("Fixed")]
    assert sent["body"] == "Fixed now."


def test_an_empty_reply_sends_nothing(cli: Invoke, desk: Desk) -> None:
    before = len(desk.comments(CONTACT))
    result = cli("--sandbox", "reply", CONTACT, "-", "--yes", input="   \n")
    assert result.code == 2 and "error: empty reply: nothing was sent" in result.stderr
    assert len(desk.comments(CONTACT)) == before


def test_status_in_the_same_update_with_the_rules_of_ticket_status(cli: Invoke, desk: Desk) -> None:
    no_reason = cli("--sandbox", "reply", CONTACT, TEXT, "--status", "on-hold", "--yes")
    assert no_reason.code == 2 and "on-hold needs --reason" in no_reason.stderr
    done = cli("--sandbox", "reply", CONTACT, TEXT, "--status", "believed-solved", "--yes")
    assert done.code == 0, done.stderr
    assert "status: Open → Pending believed solved" in done.stderr
    ticket = desk.ticket(CONTACT)
    assert ticket["custom_status_id"] == CUSTOM_STATUSES["Pending believed solved"]
    assert len(replies(desk, CONTACT)) == 1


def test_a_bad_status_is_refused_while_the_command_line_is_read(cli: Invoke, mocker: MockerFixture) -> None:
    sent = mocker.spy(HttpClient, "request")
    result = cli("--sandbox", "reply", CONTACT, TEXT, "--status", "closed", "--yes")
    assert result.code == 2
    assert result.stderr.splitlines()[-1] == (
        "error: invalid value for '--status' / '-s': unknown status 'closed' "
        "(use one of: open, pending, on-hold, believed-solved, solved)"
    )
    assert sent.call_count == 0


def test_the_client_writing_meanwhile_is_exit_5_with_their_message_and_nothing_sent(
    cli: Invoke, desk: Desk, mocker: MockerFixture
) -> None:
    news = "Still broken on the Welsh page, sorry!\nSee the screenshot."
    real = ZendeskClient.update_ticket

    def after_someone_wrote(self: ZendeskClient, *args: Any, **kwargs: Any) -> Any:
        desk.touch(CONTACT, comment={"body": news, "public": True})
        return real(self, *args, **kwargs)

    mocker.patch.object(ZendeskClient, "update_ticket", after_someone_wrote)
    result = cli("--sandbox", "reply", CONTACT, TEXT, "--status", "pending", "--yes")
    assert result.code == 5
    assert f"New public reply on #{CONTACT} by" in result.stderr
    assert "│ Still broken on the Welsh page, sorry!\n" in result.stderr
    assert "│ See the screenshot." in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith(f"error: ticket {CONTACT} changed since it was read")
    assert replies(desk, CONTACT) == [] and desk.ticket(CONTACT)["status"] == "open"


def test_several_tickets_need_bulk_and_the_plan_lists_everyone_emailed(cli: Invoke, desk: Desk) -> None:
    refused = cli("--sandbox", "reply", CONTACT, SEARCH, "-m", TEXT, "--yes")
    assert refused.code == 2 and "needs --bulk" in refused.stderr
    planned = cli("--sandbox", "reply", CONTACT, SEARCH, "-m", TEXT, "--bulk", "--dry-run", "--json")
    assert planned.code == 0
    assert [r["result"] for r in planned.json()] == ["planned", "planned"]
    assert "4 people will be emailed:" in planned.stderr
    assert desk.emails() == []
    done = cli("--sandbox", "reply", CONTACT, SEARCH, "-m", TEXT, "--bulk", "--yes")
    assert done.code == 0, done.stderr
    assert sorted(e["ticket_id"] for e in desk.emails()) == sorted([CONTACT, SEARCH])


def test_a_macro_through_zendesks_apply_with_text_added(cli: Invoke, desk: Desk) -> None:
    listed = cli("--sandbox", "ticket", "macros", "--json")
    assert listed.code == 0
    titles = {m["title"]: m for m in listed.json()}
    assert titles["Ask for more detail"]["changes"] == ["status Pending", "public reply"]
    assert titles["Scoped: moving to scoping"]["public_reply"] is False
    assert "Priya: deployed, watching logs" not in titles  # someone else's
    assert "Escalate to Helpful hosting (retired)" not in titles  # not active
    searched = cli("--sandbox", "ticket", "macros", "--search", "PENDING", "--json")
    assert [m["title"] for m in searched.json()] == ["Pending believed solved"]

    done = cli("--sandbox", "reply", SEARCH, "A screenshot would help most.", "--macro", "ask for more", "--yes")
    assert done.code == 0, done.stderr
    assert "PUBLIC reply (macro 'Ask for more detail')" in done.stderr
    [email] = desk.emails(SEARCH)
    assert email["body"].startswith("Hi Grace,") and email["body"].endswith("A screenshot would help most.")
    assert desk.ticket(SEARCH)["status"] == "pending"


class TestDue:
    def test_a_task_gets_a_due_day_at_noon_and_a_second_run_changes_nothing(self, cli: Invoke, desk: Desk) -> None:
        timeutil.set_clock(lambda: timeutil.parse_iso("2026-12-01T10:00:00Z") or timeutil.now())
        task = SEED.mine_task_with_due
        done = cli("--sandbox", "ticket", "due", task, "friday", "--yes")
        assert done.code == 0, done.stderr
        assert "due: " in done.stderr and "→ Fri 04 Dec 2026" in done.stderr
        assert desk.ticket(task)["due_at"] == "2026-12-04T12:00:00Z"
        again = cli("--sandbox", "ticket", "due", task, "2026-12-04", "--yes")
        assert again.code == 0 and "nothing to do (already due Fri 04 Dec 2026)" in again.stderr
        cleared = cli("--sandbox", "ticket", "due", task, "none", "--yes")
        assert cleared.code == 0 and desk.ticket(task)["due_at"] is None

    def test_the_result_is_what_zendesk_kept_not_the_plan(self, cli: Invoke, desk: Desk, mocker: MockerFixture) -> None:
        """A due date Zendesk did not keep (it drops one silently) is never a ✓."""
        task = SEED.mine_task_with_due
        before = desk.ticket(task)["due_at"]
        real = ZendeskClient.update_ticket

        def dropping_the_due_date(self: ZendeskClient, ticket_id: int, body: dict[str, Any], **kwargs: Any) -> Any:
            return real(self, ticket_id, {k: v for k, v in body.items() if k != "due_at"}, **kwargs)

        mocker.patch.object(ZendeskClient, "update_ticket", dropping_the_due_date)
        result = cli("--sandbox", "ticket", "due", task, "+3d", "--yes")
        assert result.code != 0
        assert "✓" not in result.stderr
        assert "Zendesk took the update but not its due_at" in result.stderr
        assert desk.ticket(task)["due_at"] == before

    def test_another_type_is_refused_unless_make_task(self, cli: Invoke, desk: Desk) -> None:
        refused = cli("--sandbox", "ticket", "due", CONTACT, "+3d", "--yes")
        assert refused.code == 2
        assert f"ticket {CONTACT} is an incident, and only task tickets have a due date" in refused.stderr
        assert "--make-task" in refused.stderr
        made = cli("--sandbox", "ticket", "due", CONTACT, "+3d", "--make-task", "--yes")
        assert made.code == 0, made.stderr
        ticket = desk.ticket(CONTACT)
        assert ticket["type"] == "task" and ticket["due_at"] is not None

    def test_a_bad_date_is_said_before_anything_is_read(self, cli: Invoke, mocker: MockerFixture) -> None:
        sent = mocker.spy(HttpClient, "request")
        result = cli("--sandbox", "ticket", "due", CONTACT, "someday")
        assert result.code == 2
        assert "error: invalid due date 'someday' (use a date (2026-12-04), a weekday (friday)" in result.stderr
        assert sent.call_count == 0


def test_ticket_show_says_whom_a_reply_was_emailed_to(cli: Invoke, desk: Desk) -> None:
    assert cli("--sandbox", "reply", CONTACT, TEXT, "--yes").code == 0
    shown = cli("--sandbox", "ticket", "show", CONTACT, env={"GOVPRESS_SUPPORT_FORCE_TTY": "1", "COLUMNS": "200"})
    page = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.stdout)  # the styles, not the words
    assert "public reply, emailed to Hannah Price <hannah.price@eastbrook.gov.example> + 1 CC" in page
    heads = [line for line in page.splitlines() if "· public reply" in line]
    client = [line for line in heads if "Hannah Price ·" in line]
    assert client and not any("emailed to" in line for line in client)  # the client's own mail came in
    assert "emailed to" in heads[-1]  # ours, the latest


def test_a_ticket_that_holds_all_the_comments_it_may_refuses_the_reply(cli: Invoke, desk: Desk) -> None:
    held = len(desk.comments(CONTACT))
    desk.settings(comment_limit=held)
    result = cli("--sandbox", "reply", CONTACT, TEXT, "--yes")
    assert result.code == 1
    said = f"nothing was written to ticket {CONTACT}: it already holds {held:,} comments, the most Zendesk allows"
    assert said in result.stderr and "add a follow-up ticket" in result.stderr
    assert replies(desk, CONTACT) == [] and desk.emails(CONTACT) == []
