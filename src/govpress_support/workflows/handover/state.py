"""The state of a handover run, replayed from its journal (pure).

Journal records (JSON lines, see `journal.py`): `plan`, `membership` (action, state),
`batch` (number, ticket ids and stamps, before sending), `job` (its id, before polling),
`batch_result`, `batch_unknown`, `ticket` (a final outcome found by reading), `push` (a
branch: sending, then pushed, up_to_date or failed), `pull` (a pull request's assign or comment
step: sending, then done or failed), `finished`, and after it `slack` (sending, then done or
failed). `apply.Runner` and `outside.py` write them; `replay` reads them back, for `--resume`
and for past runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from govpress_support.core.timeutil import now as clock_now
from govpress_support.core.timeutil import parse_iso
from govpress_support.workflows.handover.gitpush import PushOutcome
from govpress_support.workflows.handover.models import (
    HANDED_OVER,
    NOTED,
    HandoverPlan,
    MembershipOutcome,
    StepOutcome,
    TicketOutcome,
)


@dataclass
class BatchState:
    number: int
    items: list[tuple[int, str | None]]  # (ticket id, stamp sent)
    job_id: str | None = None
    results: dict[int, dict[str, Any]] | None = None  # ticket id -> {success, error, details}
    unknown: str | None = None  # why its outcome is not known


@dataclass
class RunState:
    plan: HandoverPlan
    outcomes: dict[int, TicketOutcome] = field(default_factory=dict)
    batches: dict[int, BatchState] = field(default_factory=dict)
    sends: dict[int, list[int]] = field(default_factory=dict)  # ticket id -> batch numbers
    membership: dict[str, dict[str, Any]] = field(default_factory=dict)  # action -> last record
    pushes: dict[str, dict[str, Any]] = field(default_factory=dict)  # PlannedPush.key -> last record
    pulls: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (ref, step) -> last record
    slack: dict[str, Any] | None = None  # the last record of the Slack post
    finished_at: datetime | None = None

    def succeeded(self, ticket_id: int) -> TicketOutcome:
        """A ticket Zendesk took: handed over, or (someone else's) noted."""
        planned = self.plan.ticket(ticket_id)
        return TicketOutcome(ticket_id, HANDED_OVER if planned is None or planned.reassign else NOTED)

    @property
    def next_batch(self) -> int:
        return max(self.batches, default=0) + 1


def replay(records: Sequence[Mapping[str, Any]]) -> RunState:
    """The state of a run from its journal. Pure."""
    if not records or records[0].get("type") != "plan":
        raise ValueError("a handover journal starts with its plan")
    state = RunState(plan=HandoverPlan.from_dict(records[0]["plan"]))
    for record in records[1:]:
        kind = record.get("type")
        if kind == "membership":
            state.membership[str(record["action"])] = dict(record)
        elif kind == "batch":
            number = int(record["batch"])
            items = [(int(i["id"]), i.get("stamp")) for i in record.get("items") or []]
            state.batches[number] = BatchState(number, items)
            for ticket_id, _ in items:
                state.sends.setdefault(ticket_id, []).append(number)
        elif kind == "job":
            state.batches[int(record["batch"])].job_id = str(record["job_id"])
        elif kind == "batch_result":
            batch = state.batches[int(record["batch"])]
            batch.results = {int(r["id"]): dict(r) for r in record.get("results") or [] if r.get("id") is not None}
            for ticket_id, result in batch.results.items():
                if result.get("success"):
                    state.outcomes[ticket_id] = state.succeeded(ticket_id)
        elif kind == "batch_unknown":
            state.batches[int(record["batch"])].unknown = str(record.get("reason") or "outcome unknown")
        elif kind == "ticket":
            ticket_id = int(record["id"])
            state.outcomes[ticket_id] = TicketOutcome(
                ticket_id, str(record["outcome"]), record.get("reason"), bool(record.get("still_yours"))
            )
        elif kind == "push":
            state.pushes[str(record["key"])] = dict(record)
        elif kind == "pull":
            state.pulls[(str(record["ref"]), str(record["step"]))] = dict(record)
        elif kind == "slack":
            state.slack = dict(record)
        elif kind == "finished":
            state.finished_at = parse_iso(record.get("at")) or clock_now()
    return state


def push_outcomes(state: RunState) -> dict[str, PushOutcome]:
    """The pushes that got an answer (a push journaled as sending is not settled yet)."""
    return {
        key: PushOutcome(str(record["state"]), record.get("reason"))
        for key, record in state.pushes.items()
        if record.get("state") != "sending"
    }


def pull_outcomes(state: RunState) -> dict[tuple[str, str], StepOutcome]:
    return {key: StepOutcome(str(r.get("state")), r.get("reason")) for key, r in state.pulls.items()}


def slack_outcome(state: RunState) -> StepOutcome | None:
    if state.slack is None:
        return StepOutcome("planned") if state.plan.slack else None
    return StepOutcome(str(state.slack.get("state")), state.slack.get("reason"))


def membership_outcomes(state: RunState) -> list[MembershipOutcome]:
    """What became of the planned membership changes ("planned" when not yet settled)."""
    found: list[MembershipOutcome] = []
    for change in (state.plan.add_member, state.plan.remove_member):
        if change is None:
            continue
        record = state.membership.get(change.action, {})
        status = str(record.get("state") or "planned")
        found.append(MembershipOutcome(change, "planned" if status == "sending" else status, record.get("reason")))
    return found
