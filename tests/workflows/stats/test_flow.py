"""Tickets through a group, from hand-made histories: created in it or moved in, solved, believed
solved, reopened, cascaded on, returned to triage, moved elsewhere, the queue at both ends (and
that it adds up), the window's edges, and which group held a ticket when an SLA outcome fell
(a ticket moved out mid-window counts for the group only before the move)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

from govpress_support.core.models import Ticket, TicketChange
from govpress_support.workflows.stats.flow import Groups, History, count_flow, in_group_at
from govpress_support.workflows.stats.models import Flow

TRIAGE, FIRST, SECOND, SCOPING = 1, 2, 3, 4
BELIEVED = 77  # the believed-solved custom status
SECOND_LINE = Groups(SECOND, cascade_to=SCOPING, triage_id=TRIAGE, believed_status_id=BELIEVED)
START = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
END = START + timedelta(days=7)


def at(hours: float) -> datetime:
    return START + timedelta(hours=hours)


def history(ticket_id: int, *steps: tuple[float, dict[str, object]]) -> History:
    """Steps of (hours from the window's start, fields set); the first one creates the ticket."""
    changes = [
        TicketChange(at(hours), name, value, created=n == 0)  # type: ignore[arg-type]
        for n, (hours, fields) in enumerate(steps)
        for name, value in fields.items()
    ]
    return History.of(ticket_id, changes)


def new(group: int, status: str = "new") -> dict[str, object]:
    return {"group_id": group, "status": status, "custom_status_id": None, "assignee_id": None}


def flow_of(*histories: History, groups: Groups = SECOND_LINE) -> tuple[Flow, Counter[date], Counter[date]]:
    return count_flow(histories, groups, START, END)


def adds_up(flow: Flow) -> bool:
    out = flow.solved + (flow.cascaded or 0) + (flow.returned_to_triage or 0) + (flow.moved_out or 0)
    return flow.queue_end == flow.queue_start + flow.entered + flow.reopened - out


def test_moved_in_then_solved() -> None:
    flow, arrivals, solves = flow_of(
        history(1, (-30, new(TRIAGE)), (2, {"group_id": SECOND, "status": "open"}), (30, {"status": "solved"}))
    )
    assert (flow.moved_in, flow.created_in_group, flow.solved, flow.queue_start, flow.queue_end) == (1, 0, 1, 0, 0)
    assert arrivals == Counter({date(2026, 11, 19): 1}) and solves == Counter({date(2026, 11, 20): 1})
    assert adds_up(flow)


def test_created_in_the_group_cascaded_and_returned() -> None:
    flow, _, _ = flow_of(
        history(2, (1, new(SECOND)), (5, {"group_id": SCOPING})),
        history(3, (-50, new(SECOND, "open")), (10, {"group_id": TRIAGE, "assignee_id": None})),
        history(4, (-50, new(SECOND, "open")), (10, {"group_id": FIRST})),
    )
    assert (flow.created_in_group, flow.cascaded, flow.returned_to_triage, flow.moved_out) == (1, 1, 1, 1)
    assert (flow.queue_start, flow.queue_end) == (2, 0)
    assert adds_up(flow)


def test_believed_solved_then_solved_and_reopened() -> None:
    flow, _, solves = flow_of(
        history(
            5,
            (-100, new(SECOND, "open")),
            (3, {"status": "pending", "custom_status_id": BELIEVED}),
            (50, {"status": "solved", "custom_status_id": 9}),
            (60, {"status": "open", "custom_status_id": 2}),  # the client wrote back
        )
    )
    assert (flow.believed_solved, flow.solved, flow.reopened) == (1, 1, 1)
    assert (flow.queue_start, flow.queue_end) == (1, 1)  # believed solved is pending: still queued
    assert sum(solves.values()) == 1 and adds_up(flow)


def test_believed_solved_by_tag_on_an_account_without_custom_statuses() -> None:
    groups = Groups(SECOND, SCOPING, TRIAGE, believed_status_id=None, believed_tag="believed_solved")
    flow, _, _ = flow_of(
        history(6, (-100, new(SECOND, "open")), (3, {"status": "pending", "tags": ("believed_solved",)})),
        history(7, (-100, new(SECOND, "open")), (3, {"status": "pending", "tags": ("waiting",)})),
        groups=groups,
    )
    assert flow.believed_solved == 1


def test_the_windows_edges() -> None:
    flow, arrivals, _ = flow_of(
        history(8, (-1, new(TRIAGE)), (0, {"group_id": SECOND})),  # moved in exactly at the start: in the window
        history(9, (-1, new(TRIAGE)), (24 * 7, {"group_id": SECOND})),  # exactly at the end: the next window's
    )
    assert (flow.moved_in, flow.queue_start, flow.queue_end) == (1, 0, 1)
    assert arrivals == Counter({date(2026, 11, 19): 1})


def test_solved_elsewhere_does_not_count() -> None:
    flow, _, _ = flow_of(history(10, (1, new(FIRST)), (3, {"status": "solved"})))
    assert flow == Flow()


def test_the_whole_desk_counts_creations_and_no_moves() -> None:
    flow, arrivals, _ = flow_of(
        history(11, (2, new(TRIAGE)), (3, {"group_id": SECOND}), (4, {"status": "solved"})),
        groups=Groups(None),
    )
    assert (flow.created_in_group, flow.solved, flow.entered) == (1, 1, 1)
    assert flow.moved_in is None and flow.cascaded is None and flow.moved_out is None
    assert sum(arrivals.values()) == 1


def test_a_ticket_moved_out_mid_window_holds_outcomes_for_the_group_only_before() -> None:
    moved = {12: history(12, (-10, new(SECOND, "open")), (48, {"group_id": SCOPING}))}
    assert in_group_at(moved, SECOND_LINE, 12, at(47))
    assert in_group_at(moved, SECOND_LINE, 12, at(48))  # the update that moved it: the group that held it
    assert not in_group_at(moved, SECOND_LINE, 12, at(48.01))
    assert not in_group_at(moved, SECOND_LINE, 13, at(1))  # a ticket it knows nothing of
    assert in_group_at(moved, Groups(None), 13, at(1))


def test_an_outcome_at_creation_belongs_to_the_group_it_was_created_in() -> None:
    created = {14: history(14, (5, new(SECOND)))}
    assert in_group_at(created, SECOND_LINE, 14, at(5))
    assert not in_group_at(created, SECOND_LINE, 14, at(4))


def test_a_ticket_unchanged_since_before_the_window_is_as_it_is_now() -> None:
    ticket = Ticket(
        id=15,
        subject="Old and quiet",
        status="hold",
        priority="low",
        type="task",
        group_id=SECOND,
        assignee_id=500,
        requester_id=600,
        organization_id=None,
        created_at=at(-500),
        updated_at=at(-200),
        updated_stamp=None,
        agent_url="https://x/agent/tickets/15",
    )
    quiet = History.unchanged(ticket)
    flow, _, _ = flow_of(quiet)
    assert (flow.queue_start, flow.queue_end, flow.entered) == (1, 1, 0)
    assert quiet.holder_at(at(30))["assignee_id"] == 500
