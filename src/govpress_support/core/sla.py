"""SLA urgency: which metric counts for a ticket, and the order tickets are worked in.

The rule (also in the README and `queue --help`):

1. breached (an active metric whose `breach_at` is past): most overdue first;
2. active, not yet breached: soonest `breach_at` first;
3. only paused metrics (pending / on-hold): after all active ones, by priority;
4. no SLA (no metrics, or all achieved): by priority (urgent, high, normal, low, none), then
   soonest `due_at`, then least recently updated.

Ties: priority, then ticket id. A ticket's SLA is its active metric with the earliest
`breach_at`; achieved metrics never count; the rough `hours`/`days` fields are never used.
A metric in a stage we do not know, or active without a `breach_at`, cannot be placed in time
and counts as no SLA.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum

from govpress_support.core.models import PRIORITIES, SlaMetric, Ticket

ACTIVE_STAGES = frozenset({"active", "breached"})
PAUSED_STAGES = frozenset({"paused"})


class Urgency(IntEnum):
    """The four groups of the rule, in queue order."""

    BREACHED = 0
    ACTIVE = 1
    PAUSED = 2
    NONE = 3


@dataclass(frozen=True)
class TicketSla:
    urgency: Urgency
    metric: str | None = None
    stage: str | None = None
    breach_at: datetime | None = None

    @property
    def breached(self) -> bool:
        return self.urgency is Urgency.BREACHED


def priority_rank(priority: str | None) -> int:
    """urgent 0, high 1, normal 2, low 3, none (or unknown) 4."""
    return PRIORITIES.index(priority) if priority in PRIORITIES else len(PRIORITIES)


def ticket_sla(metrics: Sequence[SlaMetric] | None, now: datetime) -> TicketSla:
    """The metric that sets this ticket's urgency."""
    metrics = metrics or ()
    active = [m for m in metrics if m.stage in ACTIVE_STAGES and m.breach_at is not None]
    if active:
        first = min(active, key=lambda m: m.breach_at or now)
        assert first.breach_at is not None
        urgency = Urgency.BREACHED if first.breach_at <= now else Urgency.ACTIVE
        return TicketSla(urgency, first.metric, first.stage, first.breach_at)
    paused = [m for m in metrics if m.stage in PAUSED_STAGES]
    if paused:
        timed = [m for m in paused if m.breach_at is not None]
        first = min(timed, key=lambda m: m.breach_at or now) if timed else paused[0]
        return TicketSla(Urgency.PAUSED, first.metric, first.stage, first.breach_at)
    return TicketSla(Urgency.NONE)


def _ts(value: datetime | None) -> float:
    """Sortable seconds; absent values sort last."""
    return value.timestamp() if value is not None else float("inf")


def sort_key(ticket: Ticket, sla: TicketSla) -> tuple[float, ...]:
    rank = priority_rank(ticket.priority)
    if sla.urgency in (Urgency.BREACHED, Urgency.ACTIVE):
        return (sla.urgency, _ts(sla.breach_at), rank, 0.0, ticket.id)
    if sla.urgency is Urgency.PAUSED:
        return (sla.urgency, rank, 0.0, 0.0, ticket.id)
    return (sla.urgency, rank, _ts(ticket.due_at), _ts(ticket.updated_at), ticket.id)


def in_queue_order(tickets: Iterable[Ticket], now: datetime) -> list[tuple[Ticket, TicketSla]]:
    """Tickets with their SLA, most urgent first."""
    paired = [(t, ticket_sla(t.sla_metrics, now)) for t in tickets]
    paired.sort(key=lambda pair: sort_key(*pair))
    return paired


def metrics_in_order(metrics: Sequence[SlaMetric] | None, now: datetime) -> list[SlaMetric]:
    """A ticket's metrics in the rule's order: breached (most overdue first), active (soonest
    first), paused, then the rest (achieved, unknown stages) as sent."""

    def key(indexed: tuple[int, SlaMetric]) -> tuple[int, float, int]:
        index, metric = indexed
        one = ticket_sla((metric,), now)
        return (one.urgency, _ts(one.breach_at) if one.urgency <= Urgency.ACTIVE else 0.0, index)

    return [m for _, m in sorted(enumerate(metrics or ()), key=key)]


def breaching_within(sla: TicketSla, now: datetime, window: timedelta) -> bool:
    """Breached already, or an active metric breaching within `window`."""
    if sla.urgency is Urgency.BREACHED:
        return True
    return sla.urgency is Urgency.ACTIVE and sla.breach_at is not None and sla.breach_at - now <= window


METRIC_NAMES = {
    "first_reply_time": "first reply",
    "next_reply_time": "next reply",
    "periodic_update_time": "periodic update",
    "pausable_update_time": "update",
    "requester_wait_time": "requester wait",
    "agent_work_time": "agent work",
    "total_resolution_time": "resolution",
    "group_ownership_time": "group ownership",
}

# The order metrics are reported in: replies first, then updates, waits and resolution.
METRIC_ORDER = tuple(METRIC_NAMES)


def sla_metric(event_metric: str, instance_id: int) -> str:
    """The `slas` sideload's name for one instance of a ticket metric event's clock: Zendesk's
    events call both replies `reply_time`, the first with instance 1 and each next reply with 2 or
    more; `resolution_time` is measured as `total_resolution_time`."""
    if event_metric == "reply_time":
        return "first_reply_time" if instance_id <= 1 else "next_reply_time"
    if event_metric == "resolution_time":
        return "total_resolution_time"
    return event_metric


def metric_rank(metric: str) -> tuple[int, str]:
    """Sort key: `METRIC_ORDER`, then any other metric by name."""
    return (METRIC_ORDER.index(metric) if metric in METRIC_ORDER else len(METRIC_ORDER), metric)


def metric_name(metric: str | None) -> str:
    if not metric:
        return ""
    return METRIC_NAMES.get(metric, metric.replace("_", " "))
