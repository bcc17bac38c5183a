"""`ticket show` and `suspended` against the in-process sandbox."""

from __future__ import annotations

import re

import pytest

from tests.cli.conftest import Invoke
from tests.desk import Desk
from tests.seed_names import ME, SEED

TTY = {"GOVPRESS_SUPPORT_FORCE_TTY": "1", "NO_COLOR": "1", "COLUMNS": "120"}


def plain(text: str) -> str:
    """Terminal output without its escape sequences (bold, dim and links stay under NO_COLOR)."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\]8;[^\x1b]*\x1b\\", "", text)


def test_json_has_every_field_the_issue_names(cli: Invoke) -> None:
    result = cli("--sandbox", "ticket", "show", SEED.mine_on_hold, "--json")
    assert result.code == 0, result.stderr
    [ticket] = result.json()
    assert ticket["id"] == SEED.mine_on_hold
    assert ticket["subject"] == "Staging site asks for the basic auth password twice"
    assert ticket["status"] == "hold" and ticket["status_label"] == "On-hold"
    assert (ticket["priority"], ticket["type"]) == ("normal", "question")
    assert ticket["group"] == "GovPress 2nd line support"
    assert ticket["requester_name"] == "Rajesh Kumar"
    assert ticket["organization"] == "Department for Rural Affairs"
    assert ticket["assignee_email"] == "sam.okafor@govpress.example"
    assert ticket["sla_metrics"] == [
        {"metric": "next_reply_time", "stage": "paused", "breach_at": None, "breached": False}
    ]
    assert ticket["sla_urgency"] == "paused"
    assert "basic_auth" in ticket["tags"]
    assert ticket["trello_card"] == "missing"
    kinds = [(c["author_name"], c["internal"]) for c in ticket["comments"]]
    # The request, Sam's first reply, his note, the client's answer that started the next reply.
    assert kinds == [("Rajesh Kumar", False), ("Sam Okafor", False), ("Sam Okafor", True), ("Rajesh Kumar", False)]


def test_custom_status_label_linked_card_and_breached_sla(cli: Invoke) -> None:
    [pbs, breached] = cli(
        "--sandbox", "ticket", "show", SEED.believed_solved, f"#{SEED.breached_with_card}", "--json"
    ).json()
    assert pbs["status"] == "pending" and pbs["status_label"] == "Pending believed solved"
    assert breached["trello_card"] == "linked"
    assert breached["trello_card_url"].startswith("https://trello.com/c/")
    assert breached["sla_breached"] is True
    assert any(m["breached"] for m in breached["sla_metrics"])


def test_terminal_page_marks_internal_notes(cli: Invoke) -> None:
    result = cli("--sandbox", "ticket", "show", SEED.mine_on_hold, env=TTY)
    assert result.code == 0, result.stderr
    page = plain(result.stdout)
    assert f"#{SEED.mine_on_hold} Staging site asks for the basic auth password twice" in page
    assert "Rajesh Kumar <rajesh.kumar@ruralaffairs.gov.example> · Department for Rural Affairs" in page
    assert "On-hold" in page and "GovPress 2nd line support" in page
    assert "next reply paused" in page
    assert "Sam Okafor · " in page and "· internal note" in page
    assert "· public reply" in page
    assert f"govpress-support card create {SEED.mine_on_hold}" in page  # no card: the way to make one


def test_piped_output_is_field_tab_value(cli: Invoke) -> None:
    lines = cli("--sandbox", "ticket", "show", SEED.mine_on_hold).stdout.splitlines()
    assert "status_label\tOn-hold" in lines
    assert "group\tGovPress 2nd line support" in lines
    assert "sla\tnext_reply_time\tpaused\t\tfalse" in lines
    internal = [line for line in lines if line.startswith("comment\t") and "\tinternal\t" in line]
    assert len(internal) == 1 and internal[0].endswith("\tSam Okafor")
    body = lines[lines.index(internal[0]) + 1]
    assert body.startswith("\tBlocked: the second prompt")


def test_unknown_ticket_and_bad_id(cli: Invoke) -> None:
    missing = cli("--sandbox", "ticket", "show", SEED.mine_on_hold, "99999")
    assert missing.code == 1
    assert missing.stderr.strip().endswith(
        "error: ticket #99999 not found (check the number; tickets you cannot see count as missing)"
    )
    bad = cli("--sandbox", "ticket", "show", "four")
    assert bad.code == 2 and "'four' is not a ticket id" in bad.stderr


def test_a_ticket_url_works_as_an_id(cli: Invoke) -> None:
    url = f"https://sandbox.zendesk.invalid/agent/tickets/{SEED.mine_on_hold}"  # the desk's own, as listed
    result = cli("--sandbox", "ticket", "show", url, "--json")
    assert result.json()[0]["id"] == SEED.mine_on_hold
    assert result.json()[0]["url"] == url


def test_a_ticket_url_on_another_host_is_refused_before_any_request(cli: Invoke) -> None:
    result = cli("--sandbox", "ticket", "show", f"https://evil.example/agent/tickets/{SEED.mine_on_hold}")
    assert result.code == 2
    assert result.stderr == (
        f"error: 'https://evil.example/agent/tickets/{SEED.mine_on_hold}' is a ticket on evil.example, not on "
        "this desk (sandbox.zendesk.invalid) (give the number, or a URL on sandbox.zendesk.invalid)\n"
    )  # one line, and the sandbox was never opened: no request was made


@pytest.mark.parametrize("ticket", ["9" * 5000, "99999999999999999999"])
def test_ticket_ids_beyond_64_bits_are_refused_before_any_request(cli: Invoke, ticket: str) -> None:
    result = cli("--sandbox", "ticket", "show", ticket)
    assert result.code == 2
    assert result.stderr.endswith("is out of range (Zendesk ids are at most 9223372036854775807)\n")
    assert len(result.stderr.splitlines()) == 1  # the sandbox was never opened: no request was made


class TestSuspended:
    def test_count_first_then_oldest_first(self, cli: Invoke) -> None:
        result = cli("--sandbox", "suspended")
        assert result.code == 0
        assert "3 suspended tickets" in result.stderr
        lines = result.stdout.splitlines()
        assert lines[0] == "id\tcreated_at\tcause\tauthor_email\tauthor_name\tticket_id\tsubject"
        created = [line.split("\t")[1] for line in lines[1:]]
        assert created == sorted(created) and len(created) == 3
        assert any("\tDetected as spam\t" in line for line in lines)

    def test_json_and_terminal(self, cli: Invoke) -> None:
        data = cli("--sandbox", "suspended", "--json").json()
        assert {t["cause"] for t in data} >= {"Detected as spam"}
        assert all(t["age_seconds"] > 0 and t["author_email"] for t in data)
        page = plain(cli("--sandbox", "suspended", env=TTY).stdout)
        assert "Boost your council website" in page and "Detected as spam" in page and " ago" in page

    def test_none_is_not_an_error(self, cli: Invoke, desk: Desk) -> None:
        for ticket in cli("--sandbox", "suspended", "--json").json():
            desk.zendesk.delete(f"/api/v2/suspended_tickets/{ticket['id']}").raise_for_status()
        result = cli("--sandbox", "suspended", env=TTY)
        assert result.code == 0
        assert "0 suspended tickets" in result.stderr
        assert "No suspended tickets." in result.stderr

    def test_not_allowed_is_exit_4_with_the_reason(self, cli: Invoke, desk: Desk) -> None:
        desk.set_role(ME.email, "end-user")
        result = cli("--sandbox", "suspended")
        assert result.code == 4
        assert "does not show you suspended tickets" in result.stderr


def test_every_ticket_command_has_help_with_an_example(cli: Invoke) -> None:
    for command in (
        ["ticket", "show"],
        ["ticket", "note"],
        ["ticket", "triage"],
        ["ticket", "move"],
        ["ticket", "cascade"],
        ["ticket", "return"],
        ["ticket", "status"],
        ["ticket", "assign"],
        ["note"],
        ["cascade"],
        ["suspended"],
    ):
        result = cli(*command, "--help")
        assert result.code == 0, command
        assert "Examples:" in result.stdout and f"govpress-support {command[-1]}" in result.stdout.replace(
            "ticket ", ""
        ), command
    listing = cli("--help").stdout
    assert all(name in listing for name in ("ticket", "note", "cascade", "suspended"))


def test_handover_notes_are_marked(cli: Invoke, desk: Desk) -> None:
    desk.update(
        SEED.mine_open,
        comment={"body": "Handover from Sam Okafor to Tom Hughes:\n\nTried the timezone.", "public": False},
    )
    page = plain(cli("--sandbox", "ticket", "show", SEED.mine_open, env=TTY).stdout)
    assert "· handover note" in page and "(1 from handovers)" in page
    [record] = cli("--sandbox", "ticket", "show", SEED.mine_open, "--json").json()
    assert [c["handover"] for c in record["comments"]][-1] is True
    assert not any(c["handover"] for c in record["comments"][:-1])
    lines = cli("--sandbox", "ticket", "show", SEED.mine_open).stdout.splitlines()
    assert any(line.startswith("comment\t") and "\thandover\tSam Okafor" in line for line in lines)
