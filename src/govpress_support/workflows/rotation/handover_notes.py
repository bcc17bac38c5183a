"""What the last engineer left: each ticket's latest handover note, read from the tickets' own
threads (so the briefing shows it on any machine, whoever handed over), and the handover those
notes came from (`core.handover_notes.previous_handover`).

Cost: one comments request per ticket in the group, a few at a time (`services/parallel.py`).
"""

from __future__ import annotations

from collections.abc import Sequence

from govpress_support.core.errors import NotFoundError
from govpress_support.core.handover_notes import HandoverNote, latest
from govpress_support.services.parallel import in_order
from govpress_support.services.zendesk import ZendeskClient


def handover_notes(zendesk: ZendeskClient, ticket_ids: Sequence[int]) -> dict[int, HandoverNote]:
    """Ticket id -> its latest handover note, for the tickets that have one."""

    def read(ticket_id: int) -> HandoverNote | None:
        try:
            return latest(zendesk.comments(ticket_id))
        except NotFoundError:  # deleted since the queue was read
            return None

    found = dict(zip(ticket_ids, in_order(read, ticket_ids), strict=True))
    return {ticket_id: note for ticket_id, note in found.items() if note is not None}
