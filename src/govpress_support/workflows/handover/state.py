"""The state of a handover run, replayed from its journal (pure).

Journal records (JSON lines, see `journal.py`): `plan`, `membership` (action, state),
`batch` (number, ticket ids and stamps, before sending), `job` (its id, before polling),
`batch_result`, `batch_unknown`, `ticket` (a final outcome found by reading), `finished`.
`apply.Runner` writes them; `replay` reads them back, for `--resume` and for past runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from govpress_support.core.timeutil import now as clock_now
from govpress_support.core.timeutil import parse_iso
from govpress_support.workflows.handover.models import HANDED_OVER, HandoverPlan, MembershipOutcome, TicketOutcome


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
    finished_at: datetime | None = None

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
                    state.outcomes[ticket_id] = TicketOutcome(ticket_id, HANDED_OVER)
        elif kind == "batch_unknown":
            state.batches[int(record["batch"])].unknown = str(record.get("reason") or "outcome unknown")
        elif kind == "ticket":
            ticket_id = int(record["id"])
            state.outcomes[ticket_id] = TicketOutcome(
                ticket_id, str(record["outcome"]), record.get("reason"), bool(record.get("still_yours"))
            )
        elif kind == "finished":
            state.finished_at = parse_iso(record.get("at")) or clock_now()
    return state


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
