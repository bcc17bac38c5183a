"""The moves a support engineer makes on a ticket, planned before anything is written: what the
commands share (reading the tickets, the groups, the batch of plans and writing it), and the
note and assign changes. Group moves are in `moves.py`, status in `status.py`, show in `show.py`.

Each change is planned from a fresh read of the tickets (one show_many per 100), so the plan can
be shown and confirmed before anything is written, and so a second run finds nothing to do: a
ticket already in the group, with the status, or with the same latest note is left alone.
`apply` writes the plans through `write.Writer` (the collision guard, bulk jobs, and read-back
after a lost answer).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from govpress_support.core.comments import clean_note, is_note
from govpress_support.core.config import Settings
from govpress_support.core.errors import NotFoundError, UsageError
from govpress_support.core.groups import ALIASES, alias_of, group_name
from govpress_support.core.models import PRIORITIES, TICKET_TYPES, Group, Ticket
from govpress_support.services.parallel import SideBySide
from govpress_support.services.zendesk import TicketSet, ZendeskClient
from govpress_support.workflows.agents import resolve_agent
from govpress_support.workflows.tickets.names import Names
from govpress_support.workflows.tickets.write import TicketPlan, TicketResult, Writer, closed_error, planned

# --- input ---------------------------------------------------------------------------------------


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


# --- reading ---------------------------------------------------------------------------------------


def read_tickets(
    zendesk: ZendeskClient, ids: Sequence[int], *, sideload: Sequence[str] = ()
) -> tuple[list[Ticket], TicketSet]:
    """The tickets, in the order asked, from one show_many per 100 (and what was sideloaded);
    every id must exist."""
    found = zendesk.tickets(ids, sideload=sideload)
    by_id = {t.id: t for t in found.tickets}
    missing = [i for i in ids if i not in by_id]
    if missing:
        listed = ", ".join(f"#{i}" for i in missing)
        raise NotFoundError(
            f"ticket{'s' if len(missing) > 1 else ''} {listed} not found",
            "check the number; tickets you cannot see count as missing",
        )
    return [by_id[i] for i in ids], found


@dataclass
class Desk:
    """The groups by alias, and names for messages."""

    zendesk: ZendeskClient
    settings: Settings
    groups: dict[str, Group]  # alias -> group, for the aliases this account has
    names: Names

    @classmethod
    def load(cls, zendesk: ZendeskClient, settings: Settings) -> Desk:
        by_alias: dict[str, Group] = {}
        for group in zendesk.groups():
            alias = alias_of(settings.groups, group)
            if alias is not None:
                by_alias[alias] = group
        return cls(zendesk, settings, by_alias, Names(zendesk, fallback_tag=settings.zendesk.believed_solved_tag))

    def alias(self, group_id: int | None) -> str | None:
        for alias, group in self.groups.items():
            if group.id == group_id:
                return alias
        return None

    def resolve(self, value: str) -> Group:
        """A group by alias (triage, 1st, 2nd, scoping), name or id."""
        key = group_name(self.settings.groups, value)
        for group in self.groups.values():
            if group.name.casefold() == key.casefold() or str(group.id) == key:
                return group
        try:
            return self.zendesk.group(key)
        except UsageError as exc:
            raise UsageError(exc.message, f"use one of: {', '.join(ALIASES)}, or a group's name or id") from None

    def short(self, group_id: int | None) -> str:
        return self.names.group(group_id)

    def members(self, group: Group) -> set[int]:
        return {m.user_id for m in self.zendesk.group_memberships(group.id)}


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
    # More writes once these are done (a reply's reason note): (client, results) -> the results.
    follow_up: Callable[[ZendeskClient, list[TicketResult]], list[TicketResult]] | None = None

    @property
    def single(self) -> bool:
        return len(self.plans) == 1

    @property
    def to_write(self) -> list[TicketPlan]:
        return [p for p in self.plans if p.to_write]

    def dry_run(self) -> list[TicketResult]:
        return [planned(p) for p in self.plans]


def apply(
    zendesk: ZendeskClient,
    batch: Batch,
    *,
    on_progress: Callable[[int], None] | None = None,
    poll_interval: float | None = None,
    replan: Callable[[Sequence[int]], Batch] | None = None,
) -> list[TicketResult]:
    """Write the batch: one ticket with the collision guard (raises on conflict or failure),
    several through update_many with a result for each, each result from Zendesk's answer.
    `replan(ids)` plans those tickets again (the command's own planning) when an answer shows the
    cached metadata out of date (see `write.Writer.write`)."""

    def again(ids: Sequence[int]) -> tuple[list[TicketPlan], list[str]]:
        assert replan is not None
        fresh = replan(ids)
        return fresh.plans, fresh.notices

    writer = Writer(zendesk, Names(zendesk), poll_interval=poll_interval, replan=again if replan else None)
    todo = batch.to_write
    written = {r.ticket_id: r for r in writer.write(todo, single=batch.single, on_progress=on_progress)}
    results = [written.get(p.ticket.id) or planned(p) for p in batch.plans]
    return batch.follow_up(zendesk, results) if batch.follow_up is not None else results


def exit_partial(results: Sequence[TicketResult]) -> bool:
    return any(not r.outcome.ok for r in results)


def new_plans(tickets: Sequence[Ticket]) -> list[TicketPlan]:
    """A plan per ticket; closed tickets are refused up front (Zendesk will not update them)."""
    plans = [TicketPlan(ticket) for ticket in tickets]
    for plan in plans:
        if plan.ticket.status == "closed":
            plan.refusal = closed_error(plan.ticket.id)
    return plans


def still_open(plans: Sequence[TicketPlan]) -> Iterator[TicketPlan]:
    """The plans still to work out: not refused."""
    return (plan for plan in plans if plan.refusal is None)


# --- note ----------------------------------------------------------------------------------------------


def prepare_note(
    zendesk: ZendeskClient, ids: Sequence[int], text: str, *, on_progress: Callable[[str], None] | None = None
) -> Batch:
    """An internal note on each ticket, unless its latest comment is already that note by you.

    Reads each ticket's comments (one request a ticket, side by side in a small pool) to look
    before writing."""
    note = clean_note(text)
    with SideBySide(name="note") as pool:
        asked_me = pool.start(zendesk.me)
        tickets, _ = read_tickets(zendesk, ids)
        me = asked_me.result()
        plans = new_plans(tickets)
        open_plans = list(still_open(plans))
        threads = [pool.start(zendesk.comments, plan.ticket.id) for plan in open_plans]
        for done, (plan, thread) in enumerate(zip(open_plans, threads, strict=True), start=1):
            comments = thread.result()
            if on_progress is not None and len(tickets) > 1:
                on_progress(f"reading the threads… {done} of {len(tickets)}")
            if comments and is_note(comments[-1], note, me.id):
                plan.unchanged = "its latest comment is already this note by you"
                continue
            plan.note = note
    return Batch("note", plans)


# --- assign -------------------------------------------------------------------------------------------


def prepare_assign(zendesk: ZendeskClient, settings: Settings, ids: Sequence[int], who: str) -> Batch:
    """Assign tickets to you or an agent (who must be in the ticket's group), or unassign."""
    tickets, _ = read_tickets(zendesk, ids)
    user = resolve_agent(zendesk, who)
    desk = Desk.load(zendesk, settings)
    member_of: set[int] = set()
    me_id = zendesk.me().id if user is not None else None
    if user is not None:
        desk.names.learn(user.id, user.name or user.email or f"user {user.id}")
        member_of = {m.group_id for m in zendesk.user_memberships(user.id)}
    plans = new_plans(tickets)
    for plan in still_open(plans):
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
