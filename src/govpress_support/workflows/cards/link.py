"""A Trello card for a Zendesk ticket, linked both ways: what to do, worked out before anything
is written (`apply.py` does it).

The card links the ticket by an attachment to the ticket's agent URL (and by its `#<id>` name);
the ticket links the card by an internal note with the card's short URL, a tag, and (when one is
configured) a custom field holding the URL (`text.py`). The Zendesk half is one ticket update
with the collision guard.

Safe to run twice: before writing, the board's open cards are read (one request, never Trello
search, whose index lags) with `cardlinks.index_by_ticket`, the lookup the queue uses too, and
the ticket's notes are read for an existing card. A card is reused, a note never repeated; a card
made by a run whose Zendesk update failed is found and completed by the next run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from govpress_support.core.cardlinks import tickets_in_attachments
from govpress_support.core.config import Settings, ZendeskSettings
from govpress_support.core.errors import AuthError, GovPressError, NotFoundError, UsageError
from govpress_support.core.groups import needs_card
from govpress_support.core.models import Board, Card, Label, Member, Ticket, TrelloList
from govpress_support.core.sla import TicketSla, ticket_sla
from govpress_support.core.statuses import believed_solved
from govpress_support.services.trello import TrelloClient
from govpress_support.services.zendesk import ZendeskClient
from govpress_support.workflows.agents import same_person
from govpress_support.workflows.cards.boards import find_board, find_labels, find_list
from govpress_support.workflows.cards.find import cards_by_ticket
from govpress_support.workflows.cards.text import MARKER, card_in_notes, has_tag, ticket_lacks
from govpress_support.workflows.queue import QueueOptions, fetch_queue

JOIN_HINT = "run again with --join to join it; `govpress-support start-rotation` joins both rota boards"


# --- where the cards go -----------------------------------------------------------------------


@dataclass(frozen=True)
class Destination:
    board: Board
    list: TrelloList
    lists: tuple[TrelloList, ...]
    labels: tuple[Label, ...]
    me: Member
    membership: str | None  # "me" on the board: normal, admin, observer (read only) or None

    @property
    def member(self) -> bool:
        """Whether "me" may add cards: a normal member or an admin."""
        return self.membership in ("normal", "admin")

    def list_name(self, list_id: str) -> str | None:
        return next((lst.name for lst in self.lists if lst.id == list_id), None)


def resolve_destination(
    trello: TrelloClient,
    settings: Settings,
    *,
    board: str | None = None,
    list_name: str | None = None,
    labels: Sequence[str] = (),
) -> Destination:
    """Check the board, list and labels before anything is written (each a clear error)."""
    found = find_board(trello, settings.trello, board or settings.trello.backlog_board)
    lists = tuple(trello.lists(found.id))
    target = find_list(lists, list_name or settings.trello.backlog_list, found)
    chosen = find_labels(trello.labels(found.id), labels, found) if labels else ()
    me = trello.me()
    membership = next((m.member_type for m in trello.board_members(found.id) if m.member_id == me.id), None)
    return Destination(found, target, lists, chosen, me, membership)


# --- the plan ---------------------------------------------------------------------------------


class Action(Enum):
    CREATE = "create"  # no card links the ticket: make one, then link the ticket
    LINK = "link"  # a card exists; one side of the link is missing
    LINKED = "linked"  # nothing to do


@dataclass(frozen=True)
class CardStep:
    ticket: Ticket
    organization: str | None
    sla: TicketSla
    card: Card | None
    attach: bool = False  # the existing card lacks the ticket's URL
    zendesk: tuple[str, ...] = ()  # what the ticket lacks: note, tag, field
    warning: str | None = None

    @property
    def action(self) -> Action:
        if self.card is None:
            return Action.CREATE
        return Action.LINK if self.attach or self.zendesk else Action.LINKED

    @property
    def writes_trello(self) -> bool:
        return self.card is None or self.attach

    def describe(self, destination: Destination) -> str:
        ticket_part = f"add {_ticket_parts(self.zendesk)} to the ticket" if self.zendesk else ""
        if self.card is None:
            return f"make a card in {destination.list.name!r}" + (f", {ticket_part}" if ticket_part else "")
        parts = (["attach the ticket's URL to the card"] if self.attach else []) + (
            [ticket_part] if ticket_part else []
        )
        if not parts:
            return f"already linked: {self.card.short_url}"
        return f"link card {self.card.short_url}: " + " and ".join(parts)


def _ticket_parts(lacks: Sequence[str]) -> str:
    words = {"note": "a note with the card's URL", "tag": "the tag", "field": "the card field"}
    named = [words.get(part, part) for part in lacks]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


@dataclass(frozen=True)
class CardPlan:
    destination: Destination
    steps: list[CardStep]
    join: bool = False  # --join: join the board first if that is needed
    skipped: int = 0  # queue tickets left out of --missing (they have a card)
    group: str | None = None  # --missing: the group it looked at
    believed_solved: int = 0  # --missing: tickets without a card left out as "Pending believed solved"

    @property
    def needs_membership(self) -> bool:
        """Some step writes to a board that "me" is not a member of."""
        return not self.destination.member and any(s.writes_trello for s in self.steps)

    @property
    def joins(self) -> bool:
        return self.join and self.needs_membership

    def membership_error(self) -> AuthError | None:
        """Why the plan cannot be carried out as it stands (not a member, no --join)."""
        if not self.needs_membership or self.join:
            return None
        d = self.destination
        what = "only an observer on" if d.membership == "observer" else "not a member of"
        return AuthError(
            f"you ({d.me.username or d.me.full_name}) are {what} Trello board "
            f"{d.board.name!r} ({d.board.short_link}), so cannot add cards to it",
            JOIN_HINT,
        )

    @property
    def work(self) -> list[CardStep]:
        return [s for s in self.steps if s.action is not Action.LINKED]

    @property
    def creates(self) -> int:
        return sum(1 for s in self.steps if s.action is Action.CREATE)

    @property
    def links(self) -> int:
        return sum(1 for s in self.steps if s.action is Action.LINK)


def has_note(zendesk: ZendeskClient, ticket_id: int, card: Card) -> bool:
    """Whether the ticket has a comment naming the card (read from its notes: one request)."""
    return card_in_notes(zendesk.comments(ticket_id), card)


def _step(
    zendesk: ZendeskClient,
    settings: ZendeskSettings,
    ticket: Ticket,
    card: Card | None,
    *,
    organization: str | None,
    sla: TicketSla,
    warning: str | None = None,
) -> CardStep:
    """One ticket's step; reads the ticket's notes only when a card exists already."""
    noted = card is not None and has_note(zendesk, ticket.id, card)
    return CardStep(
        ticket=ticket,
        organization=organization,
        sla=sla,
        card=card,
        attach=card is not None and ticket.id not in tickets_in_attachments(card),
        zendesk=ticket_lacks(ticket, card, settings, has_note=noted),
        warning=warning,
    )


def plan_tickets(
    zendesk: ZendeskClient,
    trello: TrelloClient,
    settings: Settings,
    destination: Destination,
    ticket_ids: Sequence[int],
    *,
    now: datetime,
    force: bool = False,
    join: bool = False,
) -> CardPlan:
    """The plan for named tickets. Checks every ticket before anything is written: unknown,
    closed, or (without `force`) outside 2nd line and scoping is an error for the whole run."""
    same_person(zendesk.me(), destination.me)  # cards and notes made as one person
    found = zendesk.tickets(ticket_ids, sideload=("organizations", "slas"))
    by_id = {t.id: t for t in found.tickets}
    unknown = [i for i in dict.fromkeys(ticket_ids) if i not in by_id]
    if unknown:
        listed = ", ".join(str(i) for i in unknown)
        raise NotFoundError(
            f"{'ticket' if len(unknown) == 1 else 'tickets'} {listed} not found",
            "check the number, and that your Zendesk account can see it",
        )
    closed = [t.id for t in by_id.values() if t.status == "closed"]
    if closed:
        raise UsageError(
            f"ticket {', '.join(map(str, closed))} is closed, and Zendesk allows no changes to closed tickets",
            "open a follow-up ticket and make the card for that",
        )
    groups = {g.id: g for g in zendesk.groups()}
    warnings: dict[int, str] = {}
    for ticket in by_id.values():
        group = groups.get(ticket.group_id) if ticket.group_id is not None else None
        if not needs_card(settings.groups, group):
            where = f"in {group.name!r}" if group else "in no group"
            warnings[ticket.id] = (
                f"ticket {ticket.id} is {where}: the process puts Trello cards on 2nd line and scoping tickets"
            )
    if warnings and not force:
        first = next(iter(warnings.values()))
        more = f" (and {len(warnings) - 1} more)" if len(warnings) > 1 else ""
        raise UsageError(f"{first}{more}", "move it to 2nd line or scoping first, or pass --force to go on")

    cards = cards_by_ticket(trello, destination.board.id)
    steps: list[CardStep] = []
    for ticket_id in dict.fromkeys(ticket_ids):
        ticket = by_id[ticket_id]
        org = found.organizations.get(ticket.organization_id) if ticket.organization_id else None
        steps.append(
            _step(
                zendesk,
                settings.zendesk,
                ticket,
                cards.get(ticket.id),
                organization=org.name if org else None,
                sla=ticket_sla(ticket.sla_metrics, now),
                warning=warnings.get(ticket.id),
            )
        )
    return CardPlan(destination, steps, join=join)


def plan_missing(
    zendesk: ZendeskClient,
    trello: TrelloClient,
    settings: Settings,
    destination: Destination,
    *,
    now: datetime,
    join: bool = False,
    include_believed_solved: bool = False,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> CardPlan:
    """Every ticket in the 2nd line queue without a card on the board; and any card this tool
    made whose ticket never got its half of the link (a run that failed half-way). Tickets
    "Pending believed solved" are about to solve themselves: left out unless
    `include_believed_solved`."""
    same_person(zendesk.me(), destination.me)  # cards and notes made as one person
    queue = fetch_queue(
        zendesk, trello, settings, QueueOptions(group="2nd"), now=now, on_progress=on_progress, count_suspended=False
    )
    backlog = trello.board(settings.trello.backlog_board)
    if queue.trello.checked and backlog.id == destination.board.id:
        cards = {row.ticket.id: row.card for row in queue.rows if row.card is not None}
    else:
        cards = cards_by_ticket(trello, destination.board.id)
    tag = settings.zendesk.trello_card_tag.strip()
    zs = settings.zendesk

    def todo(ticket: Ticket, status_label: str) -> bool | None:
        """Whether the ticket needs work (True), has its card (False), or is left out as
        believed solved (None)."""
        card = cards.get(ticket.id)
        if card is not None:
            return MARKER in card.desc and tag != "" and not has_tag(ticket, tag)  # a run failed half-way
        status = zs.believed_solved_status
        if not include_believed_solved and believed_solved(
            ticket, status_label, status_name=status, fallback_tag=zs.believed_solved_tag
        ):
            return None
        return True

    # The search index lags behind writes: confirm what it says needs work by reading those
    # tickets (one show_many per 100), so a re-run right after a run finds nothing to do.
    asked = {row.ticket.id for row in queue.rows if todo(row.ticket, row.status_label)}
    fresh = {t.id: t for t in zendesk.tickets(sorted(asked), sideload=()).tickets}
    steps: list[CardStep] = []
    skipped = believed = 0
    for row in queue.rows:
        ticket = fresh.get(row.ticket.id) if row.ticket.id in asked else row.ticket
        if ticket is None:
            continue  # gone since the search saw it
        verdict = todo(ticket, row.status_label)
        if verdict is None:
            believed += 1
            continue
        if not verdict:
            skipped += 1
            continue
        if ticket.group_id != row.ticket.group_id or not ticket.unsolved:
            continue  # moved on since the search saw it: not this group's to link now
        card = cards.get(ticket.id)
        step = _step(
            zendesk,
            settings.zendesk,
            ticket,
            card,
            organization=row.organization.name if row.organization else None,
            sla=row.sla,
        )
        if step.action is Action.LINKED:
            skipped += 1
        else:
            steps.append(step)
    return CardPlan(destination, steps, join=join, skipped=skipped, group=queue.group, believed_solved=believed)


# --- what became of each ticket ----------------------------------------------------------------


class CardOutcome(Enum):
    CREATED = "created"
    LINKED = "linked"  # an existing card, link completed
    ALREADY_LINKED = "already_linked"
    WOULD_CREATE = "would_create"
    WOULD_LINK = "would_link"
    FAILED = "failed"


@dataclass(frozen=True)
class CardStepResult:
    step: CardStep
    outcome: CardOutcome
    card: Card | None
    done: tuple[str, ...] = ()  # card, attachment, note, tag, field
    error: GovPressError | None = None
    warning: str | None = None

    @property
    def half_done(self) -> bool:
        """A card exists for the ticket but the run failed before the link was whole."""
        return self.outcome is CardOutcome.FAILED and self.card is not None

    def to_record(self, destination: Destination) -> dict[str, Any]:
        ticket, card = self.step.ticket, self.card
        return {
            "ticket_id": ticket.id,
            "ticket_url": ticket.agent_url,
            "subject": ticket.subject,
            "action": self.outcome.value,
            "card_id": card.id if card else None,
            "card_short_link": card.short_link if card else None,
            "card_url": card.short_url if card else None,
            "card_name": card.name if card else None,
            "board": destination.board.name,
            "list": destination.list_name(card.list_id) if card else destination.list.name,
            "changes": list(self.done),
            "error": self.error.one_line() if self.error else None,
        }


def preview(plan: CardPlan) -> list[CardStepResult]:
    """What a run would do, as results (for --dry-run)."""
    out: list[CardStepResult] = []
    for step in plan.steps:
        wanted = (["card", "attachment"] if step.card is None else (["attachment"] if step.attach else [])) + list(
            step.zendesk
        )
        outcome = {
            Action.CREATE: CardOutcome.WOULD_CREATE,
            Action.LINK: CardOutcome.WOULD_LINK,
            Action.LINKED: CardOutcome.ALREADY_LINKED,
        }[step.action]
        out.append(CardStepResult(step, outcome, step.card, tuple(wanted)))
    return out
