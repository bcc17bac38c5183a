"""A Trello card for a Zendesk ticket, linked both ways.

The card links the ticket by an attachment to the ticket's agent URL (and by its `#<id>` name);
the ticket links the card by an internal note with the card's short URL, a tag, and (when one is
configured) a custom field holding the URL. The Zendesk half is one ticket update with the
collision guard.

Safe to run twice: before writing, the board's open cards are read (one request, never Trello
search, whose index lags) with `cardlinks.index_by_ticket`, the lookup the queue uses too, and
the ticket's notes are read for an existing card. A card is reused, a note never repeated; a card
made by a run whose Zendesk update failed is found and completed by the next run. Creating a card
is a POST, never retried blindly: when it fails without a clear answer, the board is read again
before one more try.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from govpress_support.core.cardlinks import index_by_ticket, tickets_in_attachments
from govpress_support.core.config import Settings, ZendeskSettings
from govpress_support.core.errors import (
    ApiError,
    AuthError,
    ConflictError,
    GovPressError,
    NetworkError,
    NotFoundError,
    UsageError,
)
from govpress_support.core.groups import alias_of
from govpress_support.core.models import Board, Card, Comment, Label, Member, Ticket, TrelloList
from govpress_support.core.sla import TicketSla, Urgency, ticket_sla
from govpress_support.core.timeutil import iso
from govpress_support.services.connect import Clients
from govpress_support.services.trello import TrelloClient
from govpress_support.services.zendesk import ZendeskClient
from govpress_support.workflows.cards.boards import find_board, find_labels, find_list

# Where the process puts cards (group aliases, see groups.py).
CARD_GROUPS = ("2nd", "scoping")
# Ends every description this tool writes: `--missing` completes the links of such cards.
MARKER = "Made by govpress-support from the Zendesk ticket"
JOIN_HINT = "run again with --join to join it; `govpress-support start-rotation` joins both rota boards"

_TICKET_REF = re.compile(r"#?(\d+)")
_TICKET_URL = re.compile(r"/tickets/(\d+)(?:[/?#.]|$)")
_CARD_LINK = re.compile(r"trello\.com/c/([A-Za-z0-9]{8})")


# --- card and note text (pure) ----------------------------------------------------------------


def parse_ticket_ref(value: str) -> int:
    """`123`, `#123` or a ticket URL (`https://x.zendesk.com/agent/tickets/123`) -> 123."""
    text = value.strip()
    match = _TICKET_REF.fullmatch(text) or _TICKET_URL.search(text)
    if match is None or int(match.group(1)) <= 0:
        raise UsageError(f"{value!r} is not a ticket", "give its number (123 or #123) or its URL")
    return int(match.group(1))


def card_name(ticket: Ticket) -> str:
    """`#<id> <subject>`: the name the Zendesk app used too, and a link `cardlinks` reads."""
    return f"#{ticket.id} {' '.join(ticket.subject.split())}"


def _when(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def sla_summary(sla: TicketSla) -> str:
    metric = (sla.metric or "").replace("_", " ")
    if sla.urgency is Urgency.BREACHED and sla.breach_at is not None:
        return f"{metric} breached at {_when(sla.breach_at)}"
    if sla.urgency is Urgency.ACTIVE and sla.breach_at is not None:
        return f"{metric} breaches at {_when(sla.breach_at)}"
    if sla.urgency is Urgency.PAUSED:
        return f"{metric} paused" + (f" (was due {_when(sla.breach_at)})" if sla.breach_at else "")
    return "none"


def card_description(ticket: Ticket, *, organization: str | None, sla: TicketSla) -> str:
    """Trello Markdown: the ticket's link first, then what a reader of the board needs."""
    lines = [
        f"Zendesk ticket #{ticket.id}: {ticket.agent_url}",
        "",
        f"- **Priority:** {ticket.priority or 'not set'}",
        f"- **Type:** {ticket.type or 'not set'}",
        f"- **Organisation:** {organization or 'none'}",
        f"- **SLA:** {sla_summary(sla)} (when the card was made)",
        f"- **Due:** {_when(ticket.due_at) if ticket.due_at else 'no due date'}",
        "",
        f"_{MARKER}; the ticket links back to this card._",
    ]
    return "\n".join(lines)


def card_due(ticket: Ticket) -> datetime | None:
    """Task tickets carry a due date; the card gets it too."""
    return ticket.due_at if ticket.type == "task" else None


def ticket_note(card: Card, board: str, list_name: str | None) -> str:
    where = f"list {list_name!r} on " if list_name else ""
    return f"Trello card: {card.short_url}\n({where}the {board!r} board; linked by govpress-support)"


def mentions_card(text: str, card: Card) -> bool:
    return card.short_link != "" and card.short_link in {m.group(1) for m in _CARD_LINK.finditer(text)}


def card_links_in(texts: Iterable[str]) -> list[str]:
    """Short links of every Trello card named in these texts, latest text last."""
    found: list[str] = []
    for text in texts:
        for match in _CARD_LINK.finditer(text):
            if match.group(1) not in found:
                found.append(match.group(1))
    return found


def _has_tag(ticket: Ticket, tag: str) -> bool:
    wanted = tag.strip().casefold()
    return any(t.casefold() == wanted for t in ticket.tags)


def ticket_lacks(ticket: Ticket, card: Card | None, settings: ZendeskSettings, *, has_note: bool) -> tuple[str, ...]:
    """Which parts of the Zendesk half of the link the ticket lacks: `note` (an internal note
    with the card's URL), `tag`, `field` (the custom field, when configured). `card` is None
    for a card yet to be made."""
    lacks: list[str] = []
    if not has_note:
        lacks.append("note")
    tag = settings.trello_card_tag.strip()
    if tag and not _has_tag(ticket, tag):
        lacks.append("tag")
    field_id = settings.trello_card_field_id
    if field_id and (card is None or not mentions_card(str(ticket.custom_field(field_id) or ""), card)):
        lacks.append("field")
    return tuple(lacks)


def zendesk_changes(
    ticket: Ticket, card: Card, settings: ZendeskSettings, *, has_note: bool, note: str
) -> dict[str, Any]:
    """The ticket update that links `card`; empty when the ticket is linked already. Only
    adds (a note, a tag, a field value), so it is safe to work out again after a conflict."""
    lacks = ticket_lacks(ticket, card, settings, has_note=has_note)
    changes: dict[str, Any] = {}
    if "note" in lacks:
        changes["comment"] = {"body": note, "public": False}
    if "tag" in lacks:
        changes["additional_tags"] = [settings.trello_card_tag.strip()]
    if "field" in lacks:
        changes["custom_fields"] = [{"id": settings.trello_card_field_id, "value": card.short_url}]
    return changes


def first_line(text: str) -> str:
    """The first line with words in it, without Markdown heading or list marks; an opening
    that ends in a colon ("Every Monday:") takes the next line with it."""
    lines: list[str] = []
    for line in text.splitlines():
        clean = re.sub(r"^\s*(?:#+|[-*+>]|\d+[.)])\s+", "", line)
        clean = " ".join(re.sub(r"(\*\*|__)(.+?)\1", r"\2", clean).strip("*_ \t").split())
        if clean:
            lines.append(clean)
            if not clean.endswith(":") or len(lines) == 2:
                break
    return " ".join(lines)


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


def _has_note(zendesk: ZendeskClient, ticket_id: int, card: Card) -> bool:
    return any(mentions_card(c.body, card) for c in zendesk.comments(ticket_id))


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
    has_note = card is not None and _has_note(zendesk, ticket.id, card)
    return CardStep(
        ticket=ticket,
        organization=organization,
        sla=sla,
        card=card,
        attach=card is not None and ticket.id not in tickets_in_attachments(card),
        zendesk=ticket_lacks(ticket, card, settings, has_note=has_note),
        warning=warning,
    )


def plan_tickets(
    clients: Clients,
    destination: Destination,
    ticket_ids: Sequence[int],
    *,
    now: datetime,
    force: bool = False,
    join: bool = False,
) -> CardPlan:
    """The plan for named tickets. Checks every ticket before anything is written: unknown,
    closed, or (without `force`) outside 2nd line and scoping is an error for the whole run."""
    zendesk, trello, settings = clients.zendesk, clients.trello, clients.settings
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
        if group is None or alias_of(settings.groups, group) not in CARD_GROUPS:
            where = f"in {group.name!r}" if group else "in no group"
            warnings[ticket.id] = (
                f"ticket {ticket.id} is {where}: the process puts Trello cards on 2nd line and scoping tickets"
            )
    if warnings and not force:
        first = next(iter(warnings.values()))
        more = f" (and {len(warnings) - 1} more)" if len(warnings) > 1 else ""
        raise UsageError(f"{first}{more}", "move it to 2nd line or scoping first, or pass --force to go on")

    cards = index_by_ticket(trello.cards(destination.board.id))
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
    clients: Clients,
    destination: Destination,
    *,
    now: datetime,
    join: bool = False,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> CardPlan:
    """Every ticket in the 2nd line queue without a card on the board; and any card this tool
    made whose ticket never got its half of the link (a run that failed half-way)."""
    from govpress_support.workflows.queue import QueueOptions, fetch_queue

    settings = clients.settings
    queue = fetch_queue(clients, QueueOptions(group="2nd"), now=now, on_progress=on_progress)
    backlog = clients.trello.board(settings.trello.backlog_board)
    if queue.trello.checked and backlog.id == destination.board.id:
        cards = {row.ticket.id: row.card for row in queue.rows if row.card is not None}
    else:
        cards = index_by_ticket(clients.trello.cards(destination.board.id))
    tag = settings.zendesk.trello_card_tag.strip()
    steps: list[CardStep] = []
    skipped = 0
    for row in queue.rows:
        card = cards.get(row.ticket.id)
        unfinished = card is not None and MARKER in card.desc and tag != "" and not _has_tag(row.ticket, tag)
        if card is not None and not unfinished:
            skipped += 1
            continue
        step = _step(
            clients.zendesk,
            settings.zendesk,
            row.ticket,
            card,
            organization=row.organization.name if row.organization else None,
            sla=row.sla,
        )
        if step.action is Action.LINKED:
            skipped += 1
        else:
            steps.append(step)
    return CardPlan(destination, steps, join=join, skipped=skipped, group=queue.group)


# --- doing it ---------------------------------------------------------------------------------


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


def execute(
    clients: Clients, plan: CardPlan, *, on_result: Callable[[CardStepResult], None] | None = None
) -> list[CardStepResult]:
    """Carry out the plan, ticket by ticket; a failure is recorded and the next ticket tried."""
    destination = plan.destination
    if (problem := plan.membership_error()) is not None:
        raise problem
    if plan.joins:
        clients.trello.add_board_member(destination.board.id, destination.me.id)
    results: list[CardStepResult] = []
    for step in plan.steps:
        result = _carry_out(clients, destination, step)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


def _carry_out(clients: Clients, destination: Destination, step: CardStep) -> CardStepResult:
    if step.action is Action.LINKED:
        return CardStepResult(step, CardOutcome.ALREADY_LINKED, step.card)
    trello, zendesk, settings = clients.trello, clients.zendesk, clients.settings
    ticket = step.ticket
    card = step.card
    done: list[str] = []
    try:
        if card is None:
            card = _create_card(trello, destination, step)
            done.append("card")
            card, attached = _ensure_attachment(trello, card, ticket, fresh=True)
        elif step.attach:
            card, attached = _ensure_attachment(trello, card, ticket, fresh=False)
        else:
            attached = False
        if attached:
            done.append("attachment")
        linked, updated = _link_ticket(zendesk, settings.zendesk, ticket, card, destination, step)
        done.extend(linked)
    except GovPressError as exc:
        return CardStepResult(step, CardOutcome.FAILED, card, tuple(done), exc)
    outcome = CardOutcome.CREATED if "card" in done else (CardOutcome.LINKED if done else CardOutcome.ALREADY_LINKED)
    return CardStepResult(
        step, outcome, card, tuple(done), warning=_field_warning(settings.zendesk, linked, updated, card)
    )


def _field_warning(settings: ZendeskSettings, linked: Sequence[str], updated: Ticket | None, card: Card) -> str | None:
    """Zendesk ignores an unknown custom field id; say so rather than set it on every run."""
    field_id = settings.trello_card_field_id
    if "field" not in linked or updated is None:
        return None
    if mentions_card(str(updated.custom_field(field_id) or ""), card):
        return None
    return (
        f"ticket {updated.id} did not keep the card URL in custom field {field_id}: "
        "check zendesk.trello_card_field_id (a ticket field's id in Zendesk admin)"
    )


def _uncertain(exc: GovPressError) -> bool:
    """A failure after which the request may or may not have been carried out."""
    if isinstance(exc, NetworkError):
        return True
    return isinstance(exc, ApiError) and exc.status is not None and exc.status >= 500


def _create_card(trello: TrelloClient, destination: Destination, step: CardStep) -> Card:
    """Make the card. After a failure without a clear answer (a timeout, a 5xx), look at the
    board before one more try: the first request may have made it."""
    ticket = step.ticket
    due = card_due(ticket)

    def create() -> Card:
        try:
            return trello.create_card(
                destination.list.id,
                card_name(ticket),
                desc=card_description(ticket, organization=step.organization, sla=step.sla),
                due=iso(due) if due else None,
                label_ids=[label.id for label in destination.labels],
                url_source=ticket.agent_url,
            )
        except AuthError as exc:
            raise AuthError(
                f"Trello refused to add a card to board {destination.board.name!r}: {exc.message}",
                "join the board with --join, or check that your Trello token may write: "
                "`govpress-support auth login trello`",
            ) from exc

    try:
        return create()
    except GovPressError as exc:
        if not _uncertain(exc):
            raise
        existing = index_by_ticket(trello.cards(destination.board.id)).get(ticket.id)
        return existing if existing is not None else create()


def _ensure_attachment(trello: TrelloClient, card: Card, ticket: Ticket, *, fresh: bool) -> tuple[Card, bool]:
    """(card, whether an attachment was added). A new card got the ticket's URL through
    `urlSource`; if the answer does not show it, ask for the card before attaching again."""
    if ticket.id in tickets_in_attachments(card):
        return card, fresh
    if fresh:
        card = trello.card(card.id)
        if ticket.id in tickets_in_attachments(card):
            return card, True
    attachment = trello.add_attachment(card.id, ticket.agent_url, name=f"Zendesk ticket #{ticket.id}")
    return replace(card, attachments=(*card.attachments, attachment)), True


def _link_ticket(
    zendesk: ZendeskClient,
    settings: ZendeskSettings,
    ticket: Ticket,
    card: Card,
    destination: Destination,
    step: CardStep,
) -> tuple[list[str], Ticket | None]:
    """One guarded update with what the ticket lacks: (what was added, the updated ticket).
    On a conflict (someone changed the ticket meanwhile) read it and its notes again and try
    once more: the changes only add, so working them out again is safe."""
    note = ticket_note(card, destination.board.name, destination.list_name(card.list_id))
    has_note = step.card is not None and "note" not in step.zendesk
    changes = zendesk_changes(ticket, card, settings, has_note=has_note, note=note)
    if not changes:
        return [], None
    try:
        updated = zendesk.update_ticket(ticket.id, changes, updated_stamp=ticket.updated_stamp)
    except ConflictError:
        fresh = zendesk.ticket(ticket.id, sideload=()).tickets[0]
        has_note = _has_note(zendesk, ticket.id, card)
        changes = zendesk_changes(fresh, card, settings, has_note=has_note, note=note)
        if not changes:
            return [], None
        updated = zendesk.update_ticket(fresh.id, changes, updated_stamp=fresh.updated_stamp)
        return list(ticket_lacks(fresh, card, settings, has_note=has_note)), updated
    return list(ticket_lacks(ticket, card, settings, has_note=has_note)), updated


# --- card show --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkedCard:
    ticket: Ticket
    card: Card | None
    board: Board | None = None
    list_name: str | None = None
    members: tuple[str, ...] = ()
    found_by: str | None = None  # board | ticket
    trello_linked: bool = False  # the card carries the ticket's URL
    zendesk_missing: tuple[str, ...] = ()  # what the ticket lacks: note, tag, field

    def to_record(self) -> dict[str, Any]:
        card = self.card
        return {
            "ticket_id": self.ticket.id,
            "ticket_url": self.ticket.agent_url,
            "subject": self.ticket.subject,
            "card_id": card.id if card else None,
            "card_short_link": card.short_link if card else None,
            "card_url": card.short_url if card else None,
            "card_name": card.name if card else None,
            "board": self.board.name if self.board else None,
            "list": self.list_name,
            "members": list(self.members),
            "labels": [label.name or label.color for label in card.labels] if card else [],
            "due": card.due if card else None,
            "due_complete": card.due_complete if card else None,
            "found_by": self.found_by,
            "linked_both_ways": card is not None and self.trello_linked and not self.zendesk_missing,
            "ticket_lacks": list(self.zendesk_missing),
        }


@dataclass
class _BoardInfo:
    board: Board
    lists: dict[str, str] = field(default_factory=dict)
    members: dict[str, str] = field(default_factory=dict)


def show_cards(clients: Clients, ticket_ids: Sequence[int], *, board: str | None = None) -> list[LinkedCard]:
    """The card linked to each ticket: on the board (as the queue finds it), else the card the
    ticket's custom field or latest note names (cards move to client boards)."""
    trello, zendesk, settings = clients.trello, clients.zendesk, clients.settings  # no Trello credentials: say so first
    found = zendesk.tickets(ticket_ids, sideload=())
    by_id = {t.id: t for t in found.tickets}
    unknown = [i for i in dict.fromkeys(ticket_ids) if i not in by_id]
    if unknown:
        raise NotFoundError(f"{'ticket' if len(unknown) == 1 else 'tickets'} {', '.join(map(str, unknown))} not found")
    home = find_board(trello, settings.trello, board or settings.trello.backlog_board)
    index = index_by_ticket(trello.cards(home.id))
    infos: dict[str, _BoardInfo] = {home.id: _BoardInfo(home)}

    def info(board_id: str) -> _BoardInfo:
        if board_id not in infos:
            infos[board_id] = _BoardInfo(trello.board(board_id))
        item = infos[board_id]
        if not item.lists:
            item.lists = {lst.id: lst.name for lst in trello.lists(board_id)}
            item.members = {m.id: m.full_name or m.username for m in trello.members_of_board(board_id)}
        return item

    shown: list[LinkedCard] = []
    for ticket_id in dict.fromkeys(ticket_ids):
        ticket = by_id[ticket_id]
        comments = zendesk.comments(ticket.id)
        card = index.get(ticket.id)
        found_by = "board" if card is not None else None
        if card is None:
            card = _card_named_by_ticket(trello, ticket, comments, settings.zendesk)
            found_by = "ticket" if card is not None else None
        if card is None:
            shown.append(LinkedCard(ticket, None))
            continue
        where = info(card.board_id or home.id)
        has_note = any(mentions_card(c.body, card) for c in comments)
        shown.append(
            LinkedCard(
                ticket,
                card,
                board=where.board,
                list_name=where.lists.get(card.list_id),
                members=tuple(where.members.get(m, m) for m in card.member_ids),
                found_by=found_by,
                trello_linked=ticket.id in tickets_in_attachments(card),
                zendesk_missing=ticket_lacks(ticket, card, settings.zendesk, has_note=has_note),
            )
        )
    return shown


def _card_named_by_ticket(
    trello: TrelloClient, ticket: Ticket, comments: Sequence[Comment], settings: ZendeskSettings
) -> Card | None:
    texts = [c.body for c in comments]
    if settings.trello_card_field_id:
        texts.append(str(ticket.custom_field(settings.trello_card_field_id) or ""))
    for short_link in reversed(card_links_in(texts)):
        try:
            card = trello.card(short_link)
        except NotFoundError:
            continue
        if not card.closed:
            return card
    return None
