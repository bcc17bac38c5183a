"""`ticket status` (with believed-solved and its fallback) and `ticket assign`."""

from __future__ import annotations

from pathlib import Path

import pytest

from govpress_support.cli import output
from tests.cli.conftest import Invoke
from tests.cli.desk import Desk, desk_fixture, quick_jobs  # noqa: F401

BELIEVED_SOLVED = 1260000006  # the seed's "Pending believed solved" custom status
OPEN = 1260000002


class TestStatus:
    def test_on_hold_needs_a_reason_which_becomes_an_internal_note(self, cli: Invoke, desk: Desk) -> None:
        refused = cli("--sandbox", "ticket", "status", "4023", "on-hold", "--yes")
        assert refused.code == 2 and "on-hold needs --reason" in refused.stderr
        assert desk.ticket(4023)["status"] == "open"
        done = cli("--sandbox", "ticket", "status", "4023", "on-hold", "--reason", "Waiting for DNS", "--yes")
        assert done.code == 0, done.stderr
        assert desk.ticket(4023)["status"] == "hold"
        assert desk.notes(4023, "Waiting for DNS") == 1

    def test_believed_solved_sets_the_custom_status_once(self, cli: Invoke, desk: Desk) -> None:
        result = cli("--sandbox", "ticket", "status", "4023", "believed-solved", "--yes")
        assert result.code == 0, result.stderr
        assert "status: Open → Pending believed solved" in result.stderr
        ticket = desk.ticket(4023)
        assert (ticket["status"], ticket["custom_status_id"]) == ("pending", BELIEVED_SOLVED)
        again = cli("--sandbox", "ticket", "status", "4023", "believed-solved", "--yes")
        assert "already Pending believed solved" in again.stderr

    def test_account_without_custom_statuses_gets_pending_and_the_tag(self, cli: Invoke, desk: Desk) -> None:
        desk.control("PUT", "settings", {"custom_statuses": False})
        result = cli("--sandbox", "ticket", "status", "4023", "believed-solved", "--yes")
        assert result.code == 0, result.stderr
        assert "custom statuses switched off: setting status Pending with the tag 'believed_solved'" in result.stderr
        ticket = desk.ticket(4023)
        assert ticket["status"] == "pending" and "believed_solved" in ticket["tags"]
        assert "custom_status_id" not in ticket
        again = cli("--sandbox", "ticket", "status", "4023", "believed-solved", "--yes")
        assert again.code == 0 and "nothing to do" in again.stderr
        reopened = cli("--sandbox", "ticket", "status", "4023", "open", "--yes")
        assert reopened.code == 0
        ticket = desk.ticket(4023)
        assert ticket["status"] == "open" and "believed_solved" not in ticket["tags"]

    def test_the_fallback_reads_the_same_in_show_and_queue(self, cli: Invoke, desk: Desk) -> None:
        """One status label rule: the queue marks a believed-solved fallback as `ticket show` does."""
        desk.control("PUT", "settings", {"custom_statuses": False})
        assert cli("--sandbox", "ticket", "status", "4023", "believed-solved", "--yes").code == 0
        [shown] = cli("--sandbox", "ticket", "show", "4023", "--json").json()
        assert shown["status_label"] == "Pending (believed solved)"
        listed = cli("--sandbox", "queue", "--group", str(shown["group_id"]), "--json").json()
        assert [r["status_label"] for r in listed if r["id"] == 4023] == ["Pending (believed solved)"]

    def test_account_missing_that_custom_status_gets_the_fallback(
        self, cli: Invoke, desk: Desk, tmp_path: Path
    ) -> None:
        config = tmp_path / "config.toml"
        config.write_text('[zendesk]\nbelieved_solved_status = "Resolved, pending"\n')
        result = cli("--sandbox", "ticket", "status", "4023", "believed-solved", "--yes")
        assert result.code == 0
        assert "no custom status 'Resolved, pending'" in result.stderr
        assert "believed_solved" in desk.ticket(4023)["tags"]

    def test_solved_asks_and_points_to_believed_solved(
        self, cli: Invoke, desk: Desk, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        assert cli("--sandbox", "ticket", "status", "4023", "solved").code == 2  # off a terminal: needs --yes
        monkeypatch.setattr(output, "_isatty", lambda stream: True)
        declined = cli("--sandbox", "ticket", "status", "4023", "solved", input="n\n")
        assert declined.code == 1
        assert "reopens solved tickets" in declined.stderr and "believed-solved" in declined.stderr
        assert desk.ticket(4023)["status"] == "open"
        assert cli("--sandbox", "ticket", "status", "4023", "solved", input="y\n").code == 0
        assert desk.ticket(4023)["status"] == "solved"
        monkeypatch.undo()
        scripted = cli("--sandbox", "ticket", "status", "4024", "solved", "--yes")
        assert scripted.code == 0 and "the team marks work done with `believed-solved`" in scripted.stderr

    def test_unknown_status_lists_the_valid_ones(self, cli: Invoke) -> None:
        result = cli("--sandbox", "ticket", "status", "4023", "closed", "--yes")
        assert result.code == 2
        assert "unknown status 'closed' (use one of: open, pending, on-hold, believed-solved, solved)" in result.stderr
        assert cli("--sandbox", "ticket", "status", "4023", "--yes").code == 2

    def test_moving_back_to_open_from_a_custom_status(self, cli: Invoke, desk: Desk) -> None:
        result = cli("--sandbox", "ticket", "status", "4018", "open", "--yes")  # seeded Pending believed solved
        assert result.code == 0, result.stderr
        assert "status: Pending believed solved → Open" in result.stderr
        assert desk.ticket(4018)["custom_status_id"] == OPEN

    def test_closed_ticket(self, cli: Invoke) -> None:
        result = cli("--sandbox", "ticket", "status", "4001", "open", "--yes")
        assert result.code == 1 and "ticket 4001 is closed" in result.stderr


class TestAssign:
    def test_assign_to_me_and_to_an_agent(self, cli: Invoke, desk: Desk) -> None:
        assert cli("--sandbox", "ticket", "assign", "4036", "me", "--yes").code == 0
        assert desk.ticket(4036)["assignee_id"] == 10001
        result = cli("--sandbox", "ticket", "assign", "4036", "priya.shah@govpress.example", "--yes")
        assert result.code == 0
        assert "assignee: Sam Okafor → Priya Shah" in result.stderr
        assert desk.ticket(4036)["assignee_id"] == 10002
        again = cli("--sandbox", "ticket", "assign", "4036", "priya.shah@govpress.example", "--yes")
        assert "already assigned to Priya Shah" in again.stderr
        assert cli("--sandbox", "ticket", "assign", "4036", "none", "--yes").code == 0
        assert desk.ticket(4036)["assignee_id"] is None

    def test_agent_outside_the_group_is_refused_before_writing(self, cli: Invoke, desk: Desk) -> None:
        result = cli("--sandbox", "ticket", "assign", "4036", "tom.hughes@govpress.example", "--yes")
        assert result.code == 2
        assert "Tom Hughes is not a member of GovPress 2nd line support" in result.stderr
        assert desk.ticket(4036)["assignee_id"] is None

    def test_unknown_person(self, cli: Invoke) -> None:
        result = cli("--sandbox", "ticket", "assign", "4036", "nobody@govpress.example", "--yes")
        assert result.code == 2 and "no Zendesk agent with email nobody@govpress.example" in result.stderr
        assert cli("--sandbox", "ticket", "assign", "4036", "priya", "--yes").code == 2
