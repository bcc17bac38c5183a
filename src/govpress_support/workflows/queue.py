"""The queue: a group's unsolved tickets in SLA order (see `sla.py` for the rule).

Cost: one search page per 100 tickets (the export endpoint past 1,000), with users,
organisations and SLAs sideloaded; custom statuses (cached); one Trello request for the whole
board's cards, only with Trello credentials; one for the suspended-ticket count. Never a
request per ticket.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from govpress_support.core.cardlinks import index_by_ticket
from govpress_support.core.config import Settings
from govpress_support.core.errors import AuthError, GovPressError, UsageError
from govpress_support.core.groups import group_name
from govpress_support.core.models import (
    STATUS_LABELS,
    UNSOLVED_STATUSES,
    Card,
    CustomStatus,
    Organization,
    Ticket,
    User,
)
from govpress_support.core.sla import TicketSla, Urgency, breaching_within, in_queue_order
from govpress_support.core.timeutil import parse_duration
from govpress_support.services.connect import Clients

STATUS_SYNONYMS = {"on-hold": "hold", "onhold": "hold", "on_hold": "hold"}


@dataclass(frozen=True)
class QueueOptions:
    group: str = "2nd"
    assignee: str | None = None  # me | none | an email
    statuses: tuple[str, ...] = ()  # plain statuses or custom status labels
    breaching_within: timedelta | None = None
    limit: int | None = None

    def __post_init__(self) -> None:
        if self.limit is not None and self.limit < 1:
            raise UsageError(f"--limit must be 1 or more, got {self.limit}")


@dataclass(frozen=True)
class TrelloState:
    """Whether the Trello column could be filled, and if not, why (said once)."""

    checked: bool
    reason: str | None = None


@dataclass(frozen=True)
class QueueRow:
    ticket: Ticket
    sla: TicketSla
    status_label: str
    assignee: User | None
    organization: Organization | None
    card: Card | None
    warning: bool  # an active SLA inside the warning threshold

    def to_record(self, group: str, trello_checked: bool) -> dict[str, Any]:
        t = self.ticket
        return {
            "id": t.id,
            "url": t.agent_url,
            "subject": t.subject,
            "status": t.status,
            "status_label": self.status_label,
            "priority": t.priority,
            "type": t.type,
            "group": group,
            "assignee_id": t.assignee_id,
            "assignee_name": self.assignee.name if self.assignee else None,
            "assignee_email": self.assignee.email if self.assignee else None,
            "organization": self.organization.name if self.organization else None,
            "sla_metric": self.sla.metric,
            "sla_stage": self.sla.stage,
            "sla_breach_at": self.sla.breach_at,
            "sla_breached": self.sla.breached,
            "sla_urgency": self.sla.urgency.name.lower(),
            "due_at": t.due_at,
            "created_at": t.created_at,
            "updated_at": t.updated_at,
            "trello_card_url": self.card.short_url if self.card else None,
            "trello_card": "linked" if self.card else ("missing" if trello_checked else "unknown"),
        }


@dataclass(frozen=True)
class QueueResult:
    group: str
    rows: list[QueueRow]
    total: int  # unsolved tickets in the group before --status/--breaching-within/--limit
    now: datetime
    warning_threshold: timedelta
    trello: TrelloState
    suspended: int | None = None  # None: not allowed to see them
    suspended_more: bool = False  # at least this many (the count stops at one page)
    used_export: bool = False

    @property
    def breached(self) -> int:
        return sum(1 for r in self.rows if r.sla.urgency is Urgency.BREACHED)

    @property
    def warnings(self) -> int:
        return sum(1 for r in self.rows if r.warning)

    def records(self) -> list[dict[str, Any]]:
        return [r.to_record(self.group, self.trello.checked) for r in self.rows]


@dataclass
class _Labels:
    statuses: list[CustomStatus] | None = field(default=None)

    def label(self, ticket: Ticket) -> str:
        if self.statuses and ticket.custom_status_id is not None:
            for status in self.statuses:
                if status.id == ticket.custom_status_id and status.agent_label:
                    return status.agent_label
        return STATUS_LABELS.get(ticket.status, ticket.status.capitalize())


def search_query(settings: Settings, group: str, assignee: str | None) -> str:
    """The Zendesk search for a group's unsolved tickets, optionally one assignee's."""
    name = group_name(settings.groups, group)
    terms = [f"group:{name}" if name.isdigit() else f'group:"{name}"', "status<solved"]
    if assignee:
        terms.append(f"assignee:{assignee}")
    return " ".join(terms)


def _status_filter(statuses: Sequence[str], labels: _Labels) -> Callable[[Ticket], bool] | None:
    if not statuses:
        return None
    plain: set[str] = set()
    custom: set[int] = set()
    known = {s.agent_label.casefold(): s for s in labels.statuses or []}
    for raw in statuses:
        value = STATUS_SYNONYMS.get(raw.strip().lower(), raw.strip().lower())
        if value in UNSOLVED_STATUSES:
            plain.add(value)
        elif value in known:
            custom.add(known[value].id)
        else:
            valid = ", ".join(["new", "open", "pending", "on-hold", *sorted(s.agent_label for s in known.values())])
            raise UsageError(f"unknown status {raw!r}", f"use one of: {valid}")
    return lambda t: t.status in plain or t.custom_status_id in custom


def assignee_term(clients: Clients, value: str | None) -> str | None:
    """`me`, `none`, or a verified agent's email, as a search term value."""
    if value is None:
        return None
    lowered = value.strip().lower()
    if lowered in ("me", "none"):
        return lowered
    if "@" not in lowered:
        raise UsageError(f"--assignee {value!r} is not me, none or an email")
    user = clients.zendesk.user_by_email(value)
    if user is None or not user.is_agent:
        raise UsageError(f"no Zendesk agent with email {value}", "check the address, or use --assignee me|none")
    return user.email or value


def fetch_queue(
    clients: Clients,
    options: QueueOptions,
    *,
    now: datetime,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> QueueResult:
    settings = clients.settings
    zendesk = clients.zendesk
    name = group_name(settings.groups, options.group)
    found = zendesk.search_tickets(
        search_query(settings, options.group, assignee_term(clients, options.assignee)), on_page=on_progress
    )
    if name.isdigit() or not found.tickets:
        # An id needs its name; an empty result may be a misspelt group: both need the list.
        name = zendesk.group(name).name

    labels = _Labels(
        zendesk.custom_statuses() if any(t.custom_status_id for t in found.tickets) or options.statuses else None
    )
    keep = _status_filter(options.statuses, labels)
    threshold = parse_duration(settings.queue.sla_warning)
    cards, trello = _cards(clients)

    rows: list[QueueRow] = []
    ordered = in_queue_order((t for t in found.tickets if t.unsolved), now)
    total = len(ordered)
    for ticket, sla in ordered:
        if keep is not None and not keep(ticket):
            continue
        if options.breaching_within is not None and not breaching_within(sla, now, options.breaching_within):
            continue
        rows.append(
            QueueRow(
                ticket=ticket,
                sla=sla,
                status_label=labels.label(ticket),
                assignee=found.users.get(ticket.assignee_id) if ticket.assignee_id else None,
                organization=found.organizations.get(ticket.organization_id) if ticket.organization_id else None,
                card=cards.get(ticket.id),
                warning=sla.urgency is Urgency.ACTIVE and sla.breach_at is not None and sla.breach_at - now < threshold,
            )
        )
    if options.limit is not None:
        rows = rows[: options.limit]

    suspended, more = _suspended(clients)
    return QueueResult(
        group=name,
        rows=rows,
        total=total,
        now=now,
        warning_threshold=threshold,
        trello=trello,
        suspended=suspended,
        suspended_more=more,
        used_export=found.used_export,
    )


def _cards(clients: Clients) -> tuple[dict[int, Card], TrelloState]:
    trello = clients.trello_or_none
    if trello is None:
        return {}, TrelloState(
            False, "no Trello credentials: run `govpress-support auth login trello` to see linked cards"
        )
    try:
        cards = trello.cards(clients.settings.trello.backlog_board)
    except GovPressError as exc:
        return {}, TrelloState(False, f"Trello cards unavailable: {exc.one_line()}")
    return index_by_ticket(cards), TrelloState(True)


def _suspended(clients: Clients) -> tuple[int | None, bool]:
    try:
        page = clients.zendesk.suspended_tickets(limit=100)
    except AuthError:
        return None, False  # restricted agents may not see them; nothing to say
    return len(page), len(page) >= 100
