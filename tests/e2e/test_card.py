"""`card create`, `card show`, `weekly-tasks` as a script runs them: the installed command
against `sandbox serve` over loopback, checked through the APIs afterwards."""

from __future__ import annotations

import os
from pathlib import Path

from tests.desk import Desk, DeskAt
from tests.e2e.conftest import RunCli, Serve, Server
from tests.seed_names import BACKLOG, SECOND_LINE, SEED


def new_ticket(desk: Desk) -> int:
    """A fresh 2nd line ticket (so surely without a card), made through the Zendesk API."""
    return desk.new_ticket(subject="Update the footer copyright year", group_id=SECOND_LINE)


def notes_naming(desk: Desk, ticket_id: int, short_url: str) -> int:
    return sum(short_url in c["body"] for c in desk.comments(ticket_id))


def missing(run_cli: RunCli, server: Server) -> list[int]:
    result = run_cli(server, "queue", "--json")
    assert result.code == 0, result.stderr
    return [row["id"] for row in result.json() if row["trello_card"] == "missing"]


def test_create_then_rerun_over_loopback(serve: Serve, run_cli: RunCli, desk_at: DeskAt) -> None:
    server = serve()
    desk = desk_at(server.url)
    ticket_id = new_ticket(desk)
    desk.join(BACKLOG, "observer")  # an observer may read the board, not add to it
    refused = run_cli(server, "card", "create", str(ticket_id), "--yes")
    assert refused.code == 4
    assert "are only an observer on Trello board" in refused.stderr and "--join" in refused.stderr
    assert desk.cards_for(ticket_id) == []

    first = run_cli(server, "card", "create", str(ticket_id), "--join", "--yes", "--json")
    assert first.code == 0, first.stderr
    [record] = first.json()
    assert record["action"] == "created"
    [card] = desk.cards_for(ticket_id)
    assert record["card_url"] == card["shortUrl"]
    assert [a["url"] for a in card["attachments"]] == [f"{server.url}/agent/tickets/{ticket_id}"]
    assert notes_naming(desk, ticket_id, card["shortUrl"]) == 1
    assert "trello_card" in desk.ticket(ticket_id)["tags"]

    again = run_cli(server, "card", "create", str(ticket_id), "--yes")
    assert again.code == 0, again.stderr
    assert again.stdout.splitlines()[1].split("\t")[:3] == [str(ticket_id), "already_linked", card["shortUrl"]]
    assert "already linked" in again.stderr
    assert len(desk.cards_for(ticket_id)) == 1
    assert notes_naming(desk, ticket_id, card["shortUrl"]) == 1

    shown = run_cli(server, "card", "show", str(ticket_id))
    assert shown.code == 0, shown.stderr
    header, row = shown.stdout.splitlines()
    values = dict(zip(header.split("\t"), row.split("\t"), strict=True))
    assert values["card_url"] == card["shortUrl"]
    assert values["list"] == "Backlog"
    assert values["linked_both_ways"] == "true"


def test_missing_with_server_errors_then_a_rerun_finishes_without_duplicates(
    serve: Serve, run_cli: RunCli, desk_at: DeskAt
) -> None:
    """5xx answers on a share of requests. A failed card POST is never retried blindly: the board
    is read again first. Tickets left undone are named (exit 3), and a re-run finishes them; in
    the end every ticket has exactly one card and one note."""
    server = serve("--error-share", "0.25", "--seed", os.environ.get("CARD_FAULT_SEED", "1"))
    server.faults(error_share=0.0)
    wanted = [i for i in missing(run_cli, server) if i != SEED.believed_solved]  # left out: about to solve itself
    assert len(wanted) >= 8
    server.faults(error_share=0.25)
    server.reset_stats()

    first = run_cli(server, "card", "create", "--missing", "--join", "--yes", "--json")
    assert first.code in (0, 3), first.stderr
    failed = [r["ticket_id"] for r in first.json() if r["action"] == "failed"]
    if first.code == 3:
        assert failed and f"tickets not linked: {' '.join(map(str, failed))}" in first.stderr
    posts = server.stats()["requests"].get("POST /1/cards", 0)
    made = sum(r["action"] == "created" for r in first.json())
    assert posts > made, "no card POST failed with this seed: the test would not test the retry"

    server.faults(error_share=0.0)
    second = run_cli(server, "card", "create", "--missing", "--join", "--yes", "--json")
    assert second.code == 0, second.stderr
    assert missing(run_cli, server) == [SEED.believed_solved]
    desk = desk_at(server.url)
    cards = desk.cards()
    for ticket_id in wanted:
        mine = [c for c in cards if c["name"].startswith(f"#{ticket_id} ")]
        assert len(mine) == 1, (ticket_id, [c["shortUrl"] for c in mine])
        assert notes_naming(desk, ticket_id, mine[0]["shortUrl"]) == 1
        assert "trello_card" in desk.ticket(ticket_id)["tags"]

    third = run_cli(server, "card", "create", "--missing", "--yes", "--json")
    assert third.code == 0 and third.json() == []


def test_missing_completes_a_card_a_failed_run_left(serve: Serve, run_cli: RunCli, desk_at: DeskAt) -> None:
    """A card this tool made whose ticket never got its note and tag (the run stopped there):
    `--missing` links it, and makes no second card."""
    server = serve()
    desk = desk_at(server.url)
    ticket_id = new_ticket(desk)
    desk.join(BACKLOG)
    made = desk.trello.post(
        "cards",
        params={
            "idList": desk.lists(BACKLOG)["Backlog"],
            "name": f"#{ticket_id} As left by a failed run",
            "desc": "...\n\n_Made by govpress-support from the Zendesk ticket; the ticket links back._",
            "urlSource": f"{server.url}/agent/tickets/{ticket_id}",
        },
    )
    made.raise_for_status()
    short_url = made.json()["shortUrl"]

    result = run_cli(server, "card", "create", "--missing", "--yes", "--json")
    assert result.code == 0, result.stderr
    records = {r["ticket_id"]: r for r in result.json()}
    assert records.pop(ticket_id)["action"] == "linked"
    assert {r["action"] for r in records.values()} == {"created"}  # the others had no card at all
    assert result.json()[[r["ticket_id"] for r in result.json()].index(ticket_id)]["changes"] == ["note", "tag"]
    assert len(desk.cards_for(ticket_id)) == 1
    assert notes_naming(desk, ticket_id, short_url) == 1


def test_trello_errors_in_plain_text_and_json(serve: Serve, run_cli: RunCli, desk_at: DeskAt, tmp_path: Path) -> None:
    server = serve()
    ticket_id = new_ticket(desk_at(server.url))

    # Trello answers a bad token in plain text.
    rejected = run_cli(server, "card", "create", str(ticket_id), "--yes", env={"TRELLO_TOKEN": "not-a-real-token"})
    assert rejected.code == 4
    assert rejected.stderr.strip().splitlines()[-1] == (
        "error: Trello rejected the credentials (401: invalid token) (run `govpress-support auth login trello`)"
    )
    assert "not-a-real-token" not in rejected.stderr

    # And a rate limit in JSON: with no retries allowed, the JSON message is what the user reads.
    limited_server = serve("--rate-limit-share", "1.0")
    config = tmp_path / "no-retries.toml"
    config.write_text("[http]\nmax_retries = 0\n")
    limited = run_cli(
        limited_server, "card", "create", str(ticket_id), "--yes", env={"GOVPRESS_SUPPORT_CONFIG": str(config)}
    )
    assert limited.code == 1
    assert limited.stderr.strip().splitlines()[-1] == (
        "error: Trello is still rate limiting (429: Rate limit exceeded) (wait a minute and try again)"
    )
