"""Client deadlines: a task ticket's due date.

Only task tickets have one in Zendesk (it silently drops `due_at` on any other type), so a ticket
of another type is refused, naming the fix, unless `make_task` sets its type to task in the same
update. The day is read by `core.dates`; the queue and the briefing show the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from govpress_support.core.dates import due_at
from govpress_support.core.errors import UsageError
from govpress_support.core.timeutil import iso
from govpress_support.services.zendesk import ZendeskClient
from govpress_support.workflows.tickets.plan import Batch, new_plans, read_tickets, still_open


def _day(value: date | None) -> str:
    return value.strftime("%a %d %b %Y") if value is not None else "none"


def prepare_due(zendesk: ZendeskClient, ids: Sequence[int], day: date | None, *, make_task: bool = False) -> Batch:
    """Set (or with `day` None, clear) each ticket's due date."""
    tickets, _ = read_tickets(zendesk, ids)
    wanted = due_at(day) if day is not None else None
    plans = new_plans(tickets)
    for plan in still_open(plans):
        ticket = plan.ticket
        if ticket.type != "task":
            if wanted is None:
                plan.unchanged = f"a {ticket.type or 'ticket without a type'} has no due date"
                continue
            if not make_task:
                plan.refusal = UsageError(
                    f"ticket {ticket.id} is {_kind(ticket.type)}, and only task tickets have a due date",
                    f"pass --make-task to make it a task, or `govpress-support ticket triage {ticket.id} --type task`",
                )
                continue
            plan.changes["type"] = "task"
            plan.summary.append(f"type: {ticket.type or 'none'} → task")
        elif ticket.due_at == wanted:
            plan.unchanged = f"already due {_day(day)}" if day is not None else "it has no due date"
            continue
        plan.changes["due_at"] = iso(wanted)
        before = ticket.due_at.date() if ticket.due_at is not None else None
        plan.summary.append(f"due: {_day(before)} → {_day(day)}")
    return Batch("due", plans)


def _kind(ticket_type: str | None) -> str:
    if not ticket_type:
        return "a ticket without a type"
    return f"an {ticket_type}" if ticket_type[0] in "aeiou" else f"a {ticket_type}"
