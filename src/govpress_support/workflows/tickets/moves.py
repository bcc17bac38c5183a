"""Moving tickets between the support groups: triage (and on), move, cascade, return.

The process's checks come first: no ticket leaves triage without a priority and a type; an
assignee who is not a member of the new group is unassigned (Zendesk refuses the move otherwise);
a ticket moving into 2nd line or scoping without a Trello card is warned about (one request).
"""

from __future__ import annotations

from collections.abc import Sequence

from govpress_support.core.comments import clean_note
from govpress_support.core.config import Settings
from govpress_support.core.errors import UsageError
from govpress_support.core.groups import CARD_GROUPS, CASCADE
from govpress_support.core.models import Group, Ticket
from govpress_support.services.trello import TrelloClient
from govpress_support.services.zendesk import ZendeskClient
from govpress_support.workflows.cards.find import board_cards
from govpress_support.workflows.tickets.plan import (
    Batch,
    Desk,
    new_plans,
    parse_priority,
    parse_type,
    read_tickets,
    still_open,
)
from govpress_support.workflows.tickets.write import TicketPlan


def _leaving_triage_refusal(ticket: Ticket, priority: str | None, type_: str | None, to: str) -> UsageError:
    missing = " and ".join(n for n, v in (("priority", priority), ("type", type_)) if not v)
    return UsageError(
        f"ticket {ticket.id} has no {missing}: the process sets priority and type before a ticket leaves triage",
        f"govpress-support ticket triage {ticket.id} --priority P --type T --to {to}",
    )


def _plan_move(
    desk: Desk,
    plan: TicketPlan,
    target: Group,
    *,
    members: set[int] | None,
    unassign: bool = False,
    priority: str | None = None,
    type_: str | None = None,
) -> None:
    """Add a group change to a plan, with the checks the process asks for."""
    ticket = plan.ticket
    triage = desk.groups.get("triage")
    target_alias = desk.alias(target.id) or target.name
    if triage is not None and ticket.group_id == triage.id and target.id != triage.id:
        new_priority, new_type = priority or ticket.priority, type_ or ticket.type
        if not new_priority or not new_type:
            plan.refusal = _leaving_triage_refusal(ticket, new_priority, new_type, target_alias)
            return
    if ticket.group_id != target.id:
        plan.changes["group_id"] = target.id
        plan.summary.append(f"group: {desk.short(ticket.group_id)} → {target.name}")
    if ticket.assignee_id is not None:
        if unassign:
            plan.changes["assignee_id"] = None
            plan.summary.append(f"assignee: {desk.names.user(ticket.assignee_id)} → unassigned")
        elif "group_id" in plan.changes and members is not None and ticket.assignee_id not in members:
            plan.changes["assignee_id"] = None
            plan.summary.append(
                f"assignee: {desk.names.user(ticket.assignee_id)} → unassigned (not a member of {target.name})"
            )


def _check_cards(trello: TrelloClient | None, desk: Desk, batch: Batch) -> None:
    """Warn about tickets moving into 2nd line or scoping with no Trello card (one request)."""
    card_groups = {desk.groups[a].id for a in CARD_GROUPS if a in desk.groups}
    moving = [p for p in batch.plans if p.to_write and p.changes.get("group_id") in card_groups]
    if not moving:
        return
    cards = board_cards(trello, desk.settings.trello.backlog_board)
    if not cards.checked:
        batch.card_check = cards.reason
        return
    for plan in moving:
        if cards.get(plan.ticket.id) is None:
            batch.missing_cards.append(plan.ticket.id)
            plan.warnings.append("no Trello card on the backlog board (2nd line and scoping tickets need one)")


def prepare_triage(
    zendesk: ZendeskClient,
    trello: TrelloClient | None,
    settings: Settings,
    ids: Sequence[int],
    *,
    priority: str | None,
    type_: str | None,
    to: str | None,
    note: str | None,
) -> Batch:
    """Set priority and type (required before a ticket leaves triage), optionally move it on."""
    if priority is None and type_ is None and to is None:
        raise UsageError("nothing to do", "give --priority, --type and/or --to")
    priority = parse_priority(priority) if priority else None
    type_ = parse_type(type_) if type_ else None
    note = clean_note(note) if note is not None else None
    tickets, _ = read_tickets(zendesk, ids)
    desk = Desk.load(zendesk, settings)
    target = None
    if to is not None:
        target = desk.resolve(to)
        if desk.alias(target.id) == "triage":
            raise UsageError("--to triage does not move anything out of triage", "use --to 1st, 2nd or scoping")
    members = desk.members(target) if target is not None and any(t.assignee_id for t in tickets) else None
    plans = new_plans(tickets)
    for plan in still_open(plans):
        ticket = plan.ticket
        if priority and ticket.priority != priority:
            plan.changes["priority"] = priority
            plan.summary.append(f"priority: {ticket.priority or 'none'} → {priority}")
        if type_ and ticket.type != type_:
            plan.changes["type"] = type_
            plan.summary.append(f"type: {ticket.type or 'none'} → {type_}")
        if target is not None:
            _plan_move(desk, plan, target, members=members, priority=priority, type_=type_)
        if plan.refusal is None and not plan.changes:
            plan.unchanged = "already triaged as asked"
        elif plan.refusal is None and note:
            plan.note = note
    batch = Batch("triage", plans)
    _check_cards(trello, desk, batch)
    return batch


def prepare_move(
    zendesk: ZendeskClient,
    trello: TrelloClient | None,
    settings: Settings,
    ids: Sequence[int],
    *,
    to: str,
    reason: str,
) -> Batch:
    """Move tickets to a group with the reason as an internal note."""
    note = clean_note(reason, "reason")
    tickets, _ = read_tickets(zendesk, ids)
    desk = Desk.load(zendesk, settings)
    target = desk.resolve(to)
    members = desk.members(target) if any(t.assignee_id for t in tickets) else None
    plans = new_plans(tickets)
    for plan in still_open(plans):
        _plan_move(desk, plan, target, members=members)
        if plan.refusal is None and "group_id" not in plan.changes:
            plan.changes.clear()
            plan.summary.clear()
            plan.unchanged = f"already in {target.name}"
        elif plan.refusal is None:
            plan.note = note
    batch = Batch("move", plans)
    _check_cards(trello, desk, batch)
    return batch


def prepare_cascade(
    zendesk: ZendeskClient, trello: TrelloClient | None, settings: Settings, ids: Sequence[int], *, reason: str | None
) -> Batch:
    """Move each ticket one step down: triage → 1st → 2nd → scoping."""
    note = clean_note(reason, "reason") if reason is not None else None
    tickets, _ = read_tickets(zendesk, ids)
    desk = Desk.load(zendesk, settings)
    plans = new_plans(tickets)
    members: dict[int, set[int]] = {}
    for plan in still_open(plans):
        ticket = plan.ticket
        here = desk.alias(ticket.group_id)
        if here is None:
            plan.refusal = UsageError(
                f"ticket {ticket.id} is in {desk.short(ticket.group_id)}, not a GovPress support group",
                f"move it explicitly: govpress-support ticket move {ticket.id} --to 1st --reason TEXT",
            )
            continue
        nxt = CASCADE.get(here)
        if nxt is None:
            plan.refusal = UsageError(
                f"ticket {ticket.id} is already in {desk.short(ticket.group_id)}, the last step of the cascade",
                f"to send it back: govpress-support ticket return {ticket.id} --reason TEXT",
            )
            continue
        if nxt not in desk.groups:
            plan.refusal = UsageError(
                f"no group {desk.settings.groups.by_alias()[nxt]!r} in this Zendesk", "check [groups] in the config"
            )
            continue
        target = desk.groups[nxt]
        if ticket.assignee_id is not None and target.id not in members:
            members[target.id] = desk.members(target)
        _plan_move(desk, plan, target, members=members.get(target.id))
        if plan.refusal is None and note:
            plan.note = note
    batch = Batch("cascade", plans)
    _check_cards(trello, desk, batch)
    return batch


def prepare_return(zendesk: ZendeskClient, settings: Settings, ids: Sequence[int], *, reason: str) -> Batch:
    """Send tickets back to triage, unassigned, with the reason as an internal note."""
    note = clean_note(reason, "reason")
    tickets, _ = read_tickets(zendesk, ids)
    desk = Desk.load(zendesk, settings)
    triage = desk.groups.get("triage")
    if triage is None:
        triage = desk.resolve("triage")
    plans = new_plans(tickets)
    for plan in still_open(plans):
        _plan_move(desk, plan, triage, members=None, unassign=True)
        if plan.changes:
            plan.note = note
        else:
            plan.unchanged = f"already in {triage.name}, unassigned"
    return Batch("return", plans)
