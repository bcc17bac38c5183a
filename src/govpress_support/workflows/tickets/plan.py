"""The moves a support engineer makes on a ticket: show, note, triage, move (cascade, return),
status and assign, following the support process.

Each change is planned from a fresh read of the tickets (one show_many per 100), so the plan can
be shown and confirmed before anything is written, and so a second run finds nothing to do: a
ticket already in the group, with the status, or with the same latest note is left alone.
`apply` writes the plans through `ticket_writes.Writer` (the collision guard, bulk jobs, and
read-back after a lost answer).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from govpress_support.core.cardlinks import index_by_ticket
from govpress_support.core.config import Settings
from govpress_support.core.errors import GovPressError, NotFoundError, UsageError
from govpress_support.core.groups import ALIASES, CASCADE, alias_of, group_name
from govpress_support.core.models import (
    PRIORITIES,
    TICKET_TYPES,
    Card,
    Comment,
    CustomStatus,
    Group,
    Organization,
    Ticket,
    User,
)
from govpress_support.core.sla import TicketSla, ticket_sla
from govpress_support.core.timeutil import parse_duration
from govpress_support.services.connect import Clients
from govpress_support.workflows.tickets.write import Names, TicketPlan, TicketResult, Writer, closed_error, planned

CARD_GROUPS = ("2nd", "scoping")  # the process wants a Trello card for tickets in these
STATUS_CHOICES = ("open", "pending", "on-hold", "believed-solved", "solved")
_STATUS_SYNONYMS = {
    "open": "open",
    "pending": "pending",
    "on-hold": "on-hold",
    "hold": "on-hold",
    "onhold": "on-hold",
    "on_hold": "on-hold",
    "believed-solved": "believed-solved",
    "believed_solved": "believed-solved",
    "pending-believed-solved": "believed-solved",
    "solved": "solved",
}
_TICKET_REF = re.compile(r"^(?:#?(\d+)|.*/tickets/(\d+)(?:[/?#].*)?)$")


# --- input ---------------------------------------------------------------------------------------


def parse_ticket_id(value: str) -> int:
    """`4012`, `#4012`, or a ticket's agent or API URL."""
    match = _TICKET_REF.match(value.strip())
    if not match:
        raise UsageError(f"{value!r} is not a ticket id", "give the number, e.g. 4012 or #4012, or the ticket's URL")
    return int(match.group(1) or match.group(2))


def parse_ticket_ids(values: Iterable[str]) -> list[int]:
    ids = list(dict.fromkeys(parse_ticket_id(v) for v in values))
    if not ids:
        raise UsageError("no ticket id given", "e.g. govpress-support ticket show 4012")
    return ids


def looks_like_ticket(value: str) -> bool:
    return bool(_TICKET_REF.match(value.strip()))


def parse_priority(value: str) -> str:
    key = value.strip().lower()
    if key not in PRIORITIES:
        raise UsageError(f"unknown priority {value!r}", f"use one of: {', '.join(PRIORITIES)}")
    return key


def parse_type(value: str) -> str:
    key = value.strip().lower()
    if key not in TICKET_TYPES:
        raise UsageError(f"unknown ticket type {value!r}", f"use one of: {', '.join(TICKET_TYPES)}")
    return key


def parse_status(value: str) -> str:
    key = _STATUS_SYNONYMS.get(value.strip().lower().replace(" ", "-"))
    if key is None:
        raise UsageError(f"unknown status {value!r}", f"use one of: {', '.join(STATUS_CHOICES)}")
    return key


def clean_note(text: str | None, what: str = "note") -> str:
    """The text of a note, or a usage error when there is none: nothing is sent."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise UsageError(f"empty {what}: nothing was sent", "write some text, or pass it as an argument")
    return cleaned


# --- reading ---------------------------------------------------------------------------------------


def read_tickets(clients: Clients, ids: Sequence[int]) -> list[Ticket]:
    """The tickets, in the order asked, from one show_many per 100; every id must exist."""
    found = {t.id: t for t in clients.zendesk.tickets(ids, sideload=()).tickets}
    missing = [i for i in ids if i not in found]
    if missing:
        listed = ", ".join(f"#{i}" for i in missing)
        raise NotFoundError(
            f"ticket{'s' if len(missing) > 1 else ''} {listed} not found",
            "check the number; tickets you cannot see count as missing",
        )
    return [found[i] for i in ids]


@dataclass
class Desk:
    """The groups by alias, and names for messages."""

    settings: Settings
    groups: dict[str, Group]  # alias -> group, for the aliases this account has
    names: Names

    @classmethod
    def load(cls, clients: Clients) -> Desk:
        zendesk = clients.zendesk
        by_alias: dict[str, Group] = {}
        for group in zendesk.groups():
            alias = alias_of(clients.settings.groups, group)
            if alias is not None:
                by_alias[alias] = group
        return cls(clients.settings, by_alias, Names(zendesk))

    def alias(self, group_id: int | None) -> str | None:
        for alias, group in self.groups.items():
            if group.id == group_id:
                return alias
        return None

    def resolve(self, clients: Clients, value: str) -> Group:
        """A group by alias (triage, 1st, 2nd, scoping), name or id."""
        key = group_name(self.settings.groups, value)
        for group in self.groups.values():
            if group.name.casefold() == key.casefold() or str(group.id) == key:
                return group
        try:
            return clients.zendesk.group(key)
        except UsageError as exc:
            raise UsageError(exc.message, f"use one of: {', '.join(ALIASES)}, or a group's name or id") from None

    def short(self, group_id: int | None) -> str:
        return self.names.group(group_id)


# --- the batch of plans a command makes ------------------------------------------------------------


@dataclass
class Batch:
    """Plans for every ticket named, and what to say once about them."""

    action: str
    plans: list[TicketPlan]
    notices: list[str] = field(default_factory=list)
    missing_cards: list[int] = field(default_factory=list)  # moved into 2nd line or scoping, no card
    card_check: str | None = None  # why cards could not be checked
    question: str | None = None  # a confirmation question other than the usual

    @property
    def single(self) -> bool:
        return len(self.plans) == 1

    @property
    def to_write(self) -> list[TicketPlan]:
        return [p for p in self.plans if p.to_write]

    def dry_run(self) -> list[TicketResult]:
        return [planned(p) for p in self.plans]


def apply(
    clients: Clients,
    batch: Batch,
    *,
    on_progress: Callable[[int], None] | None = None,
    poll_interval: float | None = None,
) -> list[TicketResult]:
    """Write the batch: one ticket with the collision guard (raises on conflict or failure),
    several through update_many with a result for each."""
    desk_names = Names(clients.zendesk)
    writer = Writer(clients.zendesk, desk_names, poll_interval=poll_interval)
    todo = batch.to_write
    if batch.single and todo:
        return [writer.write_one(todo[0])]
    written = {r.ticket_id: r for r in writer.write_many(todo, on_progress)} if todo else {}
    return [written.get(p.ticket.id) or planned(p) for p in batch.plans]


def exit_partial(results: Sequence[TicketResult]) -> bool:
    return any(not r.outcome.ok for r in results)


def _plans(tickets: Sequence[Ticket]) -> list[TicketPlan]:
    """A plan per ticket; closed tickets are refused up front (Zendesk will not update them)."""
    plans = [TicketPlan(ticket) for ticket in tickets]
    for plan in plans:
        if plan.ticket.status == "closed":
            plan.refusal = closed_error(plan.ticket.id)
    return plans


def _open(plans: Sequence[TicketPlan]) -> Iterator[TicketPlan]:
    """The plans still to work out: not refused."""
    return (plan for plan in plans if plan.refusal is None)


# --- note ----------------------------------------------------------------------------------------------


def prepare_note(
    clients: Clients, ids: Sequence[int], text: str, *, on_progress: Callable[[str], None] | None = None
) -> Batch:
    """An internal note on each ticket, unless its latest comment is already that note by you.

    Reads each ticket's comments (one request a ticket) to look before writing."""
    note = clean_note(text)
    tickets = read_tickets(clients, ids)
    me = clients.zendesk.me()
    plans = _plans(tickets)
    for done, plan in enumerate(_open(plans), start=1):
        ticket = plan.ticket
        if on_progress is not None and len(tickets) > 1:
            on_progress(f"reading the threads… {done} of {len(tickets)}")
        comments = clients.zendesk.comments(ticket.id)
        if comments and _same_note(comments[-1], note, me.id):
            plan.unchanged = "its latest comment is already this note by you"
            continue
        plan.note = note
    return Batch("note", plans)


def _same_note(comment: Comment, note: str, me_id: int) -> bool:
    return (
        comment.author_id == me_id and not comment.public and " ".join(comment.body.split()) == " ".join(note.split())
    )


# --- groups: triage, move, cascade, return -----------------------------------------------------------


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


def _members(clients: Clients, group: Group) -> set[int]:
    return {m.user_id for m in clients.zendesk.group_memberships(group.id)}


def _check_cards(clients: Clients, desk: Desk, batch: Batch) -> None:
    """Warn about tickets moving into 2nd line or scoping with no Trello card (one request)."""
    card_groups = {desk.groups[a].id for a in CARD_GROUPS if a in desk.groups}
    moving = [p for p in batch.plans if p.to_write and p.changes.get("group_id") in card_groups]
    if not moving:
        return
    trello = clients.trello_or_none
    if trello is None:
        batch.card_check = "no Trello credentials, so the Trello card could not be checked"
        return
    try:
        cards = index_by_ticket(trello.cards(clients.settings.trello.backlog_board))
    except GovPressError as exc:
        batch.card_check = f"Trello cards could not be checked: {exc.one_line()}"
        return
    for plan in moving:
        if plan.ticket.id not in cards:
            batch.missing_cards.append(plan.ticket.id)
            plan.warnings.append("no Trello card on the backlog board (2nd line and scoping tickets need one)")


def prepare_triage(
    clients: Clients,
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
    tickets = read_tickets(clients, ids)
    desk = Desk.load(clients)
    target = None
    if to is not None:
        target = desk.resolve(clients, to)
        if desk.alias(target.id) == "triage":
            raise UsageError("--to triage does not move anything out of triage", "use --to 1st, 2nd or scoping")
    members = _members(clients, target) if target is not None and any(t.assignee_id for t in tickets) else None
    plans = _plans(tickets)
    for plan in _open(plans):
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
    _check_cards(clients, desk, batch)
    return batch


def prepare_move(clients: Clients, ids: Sequence[int], *, to: str, reason: str) -> Batch:
    """Move tickets to a group with the reason as an internal note."""
    note = clean_note(reason, "reason")
    tickets = read_tickets(clients, ids)
    desk = Desk.load(clients)
    target = desk.resolve(clients, to)
    members = _members(clients, target) if any(t.assignee_id for t in tickets) else None
    plans = _plans(tickets)
    for plan in _open(plans):
        _plan_move(desk, plan, target, members=members)
        if plan.refusal is None and "group_id" not in plan.changes:
            plan.changes.clear()
            plan.summary.clear()
            plan.unchanged = f"already in {target.name}"
        elif plan.refusal is None:
            plan.note = note
    batch = Batch("move", plans)
    _check_cards(clients, desk, batch)
    return batch


def prepare_cascade(clients: Clients, ids: Sequence[int], *, reason: str | None) -> Batch:
    """Move each ticket one step down: triage → 1st → 2nd → scoping."""
    note = clean_note(reason, "reason") if reason is not None else None
    tickets = read_tickets(clients, ids)
    desk = Desk.load(clients)
    plans = _plans(tickets)
    members: dict[int, set[int]] = {}
    for plan in _open(plans):
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
            members[target.id] = _members(clients, target)
        _plan_move(desk, plan, target, members=members.get(target.id))
        if plan.refusal is None and note:
            plan.note = note
    batch = Batch("cascade", plans)
    _check_cards(clients, desk, batch)
    return batch


def prepare_return(clients: Clients, ids: Sequence[int], *, reason: str) -> Batch:
    """Send tickets back to triage, unassigned, with the reason as an internal note."""
    note = clean_note(reason, "reason")
    tickets = read_tickets(clients, ids)
    desk = Desk.load(clients)
    triage = desk.groups.get("triage")
    if triage is None:
        triage = desk.resolve(clients, "triage")
    plans = _plans(tickets)
    for plan in _open(plans):
        _plan_move(desk, plan, triage, members=None, unassign=True)
        if plan.changes:
            plan.note = note
        else:
            plan.unchanged = f"already in {triage.name}, unassigned"
    return Batch("return", plans)


# --- status ------------------------------------------------------------------------------------------------


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


def prepare_status(clients: Clients, ids: Sequence[int], status: str, *, reason: str | None) -> Batch:
    """Set a status the team's way: on-hold needs a reason, believed-solved is the custom status
    (or pending plus a tag where the account has none), solved is discouraged."""
    choice = parse_status(status)
    if choice == "on-hold" and not (reason or "").strip():
        raise UsageError(
            "on-hold needs --reason: the process asks for the blocker as an internal note",
            'e.g. --reason "Waiting for the client\'s DNS change"',
        )
    note = clean_note(reason, "reason") if reason is not None else None
    tickets = read_tickets(clients, ids)
    zs = clients.settings.zendesk
    names = Names(clients.zendesk)
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
        api = "hold" if choice == "on-hold" else choice
        default = _default_status(statuses, api)
        changes = {"custom_status_id": default.id} if default is not None else {"status": api}
        target_label = default.agent_label if default is not None else choice.capitalize()
        if choice == "solved":
            batch.notices.append(
                "the team marks work done with `believed-solved` (Pending believed solved): "
                "a client's reply reopens a solved ticket"
            )
            batch.question = (
                "Mark {what} Solved? A client's reply (even a thank-you) reopens solved tickets; "
                "the team uses `believed-solved` instead."
            )

    batch.plans.extend(_plans(tickets))
    for plan in _open(batch.plans):
        ticket = plan.ticket
        for key, value in changes.items():
            if not _has(ticket, key, value):
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


def _has(ticket: Ticket, key: str, value: Any) -> bool:
    if key == "additional_tags":
        return all(t in ticket.tags for t in value)
    if key == "custom_status_id" and ticket.custom_status_id is None:
        return False
    return bool(getattr(ticket, key, None) == value)


# --- assign -------------------------------------------------------------------------------------------


def resolve_agent(clients: Clients, who: str) -> User | None:
    """`me`, `none` (unassign), or an agent's email."""
    key = who.strip().lower()
    if key == "me":
        return clients.zendesk.me()
    if key in ("none", "nobody"):
        return None
    if "@" not in key:
        raise UsageError(f"{who!r} is not me, none or an email", "e.g. govpress-support ticket assign 4012 me")
    user = clients.zendesk.user_by_email(who)
    if user is None or not user.is_agent:
        raise UsageError(f"no Zendesk agent with email {who}", "check the address, or use me")
    return user


def prepare_assign(clients: Clients, ids: Sequence[int], who: str) -> Batch:
    """Assign tickets to you or an agent (who must be in the ticket's group), or unassign."""
    tickets = read_tickets(clients, ids)
    user = resolve_agent(clients, who)
    desk = Desk.load(clients)
    member_of: set[int] = set()
    me_id = clients.zendesk.me().id if user is not None else None
    if user is not None:
        desk.names.learn(user.id, user.name or user.email or f"user {user.id}")
        member_of = {m.group_id for m in clients.zendesk.user_memberships(user.id)}
    plans = _plans(tickets)
    for plan in _open(plans):
        ticket = plan.ticket
        wanted = user.id if user is not None else None
        if ticket.assignee_id == wanted:
            plan.unchanged = f"already assigned to {desk.names.user(wanted)}" if wanted else "already unassigned"
            continue
        if user is not None and ticket.group_id is not None and ticket.group_id not in member_of:
            who_is = "you are" if user.id == me_id else f"{user.name or user.email} is"
            plan.refusal = UsageError(
                f"{who_is} not a member of {desk.short(ticket.group_id)}, so Zendesk will not assign "
                f"ticket {ticket.id} to {'you' if user.id == me_id else 'them'}",
                f"move the ticket to their group first: govpress-support ticket move {ticket.id} --to GROUP "
                "--reason TEXT",
            )
            continue
        plan.changes["assignee_id"] = wanted
        plan.summary.append(f"assignee: {desk.names.user(ticket.assignee_id)} → {desk.names.user(wanted)}")
    return Batch("assign", plans)


# --- show ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThreadComment:
    comment: Comment
    author: User | None


@dataclass(frozen=True)
class TicketDetail:
    ticket: Ticket
    status_label: str
    group: str | None
    requester: User | None
    assignee: User | None
    organization: Organization | None
    sla: TicketSla
    comments: tuple[ThreadComment, ...]
    card: Card | None
    trello_checked: bool

    def to_record(self, now: datetime) -> dict[str, Any]:
        t = self.ticket
        return {
            "id": t.id,
            "url": t.agent_url,
            "subject": t.subject,
            "status": t.status,
            "status_label": self.status_label,
            "custom_status_id": t.custom_status_id,
            "priority": t.priority,
            "type": t.type,
            "group_id": t.group_id,
            "group": self.group,
            "requester_id": t.requester_id,
            "requester_name": self.requester.name if self.requester else None,
            "requester_email": self.requester.email if self.requester else None,
            "organization_id": t.organization_id,
            "organization": self.organization.name if self.organization else None,
            "assignee_id": t.assignee_id,
            "assignee_name": self.assignee.name if self.assignee else None,
            "assignee_email": self.assignee.email if self.assignee else None,
            "sla_metric": self.sla.metric,
            "sla_stage": self.sla.stage,
            "sla_breach_at": self.sla.breach_at,
            "sla_breached": self.sla.breached,
            "sla_urgency": self.sla.urgency.name.lower(),
            "sla_metrics": [
                {
                    "metric": m.metric,
                    "stage": m.stage,
                    "breach_at": m.breach_at,
                    "breached": m.stage in ("active", "breached") and m.breach_at is not None and m.breach_at <= now,
                }
                for m in t.sla_metrics or ()
            ],
            "due_at": t.due_at,
            "tags": list(t.tags),
            "created_at": t.created_at,
            "updated_at": t.updated_at,
            "trello_card_url": self.card.short_url if self.card else None,
            "trello_card": "linked" if self.card else ("missing" if self.trello_checked else "unknown"),
            "comments": [
                {
                    "id": c.comment.id,
                    "author_id": c.comment.author_id,
                    "author_name": c.author.name if c.author else None,
                    "public": c.comment.public,
                    "internal": not c.comment.public,
                    "created_at": c.comment.created_at,
                    "body": c.comment.body,
                }
                for c in self.comments
            ],
        }


@dataclass(frozen=True)
class ShowResult:
    details: list[TicketDetail]
    now: datetime
    warning_threshold: timedelta
    trello_reason: str | None

    def records(self) -> list[dict[str, Any]]:
        return [d.to_record(self.now) for d in self.details]


def fetch_details(
    clients: Clients, ids: Sequence[int], *, now: datetime, on_progress: Callable[[str], None] | None = None
) -> ShowResult:
    """Tickets with requester, organisation, assignee and SLAs (one show_many), their comment
    threads (one request a ticket) with authors, custom status labels (cached), group names
    (cached) and the linked Trello cards (one request, with Trello credentials)."""
    zendesk = clients.zendesk
    found = zendesk.tickets(ids)
    by_id = {t.id: t for t in found.tickets}
    missing = [i for i in ids if i not in by_id]
    if missing:
        listed = ", ".join(f"#{i}" for i in missing)
        raise NotFoundError(f"ticket{'s' if len(missing) > 1 else ''} {listed} not found", "check the number")
    tickets = [by_id[i] for i in ids]
    threads: dict[int, list[Comment]] = {}
    for ticket in tickets:
        if on_progress:
            on_progress(f"reading the thread of #{ticket.id}…")
        threads[ticket.id] = zendesk.comments(ticket.id)
    users = dict(found.users)
    authors = {c.author_id for cs in threads.values() for c in cs if c.author_id is not None} - set(users)
    if authors:
        users.update(zendesk.users(authors))
    names = Names(zendesk)
    cards, trello_checked, trello_reason = _linked_cards(clients)
    fallback_tag = clients.settings.zendesk.believed_solved_tag

    def label(t: Ticket) -> str:
        # The believed-solved fallback (pending plus a tag) reads as what it means.
        text = names.status(t)
        return f"{text} (believed solved)" if t.status == "pending" and fallback_tag in t.tags else text

    details = [
        TicketDetail(
            ticket=t,
            status_label=label(t),
            group=names.group(t.group_id) if t.group_id is not None else None,
            requester=users.get(t.requester_id) if t.requester_id else None,
            assignee=users.get(t.assignee_id) if t.assignee_id else None,
            organization=found.organizations.get(t.organization_id) if t.organization_id else None,
            sla=ticket_sla(t.sla_metrics, now),
            comments=tuple(ThreadComment(c, users.get(c.author_id) if c.author_id else None) for c in threads[t.id]),
            card=cards.get(t.id),
            trello_checked=trello_checked,
        )
        for t in tickets
    ]
    return ShowResult(details, now, parse_duration(clients.settings.queue.sla_warning), trello_reason)


def _linked_cards(clients: Clients) -> tuple[dict[int, Card], bool, str | None]:
    trello = clients.trello_or_none
    if trello is None:
        return {}, False, "no Trello credentials: run `govpress-support auth login trello` to see the linked card"
    try:
        return index_by_ticket(trello.cards(clients.settings.trello.backlog_board)), True, None
    except GovPressError as exc:
        return {}, False, f"Trello cards unavailable: {exc.one_line()}"
