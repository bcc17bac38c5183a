"""`card show`: the card linked to each ticket, and whether the link is whole both ways.

Looked for as the queue finds it (on the board, by attachment or `#<id>` name), else by the card
the ticket's custom field or latest note names: cards move on to client boards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from govpress_support.core.cardlinks import tickets_in_attachments
from govpress_support.core.config import Settings, ZendeskSettings
from govpress_support.core.errors import NotFoundError
from govpress_support.core.models import Board, Card, Comment, Ticket
from govpress_support.services.trello import TrelloClient
from govpress_support.services.zendesk import ZendeskClient
from govpress_support.workflows.cards.boards import find_board
from govpress_support.workflows.cards.find import cards_by_ticket
from govpress_support.workflows.cards.text import card_in_notes, card_links_in, ticket_lacks


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


def show_cards(
    zendesk: ZendeskClient,
    trello: TrelloClient,
    settings: Settings,
    ticket_ids: Sequence[int],
    *,
    board: str | None = None,
) -> list[LinkedCard]:
    """The card linked to each ticket: on the board (as the queue finds it), else the card the
    ticket's custom field or latest note names (cards move to client boards)."""
    found = zendesk.tickets(ticket_ids, sideload=())
    by_id = {t.id: t for t in found.tickets}
    unknown = [i for i in dict.fromkeys(ticket_ids) if i not in by_id]
    if unknown:
        raise NotFoundError(f"{'ticket' if len(unknown) == 1 else 'tickets'} {', '.join(map(str, unknown))} not found")
    home = find_board(trello, settings.trello, board or settings.trello.backlog_board)
    index = cards_by_ticket(trello, home.id)
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
        shown.append(
            LinkedCard(
                ticket,
                card,
                board=where.board,
                list_name=where.lists.get(card.list_id),
                members=tuple(where.members.get(m, m) for m in card.member_ids),
                found_by=found_by,
                trello_linked=ticket.id in tickets_in_attachments(card),
                zendesk_missing=ticket_lacks(ticket, card, settings.zendesk, has_note=card_in_notes(comments, card)),
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
