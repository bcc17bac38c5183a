"""The metrics source, for agents (the metric events are for admins only): each ticket's SLA
state (the `slas` sideload) and its ticket metrics (`metric_sets`), for the tickets the window
touched.

What they show, per SLA metric on a ticket (only its current instance):

- a metric still running whose `breach_at` has passed, inside the window: **breached**, still open;
- an **achieved** metric whose moment of achievement the metrics hold: the first reply (created
  plus `reply_time_in_minutes`) and the solve (`solved_at`) for requester wait, agent work and
  resolution. Met after its `breach_at`: breached, and met that late; otherwise met then.

What they cannot show is listed in `CANNOT_COUNT`, and said with the results.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from govpress_support.core.models import MetricSet, SlaMetric, Ticket
from govpress_support.workflows.stats.models import Outcome

CANNOT_COUNT = (
    "next reply, periodic update and update targets met: ticket metrics keep no time for them",
    "breaches of an earlier reply once a later one replaced it (Zendesk keeps each metric's current state only)",
    "a breach met late, other than first reply and resolution, once it has been met",
)
RUNNING = ("active", "breached")
SOLVED_BY = ("requester_wait_time", "agent_work_time", "total_resolution_time")
MET_SEEN = ("first_reply_time", *SOLVED_BY)  # metrics whose targets met the ticket metrics can date


def met_unseen(metric: str) -> bool:
    """Whether the ticket metrics cannot tell when (so whether) this metric's target was met."""
    return metric not in MET_SEEN


def achieved_at(metric: str, metrics: MetricSet | None) -> datetime | None:
    """When an achieved metric was achieved, where the ticket metrics say it."""
    if metrics is None:
        return None
    if metric == "first_reply_time" and metrics.created_at is not None and metrics.reply_minutes is not None:
        return metrics.created_at + timedelta(minutes=metrics.reply_minutes)
    if metric in SOLVED_BY:
        return metrics.solved_at
    return None


def metric_set_outcomes(
    tickets: Iterable[Ticket], metric_sets: Mapping[int, MetricSet], start: datetime, end: datetime, now: datetime
) -> list[Outcome]:
    """The SLA targets met or breached in [start, end) that the tickets' SLA states show. Pure."""
    outcomes: list[Outcome] = []
    for ticket in tickets:
        for sla in ticket.sla_metrics or ():
            found = _outcome(ticket.id, sla, metric_sets.get(ticket.id), start, end, now)
            if found is not None:
                outcomes.append(found)
    return sorted(outcomes, key=lambda o: (o.at, o.ticket_id, o.metric))


def _outcome(
    ticket_id: int, sla: SlaMetric, metrics: MetricSet | None, start: datetime, end: datetime, now: datetime
) -> Outcome | None:
    due = sla.breach_at
    if sla.stage in RUNNING:
        if due is not None and start <= due < end and due <= now:
            return Outcome(ticket_id, sla.metric, met=False, at=due)
        return None
    if sla.stage != "achieved":
        return None
    done = achieved_at(sla.metric, metrics)
    if done is None:
        return None
    if due is not None and done > due:
        if start <= due < end:
            return Outcome(ticket_id, sla.metric, met=False, at=due, met_at=done if done < end else None)
        return None
    if start <= done < end:
        return Outcome(ticket_id, sla.metric, met=True, at=done)
    return None
