"""The handover's Slack message, and posting it once.

What the channel is told: who handed over to whom (the next engineer mentioned when their Slack
member id is known), the counts, the breached and soon-breaching tickets as links, the branches
pushed and the pull requests handed over; long lists end with "… and N more" (`Message.items`).

The post is journaled after the run's `finished` record: `sending` before, then `done` or
`failed`. A post whose answer was never heard (`sending` left behind by a crash or a dropped
connection) is not sent again on its own, since a webhook cannot be asked whether it arrived:
`handover --slack --resume` posts it when you say so.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from govpress_support.core.errors import GovPressError, NetworkError
from govpress_support.core.timeutil import format_duration
from govpress_support.services.slack import Message, SlackWebhook, escape, link, mention
from govpress_support.workflows.handover.journal import Journal
from govpress_support.workflows.handover.models import HandoverResult, PlannedTicket, StepOutcome


def urgent(tickets: list[PlannedTicket], now: datetime, warning: timedelta) -> tuple[list[PlannedTicket], ...]:
    """(breached, breaching within `warning`), each in queue order."""
    breached = [t for t in tickets if t.sla_urgency == "breached"]
    soon = [
        t
        for t in tickets
        if t.sla_urgency == "active" and t.sla_breach_at is not None and t.sla_breach_at - now <= warning
    ]
    return breached, soon


def handover_message(result: HandoverResult, *, now: datetime, warning: timedelta) -> dict[str, Any]:
    plan = result.plan
    giver = plan.me.name or plan.me.email
    taker = plan.target.name or plan.target.email
    handed, noted = result.handed_over, result.noted
    breached, soon = urgent([*handed, *noted], now, warning)
    pushed = [p for p in plan.pushes if (o := result.pushes.get(p.key)) is not None and o.state == "pushed"]
    pulls = [p for p in plan.github.pulls if result.pull_done(p)]

    counts = [f"*{len(handed)}* ticket{'s' if len(handed) != 1 else ''} handed over"]
    with_note = sum(1 for t in handed if t.note_text)  # as the report counts: the general line is said apart
    if with_note:
        counts[0] += f" ({with_note} with a ticket note)"
    if noted:
        counts.append(f"*{len(noted)}* note{'s' if len(noted) != 1 else ''} on others' tickets")
    if breached or soon:
        counts.append(f"*{len(breached)}* breached, *{len(soon)}* breaching within {format_duration(warning)}")
    if pushed:
        counts.append(f"*{len(pushed)}* branch{'es' if len(pushed) != 1 else ''} pushed")
    if pulls:
        counts.append(f"*{len(pulls)}* pull request{'s' if len(pulls) != 1 else ''} handed over")
    left = len(result.failed) + len(result.push_failures) + len(result.pull_failures)

    who = mention(plan.slack_mention, taker)
    fallback = f"Handover: {escape(giver)} → {escape(taker)}. {who} takes over {escape(plan.group_name)}: " + ", ".join(
        c.replace("*", "") for c in counts
    )
    message = Message(fallback=fallback + ".")
    message.header(f"Handover: {giver} → {taker}")
    lead = f"{who} takes over *{escape(plan.group_name)}* from {escape(giver)}.\n" + " · ".join(counts)
    if left:
        lead += f"\n:warning: {left} item{'s' if left != 1 else ''} not done: see the handover report."
    message.section(lead)
    message.items("*Breached*", [_ticket(t) for t in breached])
    message.items(f"*Breaching within {format_duration(warning)}*", [_ticket(t) for t in soon])
    message.items(
        "*Branches pushed*", [f"`{escape(p.branch)}` ({escape(p.github_repo or p.repo.name)})" for p in pushed]
    )
    message.items(
        "*Pull requests handed over*",
        [link(p.url, f"{p.ref} {p.title}") + (" (draft)" if p.draft else "") for p in pulls],
    )
    if plan.general_note:
        message.section(f"_{escape(plan.general_note)}_")
    message.context(f"Posted by `govpress-support handover` · {now.strftime('%Y-%m-%d %H:%M')} UTC")
    return message.payload()


def post(slack: SlackWebhook, journal: Journal, payload: dict[str, Any]) -> StepOutcome:
    """Post once; journaled before and after. Never raises for Slack's answer."""
    journal.append({"type": "slack", "state": "sending"})
    try:
        slack.post(payload)
    except NetworkError as exc:
        # It may have arrived: left as sent-without-an-answer, never sent again on its own.
        return StepOutcome("sending", exc.one_line())
    except GovPressError as exc:
        journal.append({"type": "slack", "state": "failed", "reason": exc.one_line()})
        return StepOutcome("failed", exc.one_line())
    journal.append({"type": "slack", "state": "done"})
    return StepOutcome("done")


def _ticket(ticket: PlannedTicket) -> str:
    return link(ticket.url, f"#{ticket.id} {ticket.subject}")
