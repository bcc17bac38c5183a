"""Tickets through a group: each ticket's history (where it was, in what status, whose), and the
flow it makes in the window.

A history is the ticket's field changes from its audits, or, for a ticket not updated since the
window began, its fields as they are now (nothing changed since). The state "at" a moment is the
one before anything that happened at that moment, so a window's queue at its start does not yet
hold a ticket created at that very second, and an update that both replies and moves a ticket
is credited to the group that replied.

Flow in [start, end), each move or solve counted when it happens:

- **entered**: created in the group, or moved into it;
- **solved**: a status change from new/open/pending/on-hold to solved or closed, in the group;
- **reopened**: from solved back to an unsolved status, in the group;
- **believed solved**: into Pending with the believed-solved custom status (or, on an account
  without custom statuses, with the believed-solved tag), in the group;
- **cascaded** (to the next group down), **returned to triage**, **moved out** (anywhere else);
- **queue** at the start and at the end: tickets in the group in an unsolved status.

For the whole desk (no group) moves between groups do not count, and creations are arrivals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from govpress_support.core.models import UNSOLVED_STATUSES, FieldValue, Ticket, TicketChange
from govpress_support.workflows.stats.models import Flow

FIELDS = ("group_id", "status", "custom_status_id", "assignee_id", "tags")
SOLVED = ("solved", "closed")

State = dict[str, Any]


def values_of(ticket: Ticket) -> dict[str, FieldValue]:
    """The followed fields of a ticket as it is now."""
    return {
        "group_id": ticket.group_id,
        "status": ticket.status,
        "custom_status_id": ticket.custom_status_id,
        "assignee_id": ticket.assignee_id,
        "tags": tuple(ticket.tags),
    }


@dataclass(frozen=True)
class History:
    ticket_id: int
    changes: tuple[TicketChange, ...]  # in time order

    @classmethod
    def of(cls, ticket_id: int, changes: Iterable[TicketChange]) -> History:
        return cls(ticket_id, tuple(sorted(changes, key=lambda c: c.at)))

    @classmethod
    def unchanged(cls, ticket: Ticket) -> History:
        """A ticket as it is now, since it was created: for one not updated in the window."""
        at = ticket.created_at or datetime(1970, 1, 1, tzinfo=UTC)
        values = values_of(ticket)
        return cls(ticket.id, tuple(TicketChange(at, name, values[name], created=True) for name in FIELDS))

    def steps(self) -> Iterator[tuple[datetime, State, State]]:
        """(moment, state before, state after) for each moment something changed; the state
        before creation is empty."""
        state: State = {}
        index = 0
        while index < len(self.changes):
            at = self.changes[index].at
            before = dict(state)
            while index < len(self.changes) and self.changes[index].at == at:
                change = self.changes[index]
                state[change.field] = change.value
                index += 1
            yield at, before, dict(state)

    def state_at(self, moment: datetime) -> State:
        """The state just before `moment` (empty if the ticket did not exist yet)."""
        state: State = {}
        for change in self.changes:
            if change.at >= moment:
                break
            state[change.field] = change.value
        return state

    def holder_at(self, moment: datetime) -> State:
        """Who and where at `moment`: the state just before it, or, for something that happened
        as the ticket was created, the state it was created in."""
        state = self.state_at(moment)
        if not state:
            for at, _, after in self.steps():
                if at > moment:
                    break
                state = after
        return state


@dataclass(frozen=True)
class Groups:
    """The group counted, and where tickets go from it (ids; None for the whole desk)."""

    group_id: int | None
    cascade_to: int | None = None
    triage_id: int | None = None
    believed_status_id: int | None = None  # the believed-solved custom status, if the account has it
    believed_tag: str | None = None

    def holds(self, state: State) -> bool:
        return bool(state) and (self.group_id is None or state.get("group_id") == self.group_id)

    def believed(self, state: State) -> bool:
        if state.get("status") != "pending":
            return False
        if self.believed_status_id is not None:
            return state.get("custom_status_id") == self.believed_status_id
        tags = state.get("tags") or ()
        return self.believed_tag is not None and self.believed_tag in tags


def _day(at: datetime) -> date:
    return at.astimezone(UTC).date()


def count_flow(
    histories: Iterable[History], groups: Groups, start: datetime, end: datetime
) -> tuple[Flow, Counter[date], Counter[date]]:
    """The flow through the group in [start, end), with arrivals and solves by UTC day. Pure."""
    desk = groups.group_id is None
    flow = Flow(moved_in=None, cascaded=None, returned_to_triage=None, moved_out=None) if desk else Flow()
    arrivals: Counter[date] = Counter()
    solves: Counter[date] = Counter()
    for history in histories:
        for state, counter in ((history.state_at(start), "queue_start"), (history.state_at(end), "queue_end")):
            if groups.holds(state) and state.get("status") in UNSOLVED_STATUSES:
                setattr(flow, counter, getattr(flow, counter) + 1)
        for at, before, after in history.steps():
            if at >= end:
                break
            if at < start:
                continue
            was_in, now_in = groups.holds(before), groups.holds(after)
            if now_in and not before:
                flow.created_in_group += 1
                arrivals[_day(at)] += 1
            elif not desk and now_in and not was_in:
                flow.moved_in = (flow.moved_in or 0) + 1
                arrivals[_day(at)] += 1
            elif not desk and was_in and not now_in:
                _moved_out(flow, groups, after.get("group_id"))
            if not now_in:
                continue
            if before.get("status") not in SOLVED and after.get("status") in SOLVED:
                flow.solved += 1
                solves[_day(at)] += 1
            elif before.get("status") in SOLVED and after.get("status") not in SOLVED:
                flow.reopened += 1
            elif groups.believed(after) and not groups.believed(before):
                flow.believed_solved += 1
    return flow, arrivals, solves


def _moved_out(flow: Flow, groups: Groups, to: Any) -> None:
    if to is not None and to == groups.cascade_to:
        flow.cascaded = (flow.cascaded or 0) + 1
    elif to is not None and to == groups.triage_id:
        flow.returned_to_triage = (flow.returned_to_triage or 0) + 1
    else:
        flow.moved_out = (flow.moved_out or 0) + 1


def in_group_at(histories: Mapping[int, History], groups: Groups, ticket_id: int, moment: datetime) -> bool:
    """Whether the group held the ticket at `moment` (always, for the whole desk, if it exists)."""
    history = histories.get(ticket_id)
    if history is None:
        return groups.group_id is None
    return groups.holds(history.holder_at(moment))
