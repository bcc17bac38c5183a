"""`ticket triage|move|cascade|return`: group changes the process's way."""

from __future__ import annotations

from pytest_mock import MockerFixture

from tests.cli.conftest import Invoke, Result
from tests.desk import Desk
from tests.seed_names import ADE, FIRST_LINE, SCOPING, SECOND_LINE, SEED, TRIAGE


class TestTriage:
    def test_invalid_names_list_the_valid_ones(self, cli: Invoke) -> None:
        priority = cli("--sandbox", "ticket", "triage", SEED.untriaged, "--priority", "urgnt", "--yes")
        assert priority.code == 2
        assert "unknown priority 'urgnt' (use one of: urgent, high, normal, low)" in priority.stderr
        type_ = cli("--sandbox", "ticket", "triage", SEED.untriaged, "--type", "bug", "--yes")
        assert type_.code == 2 and "problem, incident, question, task" in type_.stderr
        group = cli("--sandbox", "ticket", "triage", SEED.untriaged, "-p", "high", "--to", "3rd", "--yes")
        assert group.code == 2 and "triage, 1st, 2nd, scoping" in group.stderr

    def test_no_ticket_leaves_triage_without_priority_and_type(self, cli: Invoke, desk: Desk) -> None:
        moved = cli("--sandbox", "ticket", "move", SEED.untriaged, "--to", "1st", "--reason", "Quick fix", "--yes")
        assert moved.code == 2
        assert f"ticket {SEED.untriaged} has no priority and type" in moved.stderr
        assert f"govpress-support ticket triage {SEED.untriaged} --priority P --type T --to 1st" in moved.stderr
        half = cli("--sandbox", "ticket", "triage", SEED.untriaged, "--priority", "high", "--to", "1st", "--yes")
        assert half.code == 2 and "has no type" in half.stderr
        assert desk.ticket(SEED.untriaged)["group_id"] == TRIAGE
        assert desk.ticket(SEED.untriaged)["priority"] is None

    def test_triage_sets_priority_type_group_and_note_once(self, cli: Invoke, desk: Desk) -> None:
        args = ("--sandbox", "ticket", "triage", str(SEED.untriaged), "-p", "urgent", "-t", "incident", "--to", "1st")
        result = cli(*args, "--note", "Site down: under an hour", "--yes")
        assert result.code == 0, result.stderr
        ticket = desk.ticket(SEED.untriaged)
        assert (ticket["priority"], ticket["type"], ticket["group_id"]) == ("urgent", "incident", FIRST_LINE)
        assert desk.notes(SEED.untriaged, "Site down: under an hour") == 1
        again = cli(*args, "--note", "Site down: under an hour", "--yes")
        assert again.code == 0 and "already triaged as asked" in again.stderr
        assert desk.notes(SEED.untriaged, "Site down: under an hour") == 1

    def test_triage_into_2nd_line_warns_about_the_missing_card(self, cli: Invoke) -> None:
        result = cli(
            "--sandbox", "ticket", "triage", SEED.untriaged_no_sla, "-p", "low", "-t", "task", "--to", "2nd", "--yes"
        )
        assert result.code == 0, result.stderr
        assert f"#{SEED.untriaged_no_sla} has no Trello card" in result.stderr
        assert f"govpress-support card create {SEED.untriaged_no_sla}" in result.stderr


def move(cli: Invoke, *args: str | int) -> Result:
    """`ticket move <args> --yes` on the sandbox."""
    return cli("--sandbox", "ticket", "move", *args, "--yes")


class TestMove:
    def test_move_with_the_reason_as_internal_note(self, cli: Invoke, desk: Desk) -> None:
        ticket = SEED.first_line_assignee_in_2nd  # Ade's, and Ade is in 2nd line too
        result = move(cli, ticket, "--to", "2nd", "--reason", "Needs a developer")
        assert result.code == 0, result.stderr
        assert "group: GovPress 1st line support → GovPress 2nd line support" in result.stderr
        assert desk.ticket(ticket)["group_id"] == SECOND_LINE
        assert desk.ticket(ticket)["assignee_id"] == ADE.id  # kept
        assert desk.notes(ticket, "Needs a developer") == 1
        again = move(cli, ticket, "--to", "2nd", "--reason", "Needs a developer")
        assert again.code == 0 and "already in GovPress 2nd line support" in again.stderr
        assert desk.notes(ticket, "Needs a developer") == 1

    def test_an_assignee_outside_the_new_group_is_unassigned_and_said_so(self, cli: Invoke, desk: Desk) -> None:
        result = move(cli, SEED.first_line_assignee_not_in_2nd, "--to", "2nd", "--reason", "Bigger than it looked")
        assert result.code == 0, result.stderr
        assert "assignee: Tom Hughes → unassigned (not a member of GovPress 2nd line support)" in result.stderr
        assert desk.ticket(SEED.first_line_assignee_not_in_2nd)["assignee_id"] is None

    def test_moving_into_scoping_without_a_card_warns_and_offers_card_create(self, cli: Invoke) -> None:
        result = move(cli, SEED.unassigned_2nd_line, "--to", "scoping", "--reason", "Two days")
        assert result.code == 0
        assert "no Trello card on the backlog board" in result.stderr
        assert f"govpress-support card create {SEED.unassigned_2nd_line}" in result.stderr
        linked = move(cli, SEED.breached_with_card, "--to", "scoping", "--reason", "Two days")
        assert "card create" not in linked.stderr

    def test_unknown_group_lists_the_choices(self, cli: Invoke) -> None:
        result = move(cli, SEED.first_line_assignee_in_2nd, "--to", "3rd line", "--reason", "x")
        assert result.code == 2
        assert "no Zendesk group '3rd line' (use one of: triage, 1st, 2nd, scoping" in result.stderr

    def test_reason_is_required_and_not_blank(self, cli: Invoke) -> None:
        assert move(cli, SEED.first_line_assignee_in_2nd, "--to", "2nd").code == 2
        blank = move(cli, SEED.first_line_assignee_in_2nd, "--to", "2nd", "--reason", " ")
        assert blank.code == 2 and "empty reason" in blank.stderr

    def test_several_tickets_move_in_one_bulk_update(self, cli: Invoke, desk: Desk, mocker: MockerFixture) -> None:
        from govpress_support.services.zendesk import ZendeskClient

        bulk = mocker.spy(ZendeskClient, "update_many")
        tickets = (SEED.scoping_high_priority, SEED.scoping_normal_priority)
        result = move(cli, *tickets, "--to", "2nd", "--reason", "Split out")
        assert result.code == 0, result.stderr
        assert bulk.call_count == 1
        assert [desk.ticket(t)["group_id"] for t in tickets] == [SECOND_LINE, SECOND_LINE]

    def test_closed_ticket_is_refused_with_the_reason(self, cli: Invoke, desk: Desk) -> None:
        result = move(cli, SEED.closed_in_2nd_line, "--to", "scoping", "--reason", "x")
        assert result.code == 1
        refusal = f"error: ticket {SEED.closed_in_2nd_line} is closed (Zendesk refuses changes to closed tickets"
        assert refusal in result.stderr
        assert desk.ticket(SEED.closed_in_2nd_line)["group_id"] == SECOND_LINE


class TestCascadeAndReturn:
    def test_cascade_moves_one_step_down(self, cli: Invoke, desk: Desk) -> None:
        result = cli("--sandbox", "cascade", SEED.first_line_high_priority, "--reason", "More than an hour", "--yes")
        assert result.code == 0, result.stderr
        assert desk.ticket(SEED.first_line_high_priority)["group_id"] == SECOND_LINE
        assert desk.notes(SEED.first_line_high_priority, "More than an hour") == 1
        assert cli("--sandbox", "ticket", "cascade", SEED.first_line_high_priority, "--yes").code == 0
        assert desk.ticket(SEED.first_line_high_priority)["group_id"] == SCOPING

    def test_scoping_is_the_last_step(self, cli: Invoke) -> None:
        result = cli("--sandbox", "cascade", SEED.scoping_high_priority, "--yes")
        assert result.code == 2
        assert (
            "last step of the cascade" in result.stderr
            and f"ticket return {SEED.scoping_high_priority}" in result.stderr
        )

    def test_one_refused_among_several_is_named_and_exit_3(self, cli: Invoke, desk: Desk) -> None:
        result = cli(
            "--sandbox", "cascade", SEED.first_line_assignee_in_2nd, SEED.scoping_high_priority, "--yes", "--json"
        )
        assert result.code == 3
        results = {r["id"]: r["result"] for r in result.json()}
        assert results == {SEED.first_line_assignee_in_2nd: "updated", SEED.scoping_high_priority: "refused"}
        assert f"#{SEED.scoping_high_priority} (refused)" in result.stderr
        assert desk.ticket(SEED.first_line_assignee_in_2nd)["group_id"] == SECOND_LINE

    def test_return_goes_to_triage_unassigned_with_the_reason(self, cli: Invoke, desk: Desk) -> None:
        result = cli("--sandbox", "ticket", "return", SEED.mine_low_priority, "--reason", "Client withdrew it", "--yes")
        assert result.code == 0, result.stderr
        ticket = desk.ticket(SEED.mine_low_priority)
        assert (ticket["group_id"], ticket["assignee_id"]) == (TRIAGE, None)
        assert desk.notes(SEED.mine_low_priority, "Client withdrew it") == 1
        again = cli("--sandbox", "ticket", "return", SEED.mine_low_priority, "--reason", "Client withdrew it", "--yes")
        assert "already in GovPress support triage, unassigned" in again.stderr
        assert desk.notes(SEED.mine_low_priority, "Client withdrew it") == 1
