"""`card create`, `card show` and `weekly-tasks` in-process against the sandbox, checked
through the sandbox's own APIs afterwards."""

from __future__ import annotations

import math
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from govpress_support import sandbox
from govpress_support.core import timeutil
from govpress_support.core.errors import NetworkError
from tests.cli.conftest import Invoke
from tests.desk import Desk
from tests.seed_names import SECOND_LINE, SEED, TRIAGE, TRIAGE_NAME, WEEK
from tests.support import sent_requests


def queue(cli: Invoke) -> list[dict[str, Any]]:
    result = cli("--sandbox", "queue", "--json")
    assert result.code == 0, result.stderr
    rows: list[dict[str, Any]] = result.json()
    return rows


def missing_ids(cli: Invoke) -> list[int]:
    return [row["id"] for row in queue(cli) if row["trello_card"] == "missing"]


def test_create_links_both_ways(cli: Invoke, desk: Desk) -> None:
    due = timeutil.now() + timedelta(days=3)
    ticket_id = desk.new_ticket(
        subject="Add the  new logo to the header",
        type="task",
        priority="high",
        due_at=timeutil.iso(due),
        group_id=SECOND_LINE,
    )
    result = cli("--sandbox", "card", "create", f"#{ticket_id}", "--join", "--label", "Styling", "--yes", "--json")
    assert result.code == 0, result.stderr
    [record] = result.json()
    assert record["action"] == "created"
    assert record["changes"] == ["card", "attachment", "note", "tag"]
    assert record["list"] == "Backlog"

    [card] = desk.cards_for(ticket_id)
    assert record["card_url"] == card["shortUrl"] == f"https://trello.com/c/{card['shortLink']}"
    assert card["name"] == f"#{ticket_id} Add the new logo to the header"
    agent_url = f"{sandbox.ZENDESK_URL}/agent/tickets/{ticket_id}"
    assert [a["url"] for a in card["attachments"]] == [agent_url]
    assert card["desc"].startswith(f"Zendesk ticket #{ticket_id}: {agent_url}")
    assert "- **Priority:** high" in card["desc"] and "- **Type:** task" in card["desc"]
    assert timeutil.parse_iso(card["due"]) == due.replace(microsecond=0)
    assert [label["name"] for label in card["labels"]] == ["Styling"]

    ticket = desk.ticket(ticket_id)
    assert "trello_card" in ticket["tags"]
    notes = [c for c in desk.comments(ticket_id) if card["shortUrl"] in c["body"]]
    assert len(notes) == 1 and notes[0]["public"] is False

    shown = cli("--sandbox", "card", "show", str(ticket_id), "--json")
    assert shown.code == 0, shown.stderr
    [item] = shown.json()
    assert item["card_url"] == card["shortUrl"]
    assert item["list"] == "Backlog"
    assert item["linked_both_ways"] is True and item["ticket_lacks"] == []
    assert item["found_by"] == "board"


def test_second_run_creates_nothing_and_says_already_linked(cli: Invoke, desk: Desk) -> None:
    ticket_id = missing_ids(cli)[0]
    first = cli("--sandbox", "card", "create", str(ticket_id), "--join", "--yes")
    assert first.code == 0, first.stderr
    notes_before = len(desk.comments(ticket_id))
    updated_before = desk.ticket(ticket_id)["updated_at"]

    again = cli("--sandbox", "card", "create", str(ticket_id), "--yes")
    assert again.code == 0, again.stderr
    assert f"ticket {ticket_id} already linked: https://trello.com/c/" in again.stderr
    lines = again.stdout.splitlines()
    assert lines[0].split("\t")[:2] == ["ticket_id", "action"]
    assert lines[1].split("\t")[:2] == [str(ticket_id), "already_linked"]
    assert len(desk.cards_for(ticket_id)) == 1
    assert len(desk.comments(ticket_id)) == notes_before
    assert desk.ticket(ticket_id)["updated_at"] == updated_before

    # The queue's Trello column uses the same lookup.
    row = next(r for r in queue(cli) if r["id"] == ticket_id)
    assert row["trello_card"] == "linked"
    assert row["trello_card_url"] == desk.cards_for(ticket_id)[0]["shortUrl"]


def test_half_failed_link_is_completed_by_the_next_run(
    cli: Invoke, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govpress_support.services.zendesk import ZendeskClient

    first_id, second_id = missing_ids(cli)[:2]
    real_update = ZendeskClient.update_ticket
    failed: list[int] = []

    def failing_once(self: ZendeskClient, ticket_id: int, changes: Any, **kwargs: Any) -> Any:
        if ticket_id == first_id and not failed:
            failed.append(ticket_id)
            raise NetworkError("cannot reach Zendesk at sandbox.zendesk.invalid: timed out", "check before re-running")
        return real_update(self, ticket_id, changes, **kwargs)

    monkeypatch.setattr(ZendeskClient, "update_ticket", failing_once)
    result = cli("--sandbox", "card", "create", str(first_id), str(second_id), "--join", "--yes", "--json")
    assert result.code == 3, result.stderr
    records = {r["ticket_id"]: r for r in result.json()}
    assert records[first_id]["action"] == "failed"
    assert records[first_id]["changes"] == ["card", "attachment"]
    assert "timed out" in records[first_id]["error"]
    assert records[second_id]["action"] == "created"
    [half] = desk.cards_for(first_id)
    assert f"ticket {first_id}: card {half['shortUrl']} is made, but" in result.stderr
    assert (
        f"error: 1 of 2 tickets not linked: {first_id} (run `govpress-support card create {first_id}`" in result.stderr
    )
    assert "trello_card" not in desk.ticket(first_id)["tags"]

    shown = cli("--sandbox", "card", "show", str(first_id), "--json")
    assert shown.json()[0]["ticket_lacks"] == ["note", "tag"]

    again = cli("--sandbox", "card", "create", str(first_id), "--yes", "--json")
    assert again.code == 0, again.stderr
    [record] = again.json()
    assert record["action"] == "linked"
    assert record["changes"] == ["note", "tag"]
    assert record["card_url"] == half["shortUrl"]
    assert len(desk.cards_for(first_id)) == 1
    assert "trello_card" in desk.ticket(first_id)["tags"]
    assert sum(half["shortUrl"] in c["body"] for c in desk.comments(first_id)) == 1


@pytest.mark.parametrize("made", [True, False], ids=["card made, answer lost", "nothing made"])
def test_a_card_post_without_an_answer_is_checked_on_the_board_before_trying_again(
    cli: Invoke, desk: Desk, monkeypatch: pytest.MonkeyPatch, made: bool
) -> None:
    """The sandbox fails requests before doing them; a real timeout can come after Trello made
    the card. Either way the board is read again, and the POST is repeated only if no card is there."""
    from govpress_support.services.trello import TrelloClient

    real_create = TrelloClient.create_card
    posts: list[str] = []

    def timing_out_once(self: TrelloClient, *args: Any, **kwargs: Any) -> Any:
        first = not posts
        posts.append("post")
        if first and not made:
            raise NetworkError("cannot reach Trello at sandbox.trello.invalid: timed out", "check before re-running")
        card = real_create(self, *args, **kwargs)
        if first:
            raise NetworkError("cannot reach Trello at sandbox.trello.invalid: timed out", "check before re-running")
        return card

    monkeypatch.setattr(TrelloClient, "create_card", timing_out_once)
    ticket_id = missing_ids(cli)[0]
    result = cli("--sandbox", "card", "create", str(ticket_id), "--join", "--yes", "--json")
    assert result.code == 0, result.stderr
    [record] = result.json()
    assert record["action"] == "created"
    assert len(posts) == (1 if made else 2)
    [card] = desk.cards_for(ticket_id)
    assert record["card_url"] == card["shortUrl"]
    assert [a["url"] for a in card["attachments"]] == [f"{sandbox.ZENDESK_URL}/agent/tickets/{ticket_id}"]
    assert sum(card["shortUrl"] in c["body"] for c in desk.comments(ticket_id)) == 1


def test_a_single_ticket_failing_outright_is_one_error_line_with_its_own_code(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govpress_support.core.errors import AuthError
    from govpress_support.services.trello import TrelloClient

    def refused(self: TrelloClient, *args: Any, **kwargs: Any) -> Any:
        raise AuthError("Trello does not allow this (unauthorized permission requested)", "join the board first")

    monkeypatch.setattr(TrelloClient, "create_card", refused)
    ticket_id = missing_ids(cli)[0]
    result = cli("--sandbox", "card", "create", str(ticket_id), "--join", "--yes", "--json")
    assert result.code == 4
    errors = [line for line in result.stderr.splitlines() if "unauthorized permission requested" in line]
    assert errors == [
        "error: Trello refused to add a card to board 'GovPress Support and Maintenance Backlog': Trello does not "
        "allow this (unauthorized permission requested) (join the board with --join, or check that your Trello "
        "token may write: `govpress-support auth login trello`)"
    ]


def test_missing_makes_a_card_for_every_queue_ticket_without_one(cli: Invoke, desk: Desk) -> None:
    """Every ticket without a card but those "Pending believed solved" (about to solve themselves)."""
    before = [i for i in missing_ids(cli) if i != SEED.believed_solved]
    assert SEED.believed_solved in missing_ids(cli)
    assert len(before) >= 3
    cards_before = len(desk.cards())

    planned = cli("--sandbox", "card", "create", "--missing", "--dry-run", "--json")
    assert planned.code == 0, planned.stderr
    assert sorted(r["ticket_id"] for r in planned.json()) == sorted(before)
    assert {r["action"] for r in planned.json()} == {"would_create"}
    assert (
        "1 ticket(s) Pending believed solved left out: they are about to solve themselves "
        "(--include-believed-solved adds them)" in planned.stderr
    )
    assert "dry run: nothing changed" in planned.stderr
    assert "warning: you (samokafor) are not a member of Trello board" in planned.stderr
    assert len(desk.cards()) == cards_before

    refused = cli("--sandbox", "card", "create", "--missing", "--join")
    assert refused.code == 2
    assert "pass --yes to go ahead" in refused.stderr
    assert len(desk.cards()) == cards_before

    done = cli("--sandbox", "card", "create", "--missing", "--join", "--yes", "--json")
    assert done.code == 0, done.stderr
    assert sorted(r["ticket_id"] for r in done.json()) == sorted(before)
    assert {r["action"] for r in done.json()} == {"created"}
    assert len(desk.cards()) == cards_before + len(before)
    assert missing_ids(cli) == [SEED.believed_solved]
    for ticket_id in before:
        assert len(desk.cards_for(ticket_id)) == 1
        assert "trello_card" in desk.ticket(ticket_id)["tags"]

    again = cli("--sandbox", "card", "create", "--missing", "--yes", "--json")
    assert again.code == 0, again.stderr
    assert again.json() == []
    assert "has a card" in again.stderr and "nothing to do" in again.stderr
    assert len(desk.cards()) == cards_before + len(before)

    included = cli("--sandbox", "card", "create", "--missing", "--include-believed-solved", "--yes", "--json")
    assert included.code == 0, included.stderr
    assert [r["ticket_id"] for r in included.json()] == [SEED.believed_solved]
    assert missing_ids(cli) == []


def test_existing_card_made_elsewhere_gets_the_ticket_half(cli: Invoke, desk: Desk) -> None:
    linked = [row for row in queue(cli) if row["trello_card"] == "linked"]
    row = linked[0]
    notes_before = len(desk.comments(row["id"]))
    result = cli("--sandbox", "card", "create", str(row["id"]), "--yes", "--json")
    assert result.code == 0, result.stderr  # no Trello write, so no membership needed
    [record] = result.json()
    assert record["action"] == "linked"
    assert record["card_url"] == row["trello_card_url"]
    assert "card" not in record["changes"]
    assert len(desk.comments(row["id"])) == notes_before + 1


def test_conflicting_edit_is_read_again_and_the_link_still_made(
    cli: Invoke, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone edits the ticket between our read and our write: Zendesk answers 409 to the
    guarded update; the tool reads the ticket again and adds only what is still missing."""
    from govpress_support.services.zendesk import ZendeskClient

    ticket_id = missing_ids(cli)[0]
    real_update = ZendeskClient.update_ticket
    touched: list[int] = []

    def touch_first(self: ZendeskClient, tid: int, changes: Any, **kwargs: Any) -> Any:
        if not touched:
            touched.append(tid)
            desk.touch(tid, additional_tags=["someone_else"])
        return real_update(self, tid, changes, **kwargs)

    monkeypatch.setattr(ZendeskClient, "update_ticket", touch_first)
    result = cli("--sandbox", "card", "create", str(ticket_id), "--join", "--yes", "--json")
    assert result.code == 0, result.stderr
    assert result.json()[0]["action"] == "created"
    tags = desk.ticket(ticket_id)["tags"]
    assert "someone_else" in tags and "trello_card" in tags
    card = desk.cards_for(ticket_id)[0]
    assert sum(card["shortUrl"] in c["body"] for c in desk.comments(ticket_id)) == 1


def test_card_url_in_the_configured_ticket_field(cli: Invoke, desk: Desk, tmp_path: Path) -> None:
    from govpress_support.sandbox.seed_data import TRELLO_CARD_FIELD

    (tmp_path / "config.toml").write_text(f"[zendesk]\ntrello_card_field_id = {TRELLO_CARD_FIELD}\n")
    ticket_id = missing_ids(cli)[0]
    result = cli("--sandbox", "card", "create", str(ticket_id), "--join", "--yes", "--json")
    assert result.code == 0, result.stderr
    [record] = result.json()
    assert record["changes"] == ["card", "attachment", "note", "tag", "field"]
    fields = {f["id"]: f["value"] for f in desk.ticket(ticket_id)["custom_fields"]}
    assert fields[TRELLO_CARD_FIELD] == record["card_url"]
    again = cli("--sandbox", "card", "create", str(ticket_id), "--yes", "--json")
    assert again.json()[0]["action"] == "already_linked"

    # A field id the account does not have: Zendesk ignores it; say so instead of retrying forever.
    (tmp_path / "config.toml").write_text("[zendesk]\ntrello_card_field_id = 123\n")
    other = missing_ids(cli)[0]
    odd = cli("--sandbox", "card", "create", str(other), "--join", "--yes")
    assert odd.code == 0, odd.stderr
    assert f"warning: ticket {other} did not keep the card URL in custom field 123" in odd.stderr


class TestBadInput:
    def test_triage_ticket_needs_force(self, cli: Invoke, desk: Desk) -> None:
        ticket_id = desk.new_ticket(subject="Website down?", group_id=TRIAGE)
        result = cli("--sandbox", "card", "create", str(ticket_id), "--join", "--yes")
        assert result.code == 2
        assert result.stderr.strip().endswith(
            f"error: ticket {ticket_id} is in {TRIAGE_NAME!r}: the process puts Trello cards on 2nd line and scoping "
            "tickets (move it to 2nd line or scoping first, or pass --force to go on)"
        )
        assert desk.cards_for(ticket_id) == []
        forced = cli("--sandbox", "card", "create", str(ticket_id), "--join", "--yes", "--force")
        assert forced.code == 0, forced.stderr
        assert "warning: ticket" in forced.stderr and "going on (--force)" in forced.stderr
        assert len(desk.cards_for(ticket_id)) == 1

    def test_unknown_ticket(self, cli: Invoke) -> None:
        result = cli("--sandbox", "card", "create", "999999", "--yes")
        assert result.code == 1
        assert "error: ticket 999999 not found" in result.stderr

    def test_not_a_ticket(self, cli: Invoke) -> None:
        result = cli("--sandbox", "card", "create", "abc")
        assert result.code == 2
        assert "'abc' is not a ticket" in result.stderr

    def test_unknown_list_lists_the_names(self, cli: Invoke) -> None:
        result = cli("--sandbox", "card", "create", SEED.breaching_soon_no_card, "--list", "Icebox", "--yes")
        assert result.code == 2
        assert "no list 'Icebox' on Trello board" in result.stderr
        assert "lists there: 'Backlog', 'Ready'" in result.stderr

    def test_unknown_label_lists_the_names(self, cli: Invoke) -> None:
        result = cli("--sandbox", "card", "create", SEED.breaching_soon_no_card, "--label", "Nope", "--yes")
        assert result.code == 2
        assert "no label 'Nope' on Trello board" in result.stderr
        assert "'Bug'" in result.stderr

    def test_unknown_board_lists_yours(self, cli: Invoke) -> None:
        result = cli(
            "--sandbox", "card", "create", SEED.breaching_soon_no_card, "--board", "Nonexistent board", "--yes"
        )
        assert result.code == 2
        assert "error: no Trello board 'Nonexistent board'" in result.stderr

    def test_board_by_name(self, cli: Invoke, desk: Desk) -> None:
        board = desk.join(WEEK)
        ticket_id = missing_ids(cli)[0]
        result = cli(
            "--sandbox",
            "card",
            "create",
            str(ticket_id),
            "--board",
            board["name"],
            "--list",
            "this week",
            "--yes",
            "--json",
        )
        assert result.code == 0, result.stderr
        [record] = result.json()
        assert record["board"] == board["name"] and record["list"] == "This week"

    def test_not_a_member_of_the_board(self, cli: Invoke, desk: Desk) -> None:
        ticket_id = missing_ids(cli)[0]
        result = cli("--sandbox", "card", "create", str(ticket_id), "--yes")
        assert result.code == 4
        assert re.search(
            r"error: you \(\w+\) are not a member of Trello board '[^']+' \(pF46aRdl\), so cannot add cards to it "
            r"\(run again with --join",
            result.stderr,
        )
        assert desk.cards_for(ticket_id) == []

    def test_no_trello_credentials(self, cli: Invoke) -> None:
        result = cli("card", "create", SEED.breaching_soon_no_card, "--yes")
        assert result.code == 4
        assert "error: no Trello credentials" in result.stderr
        assert "auth login trello" in result.stderr

    def test_tickets_or_missing(self, cli: Invoke) -> None:
        assert cli("--sandbox", "card", "create").code == 2
        both = cli("--sandbox", "card", "create", SEED.breaching_soon_no_card, "--missing")
        assert both.code == 2 and "not both" in both.stderr


def test_show_without_a_card_is_exit_1(cli: Invoke) -> None:
    ticket_id = missing_ids(cli)[0]
    result = cli("--sandbox", "card", "show", str(ticket_id))
    assert result.code == 1
    assert result.stdout == ""
    assert (
        f"error: no card linked to ticket {ticket_id} (make one with `govpress-support card create {ticket_id}`)"
        in (result.stderr)
    )


def test_show_finds_a_card_moved_to_another_board(cli: Invoke, desk: Desk) -> None:
    ticket_id = missing_ids(cli)[0]
    assert cli("--sandbox", "card", "create", str(ticket_id), "--join", "--yes").code == 0
    [card] = desk.cards_for(ticket_id)
    week = desk.join(WEEK)
    doing = next(lst for lst in desk.trello_get(f"boards/{week['id']}/lists") if lst["name"] == "Doing")
    moved = desk.trello.put(f"cards/{card['id']}", params={"idBoard": week["id"], "idList": doing["id"]})
    moved.raise_for_status()
    result = cli("--sandbox", "card", "show", str(ticket_id), "--json")
    assert result.code == 0, result.stderr
    [item] = result.json()
    assert item["found_by"] == "ticket"
    assert item["board"] == week["name"] and item["list"] == "Doing"
    assert item["linked_both_ways"] is True


def test_weekly_tasks(cli: Invoke, desk: Desk) -> None:
    result = cli("--sandbox", "weekly-tasks", "--json")
    assert result.code == 0, result.stderr
    tasks = result.json()
    board = desk.trello_get(f"boards/{WEEK}")
    weekly = next(lst for lst in desk.trello_get(f"boards/{board['id']}/lists") if lst["name"] == "Weekly tasks")
    expected = desk.trello_get(f"lists/{weekly['id']}/cards")
    assert [t["name"] for t in tasks] == [c["name"] for c in expected]
    for task, card in zip(tasks, expected, strict=True):
        assert task["url"] == card["shortUrl"]
        if card["due"] is None:
            assert task["due"] is None
        else:  # printed to the second
            assert task["due"] == timeutil.iso(timeutil.parse_iso(card["due"]))
        assert task["summary"] and task["summary"].split(":")[0] in card["desc"]
    piped = cli("--sandbox", "weekly-tasks")
    assert piped.stdout.splitlines()[0] == "name\tdue\tdue_complete\tlabels\tsummary\turl"
    assert len(piped.stdout.splitlines()) == len(tasks) + 1


def test_help_has_examples(cli: Invoke) -> None:
    for command in (["card", "create"], ["card", "show"], ["weekly-tasks"]):
        result = cli(*command, "--help")
        assert result.code == 0
        assert "Examples:" in result.stdout
        assert "govpress-support " + " ".join(command) in result.stdout


def test_a_rerun_while_the_search_index_lags_reads_little_and_writes_nothing(cli: Invoke, desk: Desk) -> None:
    """Zendesk's search shows a ticket as it was for a while after a write. The re-run confirms
    what the search says needs work by reading those tickets (show_many), so it neither writes
    again (Zendesk would refuse a stale stamp) nor reads each ticket's notes."""
    desk.settings(search_lag=3600)
    done = cli("--sandbox", "card", "create", "--missing", "--join", "--yes", "--json")
    assert done.code == 0, done.stderr
    linked = [r["ticket_id"] for r in done.json()]
    assert len(linked) >= 3
    stale = {t["id"]: t for t in desk.search(f"group:{SECOND_LINE} status<solved")["results"]}
    assert all("trello_card" not in stale[i]["tags"] for i in linked)  # the index still lags
    assert all("trello_card" in desk.ticket(i)["tags"] for i in linked)

    again = cli("--sandbox", "--debug", "card", "create", "--missing", "--yes", "--json")
    assert again.code == 0, again.stderr
    assert again.json() == []
    requests = sent_requests(again.stderr)  # the command's own sandbox counts them, not `desk`
    zendesk = [r for r in requests if "/api/v2/" in r]
    in_queue = len(queue(cli))
    assert zendesk and len(zendesk) <= math.ceil(in_queue / 100) + 6, zendesk
    assert not [r for r in requests if not r.startswith("GET ")], requests  # nothing written
    assert not [r for r in zendesk if "comments" in r]  # no ticket's notes read
