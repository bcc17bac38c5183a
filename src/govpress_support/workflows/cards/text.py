"""The words of a link between a Trello card and a Zendesk ticket (pure).

The card is named `#<id> <subject>` and its description opens with the ticket's URL; the ticket
gets an internal note with the card's short URL, a tag, and (when configured) the URL in a
custom field. `ticket_lacks` says which of those a ticket is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from govpress_support.core.config import ZendeskSettings
from govpress_support.core.models import Card, Comment, Ticket
from govpress_support.core.sla import TicketSla, Urgency

# Ends every description this tool writes: `--missing` completes the links of such cards.
MARKER = "Made by govpress-support from the Zendesk ticket"

_CARD_LINK = re.compile(r"trello\.com/c/([A-Za-z0-9]{8})")


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


def card_in_notes(comments: Iterable[Comment], card: Card) -> bool:
    """Whether any of the ticket's comments names the card's short URL."""
    return any(mentions_card(c.body, card) for c in comments)


def card_links_in(texts: Iterable[str]) -> list[str]:
    """Short links of every Trello card named in these texts, latest text last."""
    found: list[str] = []
    for text in texts:
        for match in _CARD_LINK.finditer(text):
            if match.group(1) not in found:
                found.append(match.group(1))
    return found


def has_tag(ticket: Ticket, tag: str) -> bool:
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
    if tag and not has_tag(ticket, tag):
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
