"""Replaying a handover journal, and the Markdown report: pure, from hand-made records."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from govpress_support.workflows.handover.models import (
    FAILED,
    HANDED_OVER,
    NOTED,
    HandoverPlan,
    HandoverResult,
    MembershipChange,
    Person,
    PlannedTicket,
    TicketOutcome,
)
from govpress_support.workflows.handover.report import render
from govpress_support.workflows.handover.state import membership_outcomes, replay

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
SAM, TOM = Person(1, "Sam Okafor", "sam@x.example"), Person(3, "Tom Hughes", "tom@x.example")


def ticket(ticket_id: int, **changes: object) -> PlannedTicket:
    values: dict[str, object] = {
        "id": ticket_id,
        "url": f"https://z.example/agent/tickets/{ticket_id}",
        "subject": f"Ticket | {ticket_id}",
        "status": "open",
        "status_label": "Open",
        "priority": "high",
        "sla_metric": "next_reply_time",
        "sla_urgency": "breached",
        "sla_breach_at": NOW - timedelta(hours=2),
        "due_at": None,
        "trello_card": "missing",
        "trello_card_url": None,
        "stamp": "2026-11-26T10:00:00Z",
        **changes,
    }
    return PlannedTicket(**values)  # type: ignore[arg-type]


def plan() -> HandoverPlan:
    return HandoverPlan(
        zendesk_url="https://z.example",
        me=SAM,
        target=TOM,
        target_source="rota",
        group_id=9,
        group_name="GovPress 2nd line support",
        tickets=(
            ticket(
                11, note_text="Tried the cache.", note="Handover from Sam Okafor to Tom Hughes:\n\nTried the cache."
            ),
            ticket(12, trello_card="linked", trello_card_url="https://trello.com/c/abc", sla_urgency="paused"),
            ticket(13),
        ),
        created_at=NOW,
        add_member=MembershipChange("add", TOM, 9, "GovPress 2nd line support"),
        remove_member=MembershipChange("remove", SAM, 9, "GovPress 2nd line support", membership_id=77),
        run_id="run-1",
    )


def test_plan_survives_the_journal_form() -> None:
    original = plan()
    assert HandoverPlan.from_dict(original.to_dict()) == original


def test_replay_settles_what_the_journal_says_and_nothing_more() -> None:
    records = [
        {"type": "plan", "plan": plan().to_dict()},
        {"type": "membership", "action": "add", "state": "sending"},
        {"type": "membership", "action": "add", "state": "done"},
        {"type": "batch", "batch": 1, "items": [{"id": 11, "stamp": "a"}, {"id": 12, "stamp": "b"}]},
        {"type": "job", "batch": 1, "job_id": "j1"},
        {"type": "batch_result", "batch": 1, "results": [{"id": 11, "success": True}, {"id": 12, "success": False}]},
        {"type": "ticket", "id": 12, "outcome": FAILED, "reason": "solved meanwhile"},
        {"type": "batch", "batch": 2, "items": [{"id": 13, "stamp": "c"}]},
    ]
    state = replay(records)
    assert state.outcomes == {
        11: TicketOutcome(11, HANDED_OVER),
        12: TicketOutcome(12, FAILED, "solved meanwhile"),
    }
    assert state.batches[2].job_id is None and state.batches[2].results is None  # outcome unknown: verify
    assert state.sends == {11: [1], 12: [1], 13: [2]}
    assert state.next_batch == 3
    assert state.finished_at is None
    assert [(m.change.action, m.state) for m in membership_outcomes(state)] == [("add", "done"), ("remove", "planned")]
    finished = replay([*records, {"type": "finished", "at": "2026-11-26T15:01:00Z"}])
    assert finished.finished_at == datetime(2026, 11, 26, 15, 1, tzinfo=UTC)


def test_replay_needs_a_plan_first() -> None:
    with pytest.raises(ValueError, match="starts with its plan"):
        replay([{"type": "batch", "batch": 1, "items": []}])


def test_report_sections() -> None:
    p = plan()
    result = HandoverResult(
        plan=p,
        run_id="run-1",
        outcomes={
            11: TicketOutcome(11, HANDED_OVER),
            12: TicketOutcome(12, HANDED_OVER),
            13: TicketOutcome(13, FAILED, "reassigned meanwhile to Priya Shah"),
        },
        memberships=tuple(membership_outcomes(replay([{"type": "plan", "plan": p.to_dict()}]))),
        finished_at=NOW,
    )
    text = render(result, NOW)
    assert text.startswith("# Handover: Sam Okafor → Tom Hughes\n")
    assert "2 tickets handed over · **1 not handed over** · 1 ticket note\n" in text
    assert "| [#11](https://z.example/agent/tickets/11) | Ticket \\| 11 | high | Open |" in text  # pipe escaped
    assert "**next reply breached** 2026-11-26 13:00 UTC (2h ago)" in text
    assert "- [#13](https://z.example/agent/tickets/13) Ticket \\| 13: reassigned meanwhile to Priya Shah" in text
    assert "### [#11](https://z.example/agent/tickets/11) Ticket \\| 11\n\nTried the cache." in text
    without_cards = text.split("## Tickets without Trello cards")[1].split("##")[0]
    assert "#11" in without_cards and "#12" not in without_cards and "#13" not in without_cards
    assert "Not checked (no repositories configured" in text
    assert "Not visible to you" in text  # suspended tickets: None means not allowed to see them
    assert "- add Tom Hughes to GovPress 2nd line support: not done" in text


def test_a_general_note_alone_is_counted_as_such_in_the_header() -> None:
    """--no-notes --note TEXT: no ticket notes, one general line on each, said the same way in the
    header and in the Notes section."""
    p = plan().with_notes_from({}, "Ask me on Slack.")
    result = HandoverResult(
        plan=p,
        run_id="run-1",
        outcomes={t.id: TicketOutcome(t.id, HANDED_OVER) for t in p.tickets},
        memberships=(),
        finished_at=NOW,
    )
    text = render(result, NOW)
    assert f"{len(p.tickets)} tickets handed over · 0 ticket notes · a general note on each\n" in text
    notes = text.split("## Notes")[1].split("\n## ")[0]
    assert "No ticket notes." in notes and "On every ticket: Ask me on Slack." in notes


def test_counts_with_note_only_tickets_say_each_kind_once() -> None:
    """Your tickets' notes, the general line (yours only) and the notes on others' tickets are
    counted apart: a note-only ticket is neither handed over nor a "ticket note" of yours, and a
    failed one is listed, not counted."""
    mine = plan()
    others = (
        ticket(21, assignee_name="Priya Shah", sla_urgency="active", sla_breach_at=NOW + timedelta(hours=3)),
        ticket(22, assignee_name=None),
        ticket(23, assignee_name="Priya Shah"),
    )
    p = replace(mine, tickets=tuple(replace(t, note_text=None, note=None) for t in mine.tickets), candidates=others)
    p = p.with_notes_from({11: "Tried the cache.", 21: "Priya: the theme.", 22: "Nobody's: logs attached."}, "Ask me.")
    assert [t.id for t in p.note_only] == [21, 22]  # 23 has no text: not in the plan
    assert (
        p.ticket(21) is not None and p.ticket(21).note == "Handover from Sam Okafor to Tom Hughes:\n\nPriya: the theme."
    )  # type: ignore[union-attr]
    outcomes = {t.id: TicketOutcome(t.id, HANDED_OVER) for t in p.mine}
    outcomes[21] = TicketOutcome(21, NOTED)
    outcomes[22] = TicketOutcome(22, FAILED, reason="HTTP 500")
    result = HandoverResult(plan=p, run_id="run-1", outcomes=outcomes, memberships=(), finished_at=NOW)
    text = render(result, NOW)
    assert "3 tickets handed over · 1 ticket note · a general note on each · 1 note on others' tickets\n" in text
    notes = text.split("## Notes\n")[1].split("\n## ")[0]
    assert "### [#11]" in notes and "On every ticket handed over: Ask me." in notes
    others_part = text.split("## Notes on others' tickets")[1].split("\n## Tickets without")[0]
    assert "### [#21](https://z.example/agent/tickets/21) Ticket \\| 21 (Priya Shah's)" in others_part
    assert "- [#22](https://z.example/agent/tickets/22) Ticket \\| 22: note **failed** (HTTP 500)" in others_part
    assert "Not handed over" not in text  # a failed note on someone else's ticket hands nothing over
