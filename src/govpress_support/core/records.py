"""The ticket record: the stable field names of `queue` and `ticket show` (JSON and TSV).

`FIELDS` says once how each field is read from a ticket and what was found with it; the lists
below pick from it, in output order. The README documents the same lists, and
tests/cli/test_docs.py holds the two together, so a field is added here and in the README.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from govpress_support.core.handover_notes import is_handover_note
from govpress_support.core.models import Card, Comment, Organization, Ticket, User
from govpress_support.core.sla import TicketSla, metrics_in_order, ticket_sla


@dataclass(frozen=True)
class TicketFacts:
    """A ticket with what was read alongside it: the parts every field is made from."""

    ticket: Ticket
    status_label: str
    sla: TicketSla
    group: str | None
    assignee: User | None
    organization: Organization | None
    card: Card | None
    trello_checked: bool  # False: the card could not be looked for
    requester: User | None = None
    comments: Sequence[tuple[Comment, User | None]] = ()  # the thread, with each author
    now: datetime | None = None  # for each metric's `breached` in `sla_metrics`


def card_state(card: Card | None, trello_checked: bool) -> str:
    """`linked`, `missing` (looked for, none), or `unknown` (Trello not read)."""
    return "linked" if card is not None else ("missing" if trello_checked else "unknown")


def _name(user: User | Organization | None) -> str | None:
    return user.name if user is not None else None


def _email(user: User | None) -> str | None:
    return user.email if user is not None else None


def _sla_metrics(f: TicketFacts) -> list[dict[str, Any]]:
    now = f.now
    return [
        {
            "metric": m.metric,
            "stage": m.stage,
            "breach_at": m.breach_at,
            "breached": now is not None and ticket_sla((m,), now).breached,
        }
        for m in (metrics_in_order(f.ticket.sla_metrics, now) if now is not None else f.ticket.sla_metrics or ())
    ]


def _comments(f: TicketFacts) -> list[dict[str, Any]]:
    return [
        {
            "id": c.id,
            "author_id": c.author_id,
            "author_name": _name(author),
            "public": c.public,
            "internal": not c.public,
            "handover": is_handover_note(c),
            "created_at": c.created_at,
            "body": c.body,
        }
        for c, author in f.comments
    ]


FIELDS: Mapping[str, Callable[[TicketFacts], Any]] = {
    "id": lambda f: f.ticket.id,
    "url": lambda f: f.ticket.agent_url,
    "subject": lambda f: f.ticket.subject,
    "status": lambda f: f.ticket.status,
    "status_label": lambda f: f.status_label,
    "custom_status_id": lambda f: f.ticket.custom_status_id,
    "priority": lambda f: f.ticket.priority,
    "type": lambda f: f.ticket.type,
    "group_id": lambda f: f.ticket.group_id,
    "group": lambda f: f.group,
    "requester_id": lambda f: f.ticket.requester_id,
    "requester_name": lambda f: _name(f.requester),
    "requester_email": lambda f: _email(f.requester),
    "organization_id": lambda f: f.ticket.organization_id,
    "organization": lambda f: _name(f.organization),
    "assignee_id": lambda f: f.ticket.assignee_id,
    "assignee_name": lambda f: _name(f.assignee),
    "assignee_email": lambda f: _email(f.assignee),
    "sla_metric": lambda f: f.sla.metric,
    "sla_stage": lambda f: f.sla.stage,
    "sla_breach_at": lambda f: f.sla.breach_at,
    "sla_breached": lambda f: f.sla.breached,
    "sla_urgency": lambda f: f.sla.urgency.name.lower(),
    "sla_metrics": _sla_metrics,
    "due_at": lambda f: f.ticket.due_at,
    "tags": lambda f: list(f.ticket.tags),
    "created_at": lambda f: f.ticket.created_at,
    "updated_at": lambda f: f.ticket.updated_at,
    "trello_card_url": lambda f: f.card.short_url if f.card is not None else None,
    "trello_card": lambda f: card_state(f.card, f.trello_checked),
    "comments": _comments,
}

_ASSIGNEE = ("assignee_id", "assignee_name", "assignee_email")
_SLA = ("sla_metric", "sla_stage", "sla_breach_at", "sla_breached", "sla_urgency")
_TIMES = ("created_at", "updated_at")
_CARD = ("trello_card_url", "trello_card")

# `queue --json`, in this order.
QUEUE_FIELDS: tuple[str, ...] = (
    *("id", "url", "subject", "status", "status_label", "priority", "type", "group"),
    *_ASSIGNEE,
    "organization",
    *_SLA,
    "due_at",
    *_TIMES,
    *_CARD,
)
# `queue` piped: the columns of its TSV (the subject last, as the longest).
QUEUE_TSV_FIELDS: tuple[str, ...] = (
    *("id", "priority", "status_label", "sla_metric", "sla_stage", "sla_breach_at", "sla_breached", "due_at"),
    *("assignee_email", "organization", "trello_card_url", "subject"),
)
# `ticket show --json`, in this order.
SHOW_FIELDS: tuple[str, ...] = (
    *("id", "url", "subject", "status", "status_label", "custom_status_id", "priority", "type", "group_id", "group"),
    *("requester_id", "requester_name", "requester_email", "organization_id", "organization"),
    *_ASSIGNEE,
    *_SLA,
    "sla_metrics",
    "due_at",
    "tags",
    *_TIMES,
    *_CARD,
    "comments",
)
# `ticket show` piped: a `field<TAB>value` line each, then the SLA metrics and comments.
SHOW_TSV_FIELDS: tuple[str, ...] = (
    *("id", "url", "subject", "status", "status_label", "priority", "type", "group"),
    *("requester_name", "requester_email", "organization", "assignee_name", "assignee_email", "due_at", "tags"),
    *_TIMES,
    "trello_card",
    "trello_card_url",
)
# The objects inside `sla_metrics` and `comments`.
SLA_METRIC_FIELDS: tuple[str, ...] = ("metric", "stage", "breach_at", "breached")
COMMENT_FIELDS: tuple[str, ...] = (
    *("id", "author_id", "author_name", "public", "internal", "handover", "created_at", "body"),
)


def record(facts: TicketFacts, fields: Sequence[str]) -> dict[str, Any]:
    """The record with these fields, in this order."""
    return {name: FIELDS[name](facts) for name in fields}
