"""`ticket triage|move|cascade|return`: group changes the process's way."""

from __future__ import annotations

from pytest_mock import MockerFixture

from tests.cli.conftest import Invoke
from tests.desk import Desk

TRIAGE, FIRST, SECOND, SCOPING = 360001, 360002, 360003, 360004


class TestTriage:
    def test_invalid_names_list_the_valid_ones(self, cli: Invoke) -> None:
        priority = cli("--sandbox", "ticket", "triage", "4042", "--priority", "urgnt", "--yes")
        assert priority.code == 2
        assert "unknown priority 'urgnt' (use one of: urgent, high, normal, low)" in priority.stderr
        type_ = cli("--sandbox", "ticket", "triage", "4042", "--type", "bug", "--yes")
        assert type_.code == 2 and "problem, incident, question, task" in type_.stderr
        group = cli("--sandbox", "ticket", "triage", "4042", "-p", "high", "--to", "3rd", "--yes")
        assert group.code == 2 and "triage, 1st, 2nd, scoping" in group.stderr

    def test_no_ticket_leaves_triage_without_priority_and_type(self, cli: Invoke, desk: Desk) -> None:
        moved = cli("--sandbox", "ticket", "move", "4042", "--to", "1st", "--reason", "Quick fix", "--yes")
        assert moved.code == 2
        assert "ticket 4042 has no priority and type" in moved.stderr
        assert "govpress-support ticket triage 4042 --priority P --type T --to 1st" in moved.stderr
        half = cli("--sandbox", "ticket", "triage", "4042", "--priority", "high", "--to", "1st", "--yes")
        assert half.code == 2 and "has no type" in half.stderr
        assert desk.ticket(4042)["group_id"] == TRIAGE
        assert desk.ticket(4042)["priority"] is None

    def test_triage_sets_priority_type_group_and_note_once(self, cli: Invoke, desk: Desk) -> None:
        args = ("--sandbox", "ticket", "triage", "4042", "-p", "urgent", "-t", "incident", "--to", "1st")
        result = cli(*args, "--note", "Site down: under an hour", "--yes")
        assert result.code == 0, result.stderr
        ticket = desk.ticket(4042)
        assert (ticket["priority"], ticket["type"], ticket["group_id"]) == ("urgent", "incident", FIRST)
        assert desk.notes(4042, "Site down: under an hour") == 1
        again = cli(*args, "--note", "Site down: under an hour", "--yes")
        assert again.code == 0 and "already triaged as asked" in again.stderr
        assert desk.notes(4042, "Site down: under an hour") == 1

    def test_triage_into_2nd_line_warns_about_the_missing_card(self, cli: Invoke) -> None:
        result = cli("--sandbox", "ticket", "triage", "4040", "-p", "low", "-t", "task", "--to", "2nd", "--yes")
        assert result.code == 0, result.stderr
        assert "#4040 has no Trello card" in result.stderr
        assert "govpress-support card create 4040" in result.stderr


class TestMove:
    def test_move_with_the_reason_as_internal_note(self, cli: Invoke, desk: Desk) -> None:
        result = cli("--sandbox", "ticket", "move", "4030", "--to", "2nd", "--reason", "Needs a developer", "--yes")
        assert result.code == 0, result.stderr
        assert "group: GovPress 1st line support → GovPress 2nd line support" in result.stderr
        assert desk.ticket(4030)["group_id"] == SECOND
        assert desk.ticket(4030)["assignee_id"] == 10005  # Ade is in 2nd line too: kept
        assert desk.notes(4030, "Needs a developer") == 1
        again = cli("--sandbox", "ticket", "move", "4030", "--to", "2nd", "--reason", "Needs a developer", "--yes")
        assert again.code == 0 and "already in GovPress 2nd line support" in again.stderr
        assert desk.notes(4030, "Needs a developer") == 1

    def test_an_assignee_outside_the_new_group_is_unassigned_and_said_so(self, cli: Invoke, desk: Desk) -> None:
        result = cli("--sandbox", "ticket", "move", "4034", "--to", "2nd", "--reason", "Bigger than it looked", "--yes")
        assert result.code == 0, result.stderr
        assert "assignee: Tom Hughes → unassigned (not a member of GovPress 2nd line support)" in result.stderr
        assert desk.ticket(4034)["assignee_id"] is None

    def test_moving_into_scoping_without_a_card_warns_and_offers_card_create(self, cli: Invoke) -> None:
        result = cli("--sandbox", "ticket", "move", "4036", "--to", "scoping", "--reason", "Two days", "--yes")
        assert result.code == 0
        assert "no Trello card on the backlog board" in result.stderr
        assert "govpress-support card create 4036" in result.stderr
        linked = cli("--sandbox", "ticket", "move", "4014", "--to", "scoping", "--reason", "Two days", "--yes")
        assert "card create" not in linked.stderr  # 4014 has its card

    def test_unknown_group_lists_the_choices(self, cli: Invoke) -> None:
        result = cli("--sandbox", "ticket", "move", "4030", "--to", "3rd line", "--reason", "x", "--yes")
        assert result.code == 2
        assert "no Zendesk group '3rd line' (use one of: triage, 1st, 2nd, scoping" in result.stderr

    def test_reason_is_required_and_not_blank(self, cli: Invoke) -> None:
        assert cli("--sandbox", "ticket", "move", "4030", "--to", "2nd", "--yes").code == 2
        blank = cli("--sandbox", "ticket", "move", "4030", "--to", "2nd", "--reason", " ", "--yes")
        assert blank.code == 2 and "empty reason" in blank.stderr

    def test_several_tickets_move_in_one_bulk_update(self, cli: Invoke, desk: Desk, mocker: MockerFixture) -> None:
        from govpress_support.services.zendesk import ZendeskClient

        bulk = mocker.spy(ZendeskClient, "update_many")
        result = cli("--sandbox", "ticket", "move", "4017", "4009", "--to", "2nd", "--reason", "Split out", "--yes")
        assert result.code == 0, result.stderr
        assert bulk.call_count == 1
        assert desk.ticket(4017)["group_id"] == desk.ticket(4009)["group_id"] == SECOND

    def test_closed_ticket_is_refused_with_the_reason(self, cli: Invoke, desk: Desk) -> None:
        result = cli("--sandbox", "ticket", "move", "4004", "--to", "scoping", "--reason", "x", "--yes")
        assert result.code == 1
        assert "error: ticket 4004 is closed (Zendesk refuses changes to closed tickets" in result.stderr
        assert desk.ticket(4004)["group_id"] == SECOND


class TestCascadeAndReturn:
    def test_cascade_moves_one_step_down(self, cli: Invoke, desk: Desk) -> None:
        result = cli("--sandbox", "cascade", "4041", "--reason", "More than an hour", "--yes")
        assert result.code == 0, result.stderr
        assert desk.ticket(4041)["group_id"] == SECOND
        assert desk.notes(4041, "More than an hour") == 1
        assert cli("--sandbox", "ticket", "cascade", "4041", "--yes").code == 0
        assert desk.ticket(4041)["group_id"] == SCOPING

    def test_scoping_is_the_last_step(self, cli: Invoke) -> None:
        result = cli("--sandbox", "cascade", "4017", "--yes")
        assert result.code == 2
        assert "last step of the cascade" in result.stderr and "ticket return 4017" in result.stderr

    def test_one_refused_among_several_is_named_and_exit_3(self, cli: Invoke, desk: Desk) -> None:
        result = cli("--sandbox", "cascade", "4030", "4017", "--yes", "--json")
        assert result.code == 3
        results = {r["id"]: r["result"] for r in result.json()}
        assert results == {4030: "updated", 4017: "refused"}
        assert "#4017 (refused)" in result.stderr
        assert desk.ticket(4030)["group_id"] == SECOND

    def test_return_goes_to_triage_unassigned_with_the_reason(self, cli: Invoke, desk: Desk) -> None:
        result = cli("--sandbox", "ticket", "return", "4015", "--reason", "Client withdrew it", "--yes")
        assert result.code == 0, result.stderr
        ticket = desk.ticket(4015)
        assert (ticket["group_id"], ticket["assignee_id"]) == (TRIAGE, None)
        assert desk.notes(4015, "Client withdrew it") == 1
        again = cli("--sandbox", "ticket", "return", "4015", "--reason", "Client withdrew it", "--yes")
        assert "already in GovPress support triage, unassigned" in again.stderr
        assert desk.notes(4015, "Client withdrew it") == 1
