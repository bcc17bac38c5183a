"""Setting a ticket's status the team's way.

on-hold needs a reason (the process asks for the blocker as an internal note); believed-solved
is the custom status `zendesk.believed_solved_status`, or, on an account without it, Pending
plus the tag `zendesk.believed_solved_tag` (which any other status later removes); solved is
discouraged, since a client's reply reopens a solved ticket.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from govpress_support.core.comments import clean_note
from govpress_support.core.config import Settings
from govpress_support.core.errors import UsageError
from govpress_support.core.models import CustomStatus
from govpress_support.core.statuses import LABELS, api_status, parse_settable
from govpress_support.services.zendesk import ZendeskClient
from govpress_support.workflows.tickets.names import Names
from govpress_support.workflows.tickets.plan import Batch, new_plans, read_tickets, still_open
from govpress_support.workflows.tickets.write import field_applied


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


def prepare_status(
    zendesk: ZendeskClient, settings: Settings, ids: Sequence[int], status: str, *, reason: str | None
) -> Batch:
    """Set a status the team's way: on-hold needs a reason, believed-solved is the custom status
    (or pending plus a tag where the account has none), solved is discouraged."""
    choice = parse_settable(status)
    if choice == "on-hold" and not (reason or "").strip():
        raise UsageError(
            "on-hold needs --reason: the process asks for the blocker as an internal note",
            'e.g. --reason "Waiting for the client\'s DNS change"',
        )
    note = clean_note(reason, "reason") if reason is not None else None
    tickets, _ = read_tickets(zendesk, ids)
    zs = settings.zendesk
    names = Names(zendesk, fallback_tag=zs.believed_solved_tag)
    statuses = names.custom_statuses()
    batch = Batch("status", [])

    changes: dict[str, Any]
    if choice == "believed-solved":
        custom = _believed_solved(statuses, zs.believed_solved_status)
        if custom is not None:
            target_label = custom.agent_label
            changes = {"custom_status_id": custom.id}
        else:
            why = (
                "this account has custom statuses switched off"
                if statuses is None
                else f"this account has no custom status {zs.believed_solved_status!r}"
            )
            batch.notices.append(f"{why}: setting status Pending with the tag {zs.believed_solved_tag!r} instead")
            target_label = f"Pending (believed solved, tag {zs.believed_solved_tag})"
            changes = {"status": "pending", "additional_tags": [zs.believed_solved_tag]}
    else:
        api = api_status(choice)
        default = _default_status(statuses, api)
        changes = {"custom_status_id": default.id} if default is not None else {"status": api}
        target_label = default.agent_label if default is not None else LABELS[api]
        if choice == "solved":
            batch.notices.append(
                "the team marks work done with `believed-solved` (Pending believed solved): "
                "a client's reply reopens a solved ticket"
            )
            batch.question = (
                "Mark {what} Solved? A client's reply (even a thank-you) reopens solved tickets; "
                "the team uses `believed-solved` instead."
            )

    batch.plans.extend(new_plans(tickets))
    for plan in still_open(batch.plans):
        ticket = plan.ticket
        for key, value in changes.items():
            if not field_applied(ticket, key, value):
                plan.changes[key] = value
        fallback_tag = zs.believed_solved_tag
        if choice != "believed-solved" and fallback_tag in ticket.tags:
            plan.changes["remove_tags"] = [fallback_tag]
        if not plan.changes:
            plan.unchanged = f"already {target_label}"
            continue
        if set(plan.changes) - {"remove_tags"}:
            plan.summary.append(f"status: {names.status(ticket)} → {target_label}")
        if "remove_tags" in plan.changes:
            plan.summary.append(f"tags: -{fallback_tag}")
        if note:
            plan.note = note
    return batch
