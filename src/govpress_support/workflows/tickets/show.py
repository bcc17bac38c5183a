"""`ticket show`: one ticket in full, with its thread and linked Trello card."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from govpress_support.core.config import Settings
from govpress_support.core.models import Card, Comment, Organization, Ticket, User
from govpress_support.core.records import SHOW_FIELDS, TicketFacts, record
from govpress_support.core.sla import TicketSla, ticket_sla
from govpress_support.core.timeutil import parse_duration
from govpress_support.services.trello import TrelloClient
from govpress_support.services.zendesk import SIDELOADS, ZendeskClient
from govpress_support.workflows.cards.find import board_cards
from govpress_support.workflows.tickets.names import Names
from govpress_support.workflows.tickets.plan import read_tickets


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
        facts = TicketFacts(
            self.ticket,
            self.status_label,
            self.sla,
            group=self.group,
            assignee=self.assignee,
            organization=self.organization,
            card=self.card,
            trello_checked=self.trello_checked,
            requester=self.requester,
            comments=[(c.comment, c.author) for c in self.comments],
            now=now,
        )
        return record(facts, SHOW_FIELDS)


@dataclass(frozen=True)
class ShowResult:
    details: list[TicketDetail]
    now: datetime
    warning_threshold: timedelta
    trello_reason: str | None

    def records(self) -> list[dict[str, Any]]:
        return [d.to_record(self.now) for d in self.details]


def fetch_details(
    zendesk: ZendeskClient,
    trello: TrelloClient | None,
    settings: Settings,
    ids: Sequence[int],
    *,
    now: datetime,
    on_progress: Callable[[str], None] | None = None,
) -> ShowResult:
    """Tickets with requester, organisation, assignee and SLAs (one show_many), their comment
    threads (one request a ticket) with authors, custom status labels (cached), group names
    (cached) and the linked Trello cards (one request, with Trello credentials)."""
    tickets, found = read_tickets(zendesk, ids, sideload=SIDELOADS)
    threads: dict[int, list[Comment]] = {}
    for ticket in tickets:
        if on_progress:
            on_progress(f"reading the thread of #{ticket.id}…")
        threads[ticket.id] = zendesk.comments(ticket.id)
    users = dict(found.users)
    authors = {c.author_id for cs in threads.values() for c in cs if c.author_id is not None} - set(users)
    if authors:
        users.update(zendesk.users(authors))
    names = Names(zendesk, fallback_tag=settings.zendesk.believed_solved_tag)
    cards = board_cards(trello, settings.trello.backlog_board)
    details = [
        TicketDetail(
            ticket=t,
            status_label=names.status(t),
            group=names.group(t.group_id) if t.group_id is not None else None,
            requester=users.get(t.requester_id) if t.requester_id else None,
            assignee=users.get(t.assignee_id) if t.assignee_id else None,
            organization=found.organizations.get(t.organization_id) if t.organization_id else None,
            sla=ticket_sla(t.sla_metrics, now),
            comments=tuple(ThreadComment(c, users.get(c.author_id) if c.author_id else None) for c in threads[t.id]),
            card=cards.get(t.id),
            trello_checked=cards.checked,
        )
        for t in tickets
    ]
    return ShowResult(details, now, parse_duration(settings.queue.sla_warning), cards.reason)
