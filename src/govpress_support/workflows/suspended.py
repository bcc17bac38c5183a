"""Suspended tickets: the mail Zendesk held back (spam checks, unknown senders, loops), which
the process asks the rota to check regularly. Oldest first: the longest waiting comes first.

Zendesk shows them to admins and unrestricted agents only. `suspended` says so (exit 4); the
queue footer, the briefing and the handover report just leave them out (`peek_suspended`). A
403 is told from a 401 (credentials rejected: always an error) by the error's status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from govpress_support.core.errors import AuthError
from govpress_support.core.models import SuspendedTicket
from govpress_support.services.zendesk import ZendeskClient

PEEK = 100  # one page: enough to count "100+"


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


def fetch_suspended(zendesk: ZendeskClient, *, now: datetime) -> SuspendedResult:
    """Every suspended ticket (cursor pages of 100), oldest first."""
    try:
        tickets = zendesk.suspended_tickets()
    except AuthError as exc:
        if exc.status != 403:
            raise
        raise AuthError(
            "Zendesk does not show you suspended tickets (403)",
            "only admins and unrestricted agents may see them: ask a Zendesk admin",
            status=403,
        ) from None
    ordered = sorted(tickets, key=lambda t: (t.created_at is None, t.created_at or now, t.id))
    return SuspendedResult(ordered, now)


@dataclass(frozen=True)
class SuspendedPeek:
    tickets: list[SuspendedTicket]
    more: bool  # the page was full: there may be more than these

    @property
    def count(self) -> int:
        return len(self.tickets)


def peek_suspended(zendesk: ZendeskClient, *, limit: int | None = PEEK) -> SuspendedPeek | None:
    """Up to `limit` suspended tickets (None: all of them); None when you may not see them."""
    try:
        tickets = zendesk.suspended_tickets(limit=limit)
    except AuthError as exc:
        if exc.status != 403:
            raise
        return None
    return SuspendedPeek(tickets, more=limit is not None and len(tickets) >= limit)
