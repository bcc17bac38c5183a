"""`start-rotation --slack`: the briefing's short summary for the team's channel (Block Kit with a
plain-text fallback, within Slack's limits: long lists end with "… and N more")."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from govpress_support.core.models import User
from govpress_support.core.sla import Urgency
from govpress_support.core.timeutil import format_duration
from govpress_support.services.slack import Message, escape, link
from govpress_support.workflows.queue import QueueRow
from govpress_support.workflows.rotation.start import Briefing


def briefing_message(briefing: Briefing, me: User, *, warning: timedelta) -> dict[str, Any]:
    now = briefing.now
    rows = briefing.rows
    breached = [r for r in rows if r.sla.urgency is Urgency.BREACHED]
    soon = [
        r
        for r in rows
        if r.sla.urgency is Urgency.ACTIVE and r.sla.breach_at is not None and r.sla.breach_at - now <= warning
    ]
    due_soon = [
        r for r in briefing.deadlines if r.ticket.due_at is not None and r.ticket.due_at - now <= timedelta(days=1)
    ]
    within = format_duration(warning)
    counts = [f"*{len(rows)}* ticket{'s' if len(rows) != 1 else ''} in *{escape(briefing.group)}*"]
    counts.append(f"*{len(breached)}* breached, *{len(soon)}* breaching within {within}")
    if due_soon:
        counts.append(f"*{len(due_soon)}* client deadline{'s' if len(due_soon) != 1 else ''} within a day")
    if briefing.trello_checked and briefing.without_cards:
        counts.append(f"*{len(briefing.without_cards)}* without a Trello card")
    if briefing.suspended:
        counts.append(f"*{len(briefing.suspended)}* suspended")
    name = me.name or me.email or "someone"
    message = Message(
        fallback=f"{escape(name)} starts 2nd line: " + ", ".join(c.replace("*", "") for c in counts) + "."
    )
    message.header(f"2nd line: {name} starts their rotation")
    lead = " · ".join(counts)
    previous = briefing.previous
    if previous is not None and previous.at is not None:
        lead += (
            f"\nHanded over by {escape(previous.giver)} on {previous.at:%a %d %b %H:%M} UTC "
            f"(notes on {len(previous.tickets)} ticket{'s' if len(previous.tickets) != 1 else ''})."
        )
    message.section(lead)
    message.items("*Breached*", [_row(r) for r in breached])
    message.items(f"*Breaching within {within}*", [_row(r) for r in soon])
    message.items("*Client deadlines within a day*", [_row(r) for r in due_soon])
    message.context(f"Posted by `govpress-support start-rotation` · {now:%Y-%m-%d %H:%M} UTC")
    return message.payload()


def _row(row: QueueRow) -> str:
    return link(row.ticket.agent_url, f"#{row.ticket.id} {row.ticket.subject}")
