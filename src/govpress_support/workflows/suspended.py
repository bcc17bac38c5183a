"""Suspended tickets: the mail Zendesk held back (spam checks, unknown senders, loops), which
the process asks the rota to check regularly. Oldest first: the longest waiting comes first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from govpress_support.core.errors import AuthError
from govpress_support.core.models import SuspendedTicket
from govpress_support.services.connect import Clients


@dataclass(frozen=True)
class SuspendedResult:
    tickets: list[SuspendedTicket]
    now: datetime

    def records(self) -> list[dict[str, Any]]:
        return [
            {
                "id": t.id,
                "subject": t.subject,
                "author_name": t.author_name,
                "author_email": t.author_email,
                "cause": t.cause,
                "ticket_id": t.ticket_id,
                "created_at": t.created_at,
                "age_seconds": int((self.now - t.created_at).total_seconds()) if t.created_at else None,
            }
            for t in self.tickets
        ]


def fetch_suspended(clients: Clients, *, now: datetime) -> SuspendedResult:
    """Every suspended ticket (cursor pages of 100), oldest first."""
    try:
        tickets = clients.zendesk.suspended_tickets()
    except AuthError as exc:
        if "(401" in exc.message:
            raise
        raise AuthError(
            "Zendesk does not show you suspended tickets (403)",
            "only admins and unrestricted agents may see them: ask a Zendesk admin",
        ) from None
    ordered = sorted(tickets, key=lambda t: (t.created_at is None, t.created_at or now, t.id))
    return SuspendedResult(ordered, now)
