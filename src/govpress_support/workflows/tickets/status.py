"""Setting a ticket's status the team's way.

on-hold needs a reason (the process asks for the blocker as an internal note); believed-solved
is the custom status `zendesk.believed_solved_status`, or, on an account without it, Pending
plus the tag `zendesk.believed_solved_tag` (which any other status later removes); solved is
discouraged, since a client's reply reopens a solved ticket.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from govpress_support.core.comments import clean_note
from govpress_support.core.config import Settings
from govpress_support.core.errors import UsageError
from govpress_support.core.models import CustomStatus
from govpress_support.core.statuses import LABELS, api_status, parse_settable
from govpress_support.services.zendesk import ZendeskClient
from govpress_support.workflows.tickets.names import Names
from govpress_support.workflows.tickets.plan import Batch, new_plans, read_tickets, still_open
from govpress_support.workflows.tickets.write import TicketPlan, field_applied


def _default_status(statuses: Sequence[CustomStatus] | None, category: str) -> CustomStatus | None:
    for status in statuses or []:
        if status.status_category == category and status.default and status.active:
            return status
    return None


def _believed_solved(statuses: Sequence[CustomStatus] | None, label: str) -> CustomStatus | None:
    for status in statuses or []:
        if status.active and status.agent_label.strip().casefold() == label.strip().casefold():
            return status
    return None


@dataclass(frozen=True)
class StatusTarget:
    """A status as the team sets it: the fields to send, its label, and what to say first."""

    word: str  # open, pending, on-hold, believed-solved or solved
    changes: dict[str, Any]
    label: str
    notices: tuple[str, ...] = ()
    question: str | None = None  # a confirmation question other than the usual ("{what}": the tickets)


def status_target(names: Names, settings: Settings, status: str, *, reason: str | None) -> StatusTarget:
    """The fields that set `status` on this account, the team's way: on-hold needs a reason,
    believed-solved is the custom status (or pending plus a tag where the account has none),
    solved is discouraged. Raises `UsageError` for an unknown status or on-hold without a reason."""
    choice = parse_settable(status)  # an unknown status, or on-hold without a reason: before any request
    if choice == "on-hold" and not (reason or "").strip():
        raise UsageError(
            "on-hold needs --reason: the process asks for the blocker as an internal note",
            'e.g. --reason "Waiting for the client\'s DNS change"',
        )
    zs = settings.zendesk
    statuses = names.custom_statuses()
    if choice == "believed-solved":
        custom = _believed_solved(statuses, zs.believed_solved_status)
        if custom is not None:
            return StatusTarget(choice, {"custom_status_id": custom.id}, custom.agent_label)
        why = (
            "this account has custom statuses switched off"
            if statuses is None
            else f"this account has no custom status {zs.believed_solved_status!r}"
        )
        return StatusTarget(
            choice,
            {"status": "pending", "additional_tags": [zs.believed_solved_tag]},
            f"Pending (believed solved, tag {zs.believed_solved_tag})",
            (f"{why}: setting status Pending with the tag {zs.believed_solved_tag!r} instead",),
        )
    api = api_status(choice)
    default = _default_status(statuses, api)
    changes: dict[str, Any] = {"custom_status_id": default.id} if default is not None else {"status": api}
    label = default.agent_label if default is not None else LABELS[api]
    if choice != "solved":
        return StatusTarget(choice, changes, label)
    return StatusTarget(
        choice,
        changes,
        label,
        (
            "the team marks work done with `believed-solved` (Pending believed solved): "
            "a client's reply reopens a solved ticket",
        ),
        "Mark {what} Solved? A client's reply (even a thank-you) reopens solved tickets; "
        "the team uses `believed-solved` instead.",
    )


def plan_status(plan: TicketPlan, target: StatusTarget, names: Names, fallback_tag: str) -> bool:
    """Add what the ticket needs to reach the status to its plan; False when it already has it.
    Setting any status but believed-solved removes the believed-solved fallback tag."""
    ticket = plan.ticket
    changes: dict[str, Any] = {k: v for k, v in target.changes.items() if not field_applied(ticket, k, v)}
    if target.word != "believed-solved" and fallback_tag in ticket.tags:
        changes["remove_tags"] = [fallback_tag]
    if not changes:
        return False
    plan.changes.update(changes)
    if set(changes) - {"remove_tags"}:
        plan.summary.append(f"status: {names.status(ticket)} → {target.label}")
    if "remove_tags" in changes:
        plan.summary.append(f"tags: -{fallback_tag}")
    return True


def prepare_status(
    zendesk: ZendeskClient, settings: Settings, ids: Sequence[int], status: str, *, reason: str | None
) -> Batch:
    """Set a status the team's way (see `status_target`), with `reason` as an internal note."""
    names = Names(zendesk, fallback_tag=settings.zendesk.believed_solved_tag)
    target = status_target(names, settings, status, reason=reason)
    note = clean_note(reason, "reason") if reason is not None else None
    tickets, _ = read_tickets(zendesk, ids)
    batch = Batch("status", new_plans(tickets), notices=list(target.notices), question=target.question)
    for plan in still_open(batch.plans):
        if not plan_status(plan, target, names, settings.zendesk.believed_solved_tag):
            plan.unchanged = f"already {target.label}"
        elif note:
            plan.note = note
    return batch
