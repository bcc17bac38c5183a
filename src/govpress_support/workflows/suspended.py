"""Suspended tickets: the mail Zendesk held back (spam checks, unknown senders, loops), which
the process asks the rota to check regularly. Oldest first: the longest waiting comes first.
Recovering one makes it an ordinary ticket with a new id; deleting one is for spam.

Zendesk shows them to admins and unrestricted agents only. `suspended` says so (exit 4); the
queue footer, the briefing and the handover report just leave them out (`peek_suspended`). A
403 is told from a 401 (credentials rejected: always an error) by the error's status.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from govpress_support.core.errors import ApiError, AuthError, GovPressError, NetworkError
from govpress_support.core.models import SuspendedTicket
from govpress_support.services.zendesk import ZendeskClient
from govpress_support.services.zendesk_actions import BULK_SUSPENDED_LIMIT

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


# --- recovering and deleting ------------------------------------------------------------------------

ACTIONS = ("recover", "delete")


@dataclass(frozen=True)
class SuspendedPlan:
    """What `suspended recover|delete` will do: the suspended tickets asked for that are there
    (in the order asked), and the ids that are not (or no longer) suspended."""

    action: str
    found: list[SuspendedTicket]
    gone: list[int]


@dataclass(frozen=True)
class SuspendedOutcome:
    id: int  # the suspended ticket's id
    result: str  # recovered, deleted, planned, not_suspended, failed
    subject: str | None = None
    ticket_id: int | None = None  # the ticket it became (recovered)
    ticket_url: str | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.result != "failed"

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "result": self.result,
            "ticket_id": self.ticket_id,
            "ticket_url": self.ticket_url,
            "subject": self.subject,
            "message": self.message,
        }


def _not_allowed(exc: AuthError) -> AuthError:
    if exc.status != 403:
        return exc
    return AuthError(
        "Zendesk does not let you manage suspended tickets (403)",
        "only admins and unrestricted agents may: ask a Zendesk admin",
        status=403,
    )


def plan_suspended(zendesk: ZendeskClient, ids: Sequence[int], action: str) -> SuspendedPlan:
    """Look before acting: which of these are suspended now (one read of the list)."""
    if action not in ACTIONS:
        raise ValueError(action)
    try:
        present = {t.id: t for t in zendesk.suspended_tickets()}
    except AuthError as exc:
        raise _not_allowed(exc) from None
    return SuspendedPlan(action, [present[i] for i in ids if i in present], [i for i in ids if i not in present])


def not_suspended(plan: SuspendedPlan) -> list[SuspendedOutcome]:
    """The ids asked for that are not suspended (nothing to do)."""
    why = "not suspended (already recovered or deleted?)"
    return [SuspendedOutcome(i, "not_suspended", message=why) for i in plan.gone]


def preview(plan: SuspendedPlan) -> list[SuspendedOutcome]:
    """The outcome of each id without acting: planned, or not suspended."""
    return [SuspendedOutcome(t.id, "planned", t.subject) for t in plan.found] + not_suspended(plan)


def _chunks(items: Sequence[SuspendedTicket]) -> Iterator[list[SuspendedTicket]]:
    for start in range(0, len(items), BULK_SUSPENDED_LIMIT):
        yield list(items[start : start + BULK_SUSPENDED_LIMIT])


def recover(zendesk: ZendeskClient, plan: SuspendedPlan) -> list[SuspendedOutcome]:
    """Recover with `recover_many` (100 a request; it keeps the sender as requester), each id
    with the ticket it became, or why not. An answer lost on the way is not resent: the list is
    read again, and what left it was recovered."""
    outcomes: list[SuspendedOutcome] = []
    for chunk in _chunks(sorted(plan.found, key=lambda t: t.id)):
        try:
            answer = zendesk.recover_suspended([t.id for t in chunk])
        except AuthError as exc:
            raise _not_allowed(exc) from None
        except (ApiError, NetworkError) as exc:
            outcomes.extend(_after_lost_answer(zendesk, chunk, exc))
            continue
        failed = {t.id: t for t in answer.failed}
        recovered = [t for t in chunk if t.id not in failed]
        paired = len(recovered) == len(answer.tickets)
        for t in chunk:
            if t.id in failed:
                why = failed[t.id].cause or t.cause
                outcomes.append(
                    SuspendedOutcome(t.id, "failed", t.subject, message=f"Zendesk would not recover it ({why})")
                )
        for index, t in enumerate(recovered):
            ticket = answer.tickets[index] if paired else None
            outcomes.append(
                SuspendedOutcome(
                    t.id,
                    "recovered",
                    t.subject,
                    ticket_id=ticket.id if ticket else None,
                    ticket_url=ticket.agent_url if ticket else None,
                    message=None
                    if paired
                    else "recovered; new tickets " + ", ".join(f"#{n.id}" for n in answer.tickets),
                )
            )
    order = {t.id: n for n, t in enumerate(plan.found)}
    return sorted(outcomes, key=lambda o: order.get(o.id, 0))


def _after_lost_answer(
    zendesk: ZendeskClient, chunk: Sequence[SuspendedTicket], error: GovPressError
) -> list[SuspendedOutcome]:
    if isinstance(error, ApiError) and error.status is not None and 400 <= error.status < 500 and error.status != 429:
        return [SuspendedOutcome(t.id, "failed", t.subject, message=error.one_line()) for t in chunk]  # an answer
    try:
        still = {t.id for t in zendesk.suspended_tickets()}
    except GovPressError:
        return [
            SuspendedOutcome(
                t.id, "failed", t.subject, message=f"{error.one_line()}; check `govpress-support suspended`"
            )
            for t in chunk
        ]
    return [
        SuspendedOutcome(t.id, "failed", t.subject, message=f"{error.one_line()}; nothing was recovered: run it again")
        if t.id in still
        else SuspendedOutcome(
            t.id, "recovered", t.subject, message="recovered, but Zendesk's answer with its new ticket id was lost"
        )
        for t in chunk
    ]


def delete(zendesk: ZendeskClient, plan: SuspendedPlan) -> list[SuspendedOutcome]:
    """Delete with `destroy_many`, 100 a request (sending it again is harmless)."""
    outcomes: list[SuspendedOutcome] = []
    for chunk in _chunks(plan.found):
        try:
            zendesk.delete_suspended([t.id for t in chunk])
        except AuthError as exc:
            raise _not_allowed(exc) from None
        outcomes.extend(SuspendedOutcome(t.id, "deleted", t.subject) for t in chunk)
    return outcomes
