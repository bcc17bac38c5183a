"""`ticket status` (with believed-solved and its fallback) and `ticket assign`."""

from __future__ import annotations

from pathlib import Path

import pytest

from govpress_support.cli import output
from tests.cli.conftest import Invoke
from tests.desk import Desk
from tests.seed_names import CUSTOM_STATUSES, ME, PRIYA, SEED

BELIEVED_SOLVED, OPEN = CUSTOM_STATUSES["Pending believed solved"], CUSTOM_STATUSES["Open"]


class TestStatus:
    def test_on_hold_needs_a_reason_which_becomes_an_internal_note(self, cli: Invoke, desk: Desk) -> None:
        refused = cli("--sandbox", "ticket", "status", SEED.mine_open, "on-hold", "--yes")
        assert refused.code == 2 and "on-hold needs --reason" in refused.stderr
        assert desk.ticket(SEED.mine_open)["status"] == "open"
        done = cli("--sandbox", "ticket", "status", SEED.mine_open, "on-hold", "--reason", "Waiting for DNS", "--yes")
        assert done.code == 0, done.stderr
        assert desk.ticket(SEED.mine_open)["status"] == "hold"
        assert desk.notes(SEED.mine_open, "Waiting for DNS") == 1

    def test_believed_solved_sets_the_custom_status_once(self, cli: Invoke, desk: Desk) -> None:
        result = cli("--sandbox", "ticket", "status", SEED.mine_open, "believed-solved", "--yes")
        assert result.code == 0, result.stderr
        assert "status: Open → Pending believed solved" in result.stderr
        ticket = desk.ticket(SEED.mine_open)
        assert (ticket["status"], ticket["custom_status_id"]) == ("pending", BELIEVED_SOLVED)
        again = cli("--sandbox", "ticket", "status", SEED.mine_open, "believed-solved", "--yes")
        assert "already Pending believed solved" in again.stderr

    def test_account_without_custom_statuses_gets_pending_and_the_tag(self, cli: Invoke, desk: Desk) -> None:
        desk.settings(custom_statuses=False)
        result = cli("--sandbox", "ticket", "status", SEED.mine_open, "believed-solved", "--yes")
        assert result.code == 0, result.stderr
        assert "custom statuses switched off: setting status Pending with the tag 'believed_solved'" in result.stderr
        ticket = desk.ticket(SEED.mine_open)
        assert ticket["status"] == "pending" and "believed_solved" in ticket["tags"]
        assert "custom_status_id" not in ticket
        again = cli("--sandbox", "ticket", "status", SEED.mine_open, "believed-solved", "--yes")
        assert again.code == 0 and "nothing to do" in again.stderr
        reopened = cli("--sandbox", "ticket", "status", SEED.mine_open, "open", "--yes")
        assert reopened.code == 0
        ticket = desk.ticket(SEED.mine_open)
        assert ticket["status"] == "open" and "believed_solved" not in ticket["tags"]

    def test_the_fallback_reads_the_same_in_show_and_queue(self, cli: Invoke, desk: Desk) -> None:
        """One status label rule: the queue marks a believed-solved fallback as `ticket show` does."""
        desk.control("PUT", "settings", {"custom_statuses": False})
        assert cli("--sandbox", "ticket", "status", SEED.mine_open, "believed-solved", "--yes").code == 0
        [shown] = cli("--sandbox", "ticket", "show", SEED.mine_open, "--json").json()
        assert shown["status_label"] == "Pending (believed solved)"
        listed = cli("--sandbox", "queue", "--group", str(shown["group_id"]), "--json").json()
        assert [r["status_label"] for r in listed if r["id"] == SEED.mine_open] == ["Pending (believed solved)"]

    def test_account_missing_that_custom_status_gets_the_fallback(
        self, cli: Invoke, desk: Desk, tmp_path: Path
    ) -> None:
        config = tmp_path / "config.toml"
        config.write_text('[zendesk]\nbelieved_solved_status = "Resolved, pending"\n')
        result = cli("--sandbox", "ticket", "status", SEED.mine_open, "believed-solved", "--yes")
        assert result.code == 0
        assert "no custom status 'Resolved, pending'" in result.stderr
        assert "believed_solved" in desk.ticket(SEED.mine_open)["tags"]

    def test_solved_asks_and_points_to_believed_solved(
        self, cli: Invoke, desk: Desk, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        assert cli("--sandbox", "ticket", "status", SEED.mine_open, "solved").code == 2  # off a terminal: needs --yes
        with monkeypatch.context() as terminal:  # only the terminal goes back after: never the isolation
            terminal.setattr(output, "_isatty", lambda stream: True)
            declined = cli("--sandbox", "ticket", "status", SEED.mine_open, "solved", input="n\n")
            assert declined.code == 1
            assert "reopens solved tickets" in declined.stderr and "believed-solved" in declined.stderr
            assert desk.ticket(SEED.mine_open)["status"] == "open"
            assert cli("--sandbox", "ticket", "status", SEED.mine_open, "solved", input="y\n").code == 0
            assert desk.ticket(SEED.mine_open)["status"] == "solved"
        scripted = cli("--sandbox", "ticket", "status", SEED.mine_open_with_card, "solved", "--yes")
        assert scripted.code == 0 and "the team marks work done with `believed-solved`" in scripted.stderr

    def test_unknown_status_lists_the_valid_ones(self, cli: Invoke) -> None:
        result = cli("--sandbox", "ticket", "status", SEED.mine_open, "closed", "--yes")
        assert result.code == 2
        assert "unknown status 'closed' (use one of: open, pending, on-hold, believed-solved, solved)" in result.stderr
        assert cli("--sandbox", "ticket", "status", SEED.mine_open, "--yes").code == 2

    def test_moving_back_to_open_from_a_custom_status(self, cli: Invoke, desk: Desk) -> None:
        result = cli("--sandbox", "ticket", "status", SEED.believed_solved, "open", "--yes")
        assert result.code == 0, result.stderr
        assert "status: Pending believed solved → Open" in result.stderr
        assert desk.ticket(SEED.believed_solved)["custom_status_id"] == OPEN

    def test_closed_ticket(self, cli: Invoke) -> None:
        result = cli("--sandbox", "ticket", "status", SEED.closed_in_scoping, "open", "--yes")
        assert result.code == 1 and f"ticket {SEED.closed_in_scoping} is closed" in result.stderr


class TestAssign:
    def test_assign_to_me_and_to_an_agent(self, cli: Invoke, desk: Desk) -> None:
        assert cli("--sandbox", "ticket", "assign", SEED.unassigned_2nd_line, "me", "--yes").code == 0
        assert desk.ticket(SEED.unassigned_2nd_line)["assignee_id"] == ME.id
        result = cli("--sandbox", "ticket", "assign", SEED.unassigned_2nd_line, "priya.shah@govpress.example", "--yes")
        assert result.code == 0
        assert "assignee: Sam Okafor → Priya Shah" in result.stderr
        assert desk.ticket(SEED.unassigned_2nd_line)["assignee_id"] == PRIYA.id
        again = cli("--sandbox", "ticket", "assign", SEED.unassigned_2nd_line, "priya.shah@govpress.example", "--yes")
        assert "already assigned to Priya Shah" in again.stderr
        assert cli("--sandbox", "ticket", "assign", SEED.unassigned_2nd_line, "none", "--yes").code == 0
        assert desk.ticket(SEED.unassigned_2nd_line)["assignee_id"] is None

    def test_agent_outside_the_group_is_refused_before_writing(self, cli: Invoke, desk: Desk) -> None:
        result = cli("--sandbox", "ticket", "assign", SEED.unassigned_2nd_line, "tom.hughes@govpress.example", "--yes")
        assert result.code == 2
        assert "Tom Hughes is not a member of GovPress 2nd line support" in result.stderr
        assert desk.ticket(SEED.unassigned_2nd_line)["assignee_id"] is None

    def test_unknown_person(self, cli: Invoke) -> None:
        result = cli("--sandbox", "ticket", "assign", SEED.unassigned_2nd_line, "nobody@govpress.example", "--yes")
        assert result.code == 2 and "no Zendesk agent with email nobody@govpress.example" in result.stderr
        assert cli("--sandbox", "ticket", "assign", SEED.unassigned_2nd_line, "priya", "--yes").code == 2


class TestTheResultIsWhatZendeskAnswered:
    """Custom statuses switched off inside the metadata cache window: the cached "Pending believed
    solved" id is ignored by Zendesk. The result says what the ticket shows, and the change is
    planned again with fresh metadata: Pending plus the tag."""

    def test_one_ticket(self, cli: Invoke, desk: Desk) -> None:
        assert cli("--sandbox", "ticket", "status", SEED.mine_open, "believed-solved", "--dry-run").code == 0
        desk.settings(custom_statuses=False)  # after the statuses were cached
        result = cli("--sandbox", "ticket", "status", SEED.mine_open, "believed-solved", "--yes")
        assert result.code == 0, result.stderr
        ticket = desk.ticket(SEED.mine_open)
        assert ticket["status"] == "pending" and "believed_solved" in ticket["tags"]
        shown = f"✓ #{SEED.mine_open} updated: status: Open → Pending (believed solved, tag believed_solved)"
        assert shown in result.stderr
        assert "→ Pending believed solved" not in result.stderr.split("✓")[-1]
        assert "planned again: the account changed since its metadata was cached" in result.stderr
        assert "custom statuses switched off" in result.stderr

    def test_several_tickets(self, cli: Invoke, desk: Desk) -> None:
        ids = (SEED.mine_open, SEED.mine_open_with_card)
        assert cli("--sandbox", "ticket", "status", *ids, "believed-solved", "--dry-run").code == 0
        desk.settings(custom_statuses=False)
        result = cli("--sandbox", "ticket", "status", *ids, "believed-solved", "--yes", "--json")
        assert result.code == 0, result.stderr
        for record in result.json():
            assert record["result"] == "updated"
            assert "status: Open → Pending (believed solved, tag believed_solved)" in record["changes"]
        for ticket_id in ids:
            ticket = desk.ticket(ticket_id)
            assert ticket["status"] == "pending" and "believed_solved" in ticket["tags"]
