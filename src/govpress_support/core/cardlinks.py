"""Which Trello card belongs to which Zendesk ticket.

A card links ticket N when one of its attachments points at the ticket's agent page
(`.../agent/tickets/N`, on any host: the sandbox and the real desk differ only in host), or,
failing that, when its name starts `#N`. The lookup reads the board's open cards with their
attachments in one request, never Trello search (its index lags by a minute).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from govpress_support.core.models import Card

_TICKET_URL = re.compile(r"/agent/tickets/(\d+)(?:[/?#]|$)")
_TICKET_NAME = re.compile(r"^\s*#(\d+)\b")


def tickets_in_attachments(card: Card) -> set[int]:
    found: set[int] = set()
    for attachment in card.attachments:
        match = _TICKET_URL.search(attachment.url)
        if match:
            found.add(int(match.group(1)))
    return found


def ticket_in_name(card: Card) -> int | None:
    match = _TICKET_NAME.match(card.name)
    return int(match.group(1)) if match else None


def index_by_ticket(cards: Iterable[Card]) -> dict[int, Card]:
    """Ticket id -> its card. An attachment link beats a name; the first card wins a tie."""
    by_attachment: dict[int, Card] = {}
    by_name: dict[int, Card] = {}
    for card in cards:
        if card.closed:
            continue
        for ticket_id in tickets_in_attachments(card):
            by_attachment.setdefault(ticket_id, card)
        named = ticket_in_name(card)
        if named is not None:
            by_name.setdefault(named, card)
    return {**by_name, **by_attachment}
