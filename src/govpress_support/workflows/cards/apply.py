"""Carrying out a card plan: make or reuse the card, attach the ticket's URL, then one guarded
update on the ticket.

Creating a card is a POST, never retried blindly: when it fails without a clear answer (a
timeout, a 5xx) the board is read again before one more try. A ticket changed meanwhile (409) is
read again and the update, which only adds, worked out and tried once more.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from govpress_support.core.cardlinks import tickets_in_attachments
from govpress_support.core.config import Settings, ZendeskSettings
from govpress_support.core.errors import ApiError, AuthError, ConflictError, GovPressError, NetworkError
from govpress_support.core.models import Card, Ticket
from govpress_support.core.timeutil import iso
from govpress_support.services.trello import TrelloClient
from govpress_support.services.zendesk import ZendeskClient
from govpress_support.workflows.cards.find import cards_by_ticket
from govpress_support.workflows.cards.link import (
    Action,
    CardOutcome,
    CardPlan,
    CardStep,
    CardStepResult,
    Destination,
    has_note,
)
from govpress_support.workflows.cards.text import (
    card_description,
    card_due,
    card_name,
    mentions_card,
    ticket_lacks,
    ticket_note,
    zendesk_changes,
)


def execute(
    zendesk: ZendeskClient,
    trello: TrelloClient,
    settings: Settings,
    plan: CardPlan,
    *,
    on_result: Callable[[CardStepResult], None] | None = None,
) -> list[CardStepResult]:
    """Carry out the plan, ticket by ticket; a failure is recorded and the next ticket tried."""
    destination = plan.destination
    if (problem := plan.membership_error()) is not None:
        raise problem
    if plan.joins:
        trello.add_board_member(destination.board.id, destination.me.id)
    results: list[CardStepResult] = []
    for step in plan.steps:
        result = _carry_out(zendesk, trello, settings.zendesk, destination, step)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


def _carry_out(
    zendesk: ZendeskClient, trello: TrelloClient, settings: ZendeskSettings, destination: Destination, step: CardStep
) -> CardStepResult:
    if step.action is Action.LINKED:
        return CardStepResult(step, CardOutcome.ALREADY_LINKED, step.card)
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
        linked, updated = _link_ticket(zendesk, settings, ticket, card, destination, step)
        done.extend(linked)
    except GovPressError as exc:
        return CardStepResult(step, CardOutcome.FAILED, card, tuple(done), exc)
    outcome = CardOutcome.CREATED if "card" in done else (CardOutcome.LINKED if done else CardOutcome.ALREADY_LINKED)
    return CardStepResult(step, outcome, card, tuple(done), warning=_field_warning(settings, linked, updated, card))


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
                status=exc.status,
            ) from exc

    try:
        return create()
    except GovPressError as exc:
        if not _uncertain(exc):
            raise
        existing = cards_by_ticket(trello, destination.board.id).get(ticket.id)
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
    noted = step.card is not None and "note" not in step.zendesk
    changes = zendesk_changes(ticket, card, settings, has_note=noted, note=note)
    if not changes:
        return [], None
    try:
        updated = zendesk.update_ticket(ticket.id, changes, updated_stamp=ticket.updated_stamp)
    except ConflictError:
        fresh = zendesk.ticket(ticket.id, sideload=()).tickets[0]
        noted = has_note(zendesk, ticket.id, card)
        changes = zendesk_changes(fresh, card, settings, has_note=noted, note=note)
        if not changes:
            return [], None
        updated = zendesk.update_ticket(fresh.id, changes, updated_stamp=fresh.updated_stamp)
        return list(ticket_lacks(fresh, card, settings, has_note=noted)), updated
    return list(ticket_lacks(ticket, card, settings, has_note=noted)), updated
