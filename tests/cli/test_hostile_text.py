"""Text from the services is shown, never obeyed: anyone who can email the desk writes ticket
subjects, suspended subjects and comments. Every command that shows them, on a terminal and piped."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pytest_mock import MockerFixture

from tests.cli.conftest import Invoke, Result
from tests.desk import Desk
from tests.seed_names import FREE_WEEKLY_TASK, SEED, SPAM, TOM

# A window title, a clear screen, an OSC 8 link to another site, rich markup for a link and a
# colour, an 8-bit CSI and a right-to-left override.
HOSTILE = (
    "Invoice \x1b]0;pwned\x07 \x1b[2J \x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ "
    "[link=https://evil.example/x]here[/link] [bold red]red[/] \x9b31m \u202eexe.pdf"
)
TERMINAL = {"GOVPRESS_SUPPORT_FORCE_TTY": "1", "COLUMNS": "400"}
OSC8_TARGET = re.compile(r"\x1b\]8;[^;]*;([^\x1b\x07]*)")


def assert_harmless(result: Result, *, shown: bool = True) -> None:
    """Nothing from HOSTILE reaches the terminal as a control sequence, markup or link; with
    `shown`, it is there in visible form."""
    both = result.stdout + result.stderr
    for raw in ("\x1b]0;", "\x1b[2J", "\x07", "\x9b", "\u202e", "\x1b]8;;https://evil"):
        assert raw not in both, f"{raw!r} reached the terminal"
    assert not [url for url in OSC8_TARGET.findall(both) if "evil" in url], "a link to evil.example"
    if shown:
        assert "␛]0;pwned" in both
        assert "[link=https://evil.example/x]here[/link]" in both  # markup shown as typed


@pytest.fixture
def hostile(desk: Desk) -> int:
    """Sam's open 2nd line ticket (no card), with a hostile subject and a hostile comment, and a
    suspended ticket with a hostile subject."""
    ticket = SEED.mine_open
    desk.update(ticket, subject=HOSTILE, comment={"body": f"From the client: {HOSTILE}", "public": True})
    assert desk.app is not None
    with desk.app.store.write() as conn:
        conn.execute("UPDATE suspended SET doc = json_set(doc, '$.subject', ?)", (HOSTILE,))
    return ticket


@pytest.mark.parametrize("env", [TERMINAL, {}], ids=["terminal", "piped"])
def test_queue(cli: Invoke, hostile: int, env: dict[str, str]) -> None:
    result = cli("--sandbox", "queue", env=env)
    assert result.code == 0, result.stderr
    assert_harmless(result)


@pytest.mark.parametrize("env", [TERMINAL, {}], ids=["terminal", "piped"])
def test_ticket_show(cli: Invoke, hostile: int, env: dict[str, str]) -> None:
    result = cli("--sandbox", "ticket", "show", hostile, env=env)
    assert result.code == 0, result.stderr
    assert_harmless(result)
    assert "From the client: Invoice ␛]0;pwned" in result.stdout


@pytest.mark.parametrize("env", [TERMINAL, {}], ids=["terminal", "piped"])
def test_suspended(cli: Invoke, hostile: int, env: dict[str, str]) -> None:
    result = cli("--sandbox", "suspended", env=env)
    assert result.code == 0, result.stderr
    assert_harmless(result)


def test_json_escapes_what_a_terminal_would_obey(cli: Invoke, hostile: int) -> None:
    result = cli("--sandbox", "ticket", "show", hostile, "--json")
    assert_harmless(result, shown=False)
    assert result.json()[0]["subject"] == HOSTILE  # the value itself is unchanged


@pytest.mark.parametrize("env", [TERMINAL, {}], ids=["terminal", "piped"])
def test_handover_plan(cli: Invoke, hostile: int, env: dict[str, str]) -> None:
    result = cli("--sandbox", "handover", "--to", TOM.email, "--no-notes", "--dry-run", env=env)
    assert result.code == 0, result.stderr
    assert_harmless(result)


@pytest.mark.parametrize("env", [TERMINAL, {}], ids=["terminal", "piped"])
def test_card_create(cli: Invoke, hostile: int, env: dict[str, str]) -> None:
    result = cli("--sandbox", "card", "create", hostile, "--dry-run", env=env)
    assert result.code == 0, result.stderr
    assert_harmless(result)


@pytest.mark.parametrize("env", [TERMINAL, {}], ids=["terminal", "piped"])
def test_start_rotation_briefing(cli: Invoke, hostile: int, env: dict[str, str]) -> None:
    result = cli("--sandbox", "start-rotation", "--dry-run", env=env)
    assert result.code == 3, result.stderr  # Priya keeps her tickets, and her place
    assert_harmless(result)


def test_markdown_briefing(cli: Invoke, hostile: int) -> None:
    result = cli("--sandbox", "start-rotation", "--dry-run", "--markdown", env=TERMINAL)
    assert_harmless(result)


def test_visible_shows_every_control_character_one_for_one() -> None:
    from govpress_support.cli.output import safe_link, visible

    assert visible("a\x1b[2Jb\x07c\x7f\x9b\u202ed\te\nf\r\ng") == "a␛[2Jb␇c␡\ufffd\ufffdd\te\nf\ng"
    assert visible("Ünïcödé ✓ — plain") == "Ünïcödé ✓ — plain"
    assert safe_link("https://govpress.zendesk.com/agent/tickets/4012")
    assert not safe_link("https://evil.example/\x1b\\x") and not safe_link("javascript:alert(1)")


def test_the_redactor_knows_a_basic_credential_by_what_it_decodes_to() -> None:
    import base64

    from govpress_support.core.redact import Redactor

    value = base64.b64encode(b"someone@example.org/token:not-registered-anywhere").decode()
    redact = Redactor()
    assert redact(f"the gateway saw Basic {value} and refused") == "the gateway saw Basic *** and refused"
    assert redact("Basic configuration of the Basic plugin") == "Basic configuration of the Basic plugin"


# --- the rota day's commands: replies, macros, suspended recovery, weekly tasks -------------------------


@pytest.fixture
def hostile_people(desk: Desk, hostile: int) -> int:
    """The hostile ticket's requester named with HOSTILE (names come from whoever emails the desk),
    a macro titled with it and the free weekly task card named with it."""
    requester = desk.ticket(hostile)["requester_id"]
    assert desk.app is not None
    with desk.app.store.write() as conn:
        conn.execute(
            "UPDATE users SET name = ?, doc = json_set(doc, '$.name', ?) WHERE id = ?", (HOSTILE, HOSTILE, requester)
        )
        conn.execute("UPDATE macros SET title = ? WHERE title = 'Ask for more detail'", (HOSTILE,))
        conn.execute(
            "UPDATE trello_cards SET doc = json_set(doc, '$.name', ?) WHERE json_extract(doc, '$.name') = ?",
            (HOSTILE, FREE_WEEKLY_TASK),
        )
    return hostile


@pytest.mark.parametrize("env", [TERMINAL, {}], ids=["terminal", "piped"])
def test_reply_plan(cli: Invoke, hostile_people: int, env: dict[str, str]) -> None:
    result = cli("--sandbox", "reply", hostile_people, "Fixed now.", "--dry-run", env=env)
    assert result.code == 0, result.stderr
    assert_harmless(result)
    assert "PUBLIC reply, emailed to Invoice ␛]0;pwned" in result.stderr


def test_reply_conflict_shows_the_new_message_and_obeys_none_of_it(
    cli: Invoke, desk: Desk, hostile: int, mocker: MockerFixture
) -> None:
    from govpress_support.services.zendesk import ZendeskClient

    real = ZendeskClient.update_ticket

    def after_the_client_wrote(self: ZendeskClient, *args: Any, **kwargs: Any) -> Any:
        desk.touch(hostile, comment={"body": f"Meanwhile: {HOSTILE}", "public": True})
        return real(self, *args, **kwargs)

    mocker.patch.object(ZendeskClient, "update_ticket", after_the_client_wrote)
    result = cli("--sandbox", "reply", hostile, "Fixed now.", "--yes", env=TERMINAL)
    assert result.code == 5, result.stderr
    assert_harmless(result)
    assert "│ Meanwhile: Invoice ␛]0;pwned" in result.stderr  # the whole message, shown
    assert result.stderr.rstrip().splitlines()[-1].startswith(f"error: ticket {hostile} changed since it was read")


def test_ticket_show_says_whom_it_was_emailed_to_harmlessly(cli: Invoke, hostile_people: int) -> None:
    assert cli("--sandbox", "reply", hostile_people, "Fixed now.", "--yes").code == 0
    result = cli("--sandbox", "ticket", "show", hostile_people, env=TERMINAL)
    assert result.code == 0, result.stderr
    assert_harmless(result)
    assert ", emailed to Invoice ␛]0;pwned" in result.stdout


@pytest.mark.parametrize("env", [TERMINAL, {}], ids=["terminal", "piped"])
def test_macros(cli: Invoke, hostile_people: int, env: dict[str, str]) -> None:
    result = cli("--sandbox", "ticket", "macros", env=env)
    assert result.code == 0, result.stderr
    assert_harmless(result)


@pytest.mark.parametrize("env", [TERMINAL, {}], ids=["terminal", "piped"])
def test_suspended_recover(cli: Invoke, hostile: int, env: dict[str, str]) -> None:
    planned = cli("--sandbox", "suspended", "recover", SPAM, "--dry-run", env=env)
    assert planned.code == 0, planned.stderr
    assert_harmless(planned)
    done = cli("--sandbox", "suspended", "recover", SPAM, "--yes", env=env)
    assert done.code == 0, done.stderr
    assert_harmless(done)
    assert f"✓ {SPAM} recovered: now ticket #" in done.stderr


@pytest.mark.parametrize("env", [TERMINAL, {}], ids=["terminal", "piped"])
def test_weekly_tasks(cli: Invoke, hostile_people: int, env: dict[str, str]) -> None:
    listed = cli("--sandbox", "weekly-tasks", env=env)
    assert listed.code == 0, listed.stderr
    assert_harmless(listed)
    taken = cli("--sandbox", "weekly-tasks", "take", "pwned", "--yes", env=env)
    assert taken.code == 0, taken.stderr
    assert_harmless(taken, shown=False)
    assert "took 'Invoice \\x1b]0;pwned" in taken.stderr  # quoted as Python does: escaped


def test_completion_offers_no_control_sequence(cli: Invoke, hostile: int) -> None:
    """Ticket ids are offered with their subjects (from the last queue): shown, never obeyed."""
    assert cli("--sandbox", "queue").code == 0  # fills the completion cache
    # zsh shows each value's help (the subject) beside it; Typer's zsh protocol takes the line as typed.
    line = "govpress-support ticket show "
    result = cli(env={"_GOVPRESS_SUPPORT_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": line})
    assert result.code == 0, result.stderr
    assert str(hostile) in result.stdout
    assert_harmless(result, shown=False)  # Typer drops what looks like markup from the help
    assert "Invoice ␛]0;pwned" in result.stdout
