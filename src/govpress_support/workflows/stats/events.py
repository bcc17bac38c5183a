"""The events source (admins): Zendesk's ticket metric events, read through the day cache, and
the SLA outcomes they show.

How events become outcomes, per SLA instance (a ticket's metric clock and its `instance_id`; for
`reply_time`, 1 is the first reply and 2 or more the next replies):

- **breached**: a `breach` event that is not `deleted` and whose `time` has come. Breach events
  are written ahead, at the moment the target will run out; one still in the future is not a
  breach yet, and one Zendesk marked `deleted` (the metric was met, paused or no longer measured
  in time) did not happen. A breach counts once; the instance's next `fulfill` says when it was
  met after all ("late by").
- **fulfilled** (met): a `fulfill` of an instance an SLA measures, with no breach before it. An
  instance is measured when an `apply_sla` or `apply_group_sla` on it is not `deleted`, or, when
  its SLA was applied before the events read, when a breach written ahead for it was withdrawn
  after the fulfilment. An instance whose every SLA was withdrawn (`deleted: true`) is not.
- Pause and activate move the breach (the old one is deleted, a new one written); they change
  nothing else here. `measure` and `update_status` are not needed.

The window is [start, end): an event at `start` counts, one at `end` does not. Events are read
from `LOOKBACK` before the window (whole UTC days), so SLAs applied shortly before it are seen.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from govpress_support.core.models import MetricEvent
from govpress_support.core.sla import sla_metric
from govpress_support.services.zendesk_metrics import ZendeskMetrics
from govpress_support.workflows.stats.cache import METRIC_EVENTS, StatsCache, day_finished
from govpress_support.workflows.stats.export import ExportReader
from govpress_support.workflows.stats.models import Outcome
from govpress_support.workflows.stats.window import midnight

LOOKBACK = timedelta(days=7)
APPLY = ("apply_sla", "apply_group_sla")
COUNTED = (*APPLY, "breach", "fulfill")


def event_outcomes(events: Iterable[MetricEvent], start: datetime, end: datetime, now: datetime) -> list[Outcome]:
    """The SLA targets met or breached in [start, end), by the rules above. Pure."""
    instances: defaultdict[tuple[int, str, int], list[MetricEvent]] = defaultdict(list)
    for event in events:
        if event.type in COUNTED:
            instances[(event.ticket_id, event.metric, event.instance_id)].append(event)
    outcomes: list[Outcome] = []
    for (ticket_id, metric, instance), found in instances.items():
        found.sort(key=lambda e: (e.time, e.id))
        name = sla_metric(metric, instance)
        applied = [e for e in found if e.type in APPLY]
        withdrawn = bool(applied) and all(e.deleted for e in applied)
        measured = any(not e.deleted for e in applied)
        written_ahead = [e.time for e in found if e.type == "breach" and e.deleted]
        breached_at: datetime | None = None  # this cycle's breach, until a fulfilment ends the cycle
        shown: int | None = None  # its place in `outcomes` when it fell in the window
        for event in found:
            if event.type == "breach" and not event.deleted and event.time <= now:
                if breached_at is None:
                    breached_at = event.time
                    if start <= event.time < end:
                        shown = len(outcomes)
                        outcomes.append(Outcome(ticket_id, name, met=False, at=event.time))
            elif event.type == "fulfill":
                if breached_at is not None:
                    if shown is not None and event.time < end:
                        outcomes[shown] = replace(outcomes[shown], met_at=event.time)
                    breached_at, shown = None, None  # a reopened ticket's clock runs again: a new cycle
                elif start <= event.time < end and not withdrawn and (measured or _ahead(written_ahead, event)):
                    outcomes.append(Outcome(ticket_id, name, met=True, at=event.time))
    return sorted(outcomes, key=lambda o: (o.at, o.ticket_id, o.metric))


def _ahead(written_ahead: list[datetime], fulfilled: MetricEvent) -> bool:
    """Whether a breach written ahead for the instance was withdrawn after it was fulfilled: the
    SLA measured it, though its `apply_sla` came before the events read."""
    return any(t > fulfilled.time for t in written_ahead)


# --- reading the export through the day cache ------------------------------------------------------


def read_range(start: datetime, end: datetime, now: datetime) -> tuple[datetime, datetime]:
    """Whole UTC days from `LOOKBACK` before the window to its end (to the end of its last day
    when that day is finished, so the day can be cached)."""
    first = midnight((start - LOOKBACK).astimezone(UTC).date())
    last_day = (end - timedelta(microseconds=1)).astimezone(UTC).date()
    until = midnight(last_day) + timedelta(days=1) if day_finished(last_day, now) else end
    return first, until


class EventReader(ExportReader[MetricEvent]):
    """The metric events of [first, until), through the day cache (`ExportReader`)."""

    def __init__(
        self,
        metrics: ZendeskMetrics,
        cache: StatsCache,
        now: datetime,
        on_progress: Callable[[str], None] | None = None,
    ):
        super().__init__(
            metrics.event_pages,
            lambda: metrics.event_requests,
            METRIC_EVENTS,
            "metric events",
            cache,
            now,
            on_progress,
        )
