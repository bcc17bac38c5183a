"""Finding tickets' Trello cards on a board, or saying why they could not be looked for.

One request for the board's open cards with their attachments (never Trello search, whose
index lags a minute), indexed by ticket with `cardlinks.index_by_ticket`. Without Trello
credentials, or when Trello fails, the cards are unknown rather than missing, and `reason`
says why once: a listing still works without Trello.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from govpress_support.core.cardlinks import index_by_ticket
from govpress_support.core.errors import GovPressError
from govpress_support.core.models import Card
from govpress_support.services.trello import TrelloClient

NO_TRELLO = "no Trello credentials: run `govpress-support auth login trello` to see linked cards"


@dataclass(frozen=True)
class BoardCards:
    by_ticket: dict[int, Card] = field(default_factory=dict)
    checked: bool = False  # the board was read: a ticket without a card has none
    reason: str | None = None  # why it was not read

    def get(self, ticket_id: int) -> Card | None:
        return self.by_ticket.get(ticket_id)


def board_cards(trello: TrelloClient | None, board: str) -> BoardCards:
    """The cards on `board` by ticket; never raises for Trello being absent or failing."""
    if trello is None:
        return BoardCards(reason=NO_TRELLO)
    try:
        return BoardCards(cards_by_ticket(trello, board), checked=True)
    except GovPressError as exc:
        return BoardCards(reason=f"Trello cards unavailable: {exc.one_line()}")


def cards_by_ticket(trello: TrelloClient, board: str) -> dict[int, Card]:
    """The cards on `board` by ticket; Trello's errors are raised (the caller needs the board)."""
    return index_by_ticket(trello.cards(board))
