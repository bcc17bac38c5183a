"""Counting up: SLA outcomes by metric, and the window day by day (UTC days) with the rota's
engineer of each day."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, date

from govpress_support.core.models import RotaEntry
from govpress_support.core.sla import metric_rank
from govpress_support.workflows.stats.models import Day, MetricTally, Outcome, Window


def by_metric(outcomes: Iterable[Outcome], unseen_met: Collection[str] = ()) -> list[MetricTally]:
    """Met and breached per metric, in the order metrics are reported; targets met of the metrics
    in `unseen_met` are not known (None)."""
    found: dict[str, MetricTally] = {}
    for outcome in outcomes:
        tally = found.setdefault(
            outcome.metric, MetricTally(fulfilled=None if outcome.metric in unseen_met else 0, metric=outcome.metric)
        )
        if not outcome.met:
            tally.breached += 1
        elif tally.fulfilled is not None:
            tally.fulfilled += 1
    return [found[m] for m in sorted(found, key=metric_rank)]


def by_day(
    window: Window,
    outcomes: Sequence[Outcome],
    arrivals: Counter[date],
    solves: Counter[date],
    engineers: Mapping[date, RotaEntry],
) -> list[Day]:
    """One row per day of the window."""
    breaches: Counter[date] = Counter(o.at.astimezone(UTC).date() for o in outcomes if not o.met)
    met: Counter[date] = Counter(o.at.astimezone(UTC).date() for o in outcomes if o.met)
    days: list[Day] = []
    for day in window.days:
        entry = engineers.get(day)
        days.append(
            Day(
                day,
                breaches=breaches[day],
                fulfilled=met[day],
                arrivals=arrivals[day],
                solves=solves[day],
                engineer=entry.name if entry else None,
                engineer_email=entry.email if entry else None,
            )
        )
    return days
