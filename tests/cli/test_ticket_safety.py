"""The collision guard (someone changes the ticket between our read and our write), permissions,
and what a conflict in a bulk change looks like."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from govpress_support.core.models import JobStatus, Ticket
from govpress_support.services.zendesk import ZendeskClient
from tests.cli.conftest import Invoke
from tests.desk import Desk
from tests.seed_names import ME, SCOPING, SECOND_LINE, SEED


@pytest.fixture
def someone_else(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> dict[int, dict[str, Any]]:
    """Tickets (id -> changes) another agent edits just before our write reaches Zendesk."""
    edits: dict[int, dict[str, Any]] = {}
    update_ticket, update_many = ZendeskClient.update_ticket, ZendeskClient.update_many

    def racing_one(self: ZendeskClient, ticket_id: int, changes: Mapping[str, Any], **kw: Any) -> Ticket:
        if ticket_id in edits:
            desk.touch(ticket_id, **edits.pop(ticket_id))
        return update_ticket(self, ticket_id, changes, **kw)

    def racing_many(self: ZendeskClient, updates: Sequence[Mapping[str, Any]]) -> JobStatus:
        for item in updates:
            if item["id"] in edits:
                desk.touch(item["id"], **edits.pop(item["id"]))
        return update_many(self, updates)

    monkeypatch.setattr(ZendeskClient, "update_ticket", racing_one)
    monkeypatch.setattr(ZendeskClient, "update_many", racing_many)
    return edits


def test_a_change_made_meanwhile_writes_nothing_says_what_and_exits_5(
    cli: Invoke, desk: Desk, someone_else: dict[int, dict[str, Any]]
) -> None:
    someone_else[SEED.unassigned_2nd_line] = {
        "status": "pending",
        "comment": {"body": "Asked the client for a screenshot", "public": True},
    }
    result = cli(
        "--sandbox", "ticket", "move", SEED.unassigned_2nd_line, "--to", "scoping", "--reason", "Bigger job", "--yes"
    )
    assert result.code == 5
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith(f"error: ticket {SEED.unassigned_2nd_line} changed since it was read (")
    assert "status Open → Pending" in error
    assert "new public reply by Morgan Lee: “Asked the client for a screenshot”" in error
    assert "nothing was written" in error and f"ticket show {SEED.unassigned_2nd_line}" in error
    assert desk.ticket(SEED.unassigned_2nd_line)["group_id"] == SECOND_LINE
    assert desk.notes(SEED.unassigned_2nd_line, "Bigger job") == 0


def test_every_single_change_carries_the_stamp_it_read(cli: Invoke, desk: Desk, someone_else: dict[int, Any]) -> None:
    for args in (
        ("note", str(SEED.mine_open), "Looked at it"),
        ("ticket", "status", str(SEED.mine_open), "pending"),
        ("ticket", "assign", str(SEED.mine_open), "priya.shah@govpress.example"),
        ("ticket", "triage", str(SEED.mine_open), "--priority", "low"),
        ("cascade", str(SEED.mine_open)),
        ("ticket", "return", str(SEED.mine_open), "--reason", "Not ours"),
    ):
        someone_else[SEED.mine_open] = {
            "priority": "urgent" if desk.ticket(SEED.mine_open)["priority"] != "urgent" else "high"
        }
        before = desk.ticket(SEED.mine_open)
        result = cli("--sandbox", *args, "--yes")
        assert result.code == 5, (args, result.stderr)
        after = desk.ticket(SEED.mine_open)
        assert {k: after[k] for k in ("status", "group_id", "assignee_id")} == {
            k: before[k] for k in ("status", "group_id", "assignee_id")
        }, args
    assert desk.notes(SEED.mine_open, "Looked at it") == 0


def test_a_conflict_in_a_bulk_change_is_named_and_the_rest_done(
    cli: Invoke, desk: Desk, someone_else: dict[int, dict[str, Any]]
) -> None:
    moved, raced = SEED.scoping_high_priority, SEED.scoping_normal_priority  # raced: normal priority, then urgent
    someone_else[raced] = {"priority": "urgent"}
    result = cli("--sandbox", "ticket", "move", moved, raced, "--to", "2nd", "--reason", "Split", "--yes", "--json")
    assert result.code == 3
    outcomes = {r["id"]: (r["result"], r["message"]) for r in result.json()}
    assert outcomes[moved] == ("updated", None)
    assert outcomes[raced][0] == "conflict" and "priority normal → urgent" in outcomes[raced][1]
    assert f"1 of 2 tickets not changed: #{raced} (conflict)" in result.stderr
    assert desk.ticket(moved)["group_id"] == SECOND_LINE
    assert desk.ticket(raced)["group_id"] == SCOPING
    assert desk.notes(raced, "Split") == 0 and desk.notes(moved, "Split") == 1


def test_no_permission_is_exit_4(cli: Invoke, desk: Desk) -> None:
    desk.set_role(ME.email, "end-user")
    result = cli("--sandbox", "note", SEED.mine_on_hold, "Hello", "--yes")
    assert result.code == 4
    assert "403" in result.stderr
