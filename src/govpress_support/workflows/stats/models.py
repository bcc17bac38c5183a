"""What `stats` finds: the window, SLA outcomes by metric, the breaches, the flow through the group
and the series by day, and the one JSON record made of them (its field lists are documented in
the README, and tests/cli/test_docs.py holds the two together)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from govpress_support.core.sla import metric_name

SOURCES = ("events", "metrics")  # of the SLA outcomes
FLOW_SOURCES = ("ticket_events", "audits")  # of the flow and who held each breach

# The JSON record, in output order.
FIELDS = (
    "window",
    "group",
    "source",
    "flow_source",
    "cannot_count",
    "sla",
    "metrics",
    "breaches",
    "flow",
    "days",
    "generated_at",
)
WINDOW_FIELDS = ("start", "end", "label", "rotation_engineer", "rotation_engineer_email")
TALLY_FIELDS = ("fulfilled", "breached", "rate")
METRIC_FIELDS = ("metric", "label", *TALLY_FIELDS)
BREACH_FIELDS = (
    "ticket_id",
    "url",
    "subject",
    "metric",
    "breached_at",
    "met_at",
    "late_by_seconds",
    "still_open",
    "held_by",
    "held_by_email",
)
FLOW_FIELDS = (
    "entered",
    "created_in_group",
    "moved_in",
    "solved",
    "believed_solved",
    "reopened",
    "cascaded",
    "returned_to_triage",
    "moved_out",
    "queue_start",
    "queue_end",
)
DAY_FIELDS = ("date", "engineer", "engineer_email", "breaches", "fulfilled", "arrivals", "solves")
DAY_TSV_FIELDS = ("date", "engineer", "breaches", "fulfilled", "arrivals", "solves")


@dataclass(frozen=True)
class Window:
    """[start, end) in UTC, with how it was chosen."""

    start: datetime
    end: datetime  # not included
    label: str  # "last 7 days", "since Thu 19 Nov", "Sam Okafor's rotation"
    engineer: str | None = None  # the rotation's engineer
    engineer_email: str | None = None

    @property
    def days(self) -> list[date]:
        """The UTC days the window touches, first to last."""
        first, last = self.start.astimezone(UTC).date(), (self.end - timedelta(microseconds=1)).astimezone(UTC).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@dataclass(frozen=True)
class Outcome:
    """One SLA target met or breached. `at`: when it was met, or when it breached; `met_at`: when
    a breached target was met after all (before the window's end), if it was."""

    ticket_id: int
    metric: str  # the `slas` name: first_reply_time, next_reply_time, ...
    met: bool
    at: datetime
    met_at: datetime | None = None


@dataclass
class Tally:
    fulfilled: int | None = 0  # None: the source cannot see these targets met
    breached: int = 0
    partial: bool = False  # a total with some metrics' targets met unseen: `fulfilled` is a floor

    @property
    def rate(self) -> float | None:
        """The share of targets met, 0 to 1; None when there were none, or when the source
        cannot see every target met."""
        if self.fulfilled is None or self.partial:
            return None
        total = self.fulfilled + self.breached
        return round(self.fulfilled / total, 4) if total else None

    def record(self) -> dict[str, Any]:
        return {"fulfilled": self.fulfilled, "breached": self.breached, "rate": self.rate}


@dataclass
class MetricTally(Tally):
    metric: str = ""

    @property
    def label(self) -> str:
        return metric_name(self.metric)


@dataclass(frozen=True)
class Breach:
    ticket_id: int
    url: str | None
    subject: str | None  # None: the ticket is gone
    metric: str
    breached_at: datetime
    met_at: datetime | None  # None: not met by the window's end
    late_by: timedelta  # to when it was met, or to the window's end
    held_by: str | None  # the assignee when it breached
    held_by_email: str | None

    @property
    def still_open(self) -> bool:
        return self.met_at is None


@dataclass
class Flow:
    """Tickets through the group in the window. A ticket counts each time it moves or is solved.
    For the whole desk (no group), moves between groups are not counted (None). The queue adds
    up: `queue_end = queue_start + entered + reopened - solved - cascaded - returned_to_triage -
    moved_out` (a believed-solved ticket is pending, so still in the queue)."""

    created_in_group: int = 0
    moved_in: int | None = 0
    solved: int = 0
    believed_solved: int = 0
    reopened: int = 0
    cascaded: int | None = 0
    returned_to_triage: int | None = 0
    moved_out: int | None = 0
    queue_start: int = 0
    queue_end: int = 0

    @property
    def entered(self) -> int:
        return self.created_in_group + (self.moved_in or 0)


@dataclass
class Day:
    day: date
    breaches: int = 0
    fulfilled: int = 0
    arrivals: int = 0
    solves: int = 0
    engineer: str | None = None  # on the rota that day
    engineer_email: str | None = None


@dataclass
class EventsRead:
    """How an export's items were had: days from the cache, days fetched, pages asked for."""

    cached_days: int = 0
    fetched_days: int = 0
    requests: int = 0  # pages asked for (one the rate limit made the HTTP layer send again counts once)
    events: int = 0


@dataclass
class StatsResult:
    window: Window
    group: str | None  # the group's name; None: the whole desk
    source: str  # events | metrics
    now: datetime
    metrics: list[MetricTally] = field(default_factory=list)
    breaches: list[Breach] = field(default_factory=list)
    flow: Flow = field(default_factory=Flow)
    days: list[Day] = field(default_factory=list)
    cannot_count: list[str] = field(default_factory=list)  # what the SLA source cannot see
    flow_source: str = "ticket_events"
    flow_cannot_count: list[str] = field(default_factory=list)  # what the flow leaves out
    notes: list[str] = field(default_factory=list)  # said on stderr
    read: EventsRead = field(default_factory=EventsRead)  # the metric events
    ticket_read: EventsRead = field(default_factory=EventsRead)  # the ticket events

    @property
    def total(self) -> Tally:
        """Every metric's targets met and breached; with a metric whose targets met the source
        cannot see, the met count is a floor and there is no rate."""
        met = sum(m.fulfilled or 0 for m in self.metrics)
        unseen = any(m.fulfilled is None for m in self.metrics)
        return Tally(met, sum(m.breached for m in self.metrics), partial=unseen)

    def record(self) -> dict[str, Any]:
        """The `--json` object: the field lists above, times as datetimes (the renderer writes ISO)."""
        w = self.window
        out = {
            "window": {
                "start": w.start,
                "end": w.end,
                "label": w.label,
                "rotation_engineer": w.engineer,
                "rotation_engineer_email": w.engineer_email,
            },
            "group": self.group or "all",
            "source": self.source,
            "flow_source": self.flow_source,
            "cannot_count": [*self.cannot_count, *self.flow_cannot_count],
            "sla": self.total.record(),
            "metrics": [{"metric": m.metric, "label": m.label, **m.record()} for m in self.metrics],
            "breaches": [_breach_record(b) for b in self.breaches],
            "flow": {name: getattr(self.flow, name) for name in FLOW_FIELDS},
            "days": [_day_record(d) for d in self.days],
            "generated_at": self.now,
        }
        assert tuple(out) == FIELDS
        return out

    def day_rows(self) -> list[dict[str, Any]]:
        return [_day_record(d) for d in self.days]


def _breach_record(b: Breach) -> dict[str, Any]:
    return {
        "ticket_id": b.ticket_id,
        "url": b.url,
        "subject": b.subject,
        "metric": b.metric,
        "breached_at": b.breached_at,
        "met_at": b.met_at,
        "late_by_seconds": int(b.late_by.total_seconds()),
        "still_open": b.still_open,
        "held_by": b.held_by,
        "held_by_email": b.held_by_email,
    }


def _day_record(d: Day) -> dict[str, Any]:
    return {
        "date": d.day,
        "engineer": d.engineer,
        "engineer_email": d.engineer_email,
        "breaches": d.breaches,
        "fulfilled": d.fulfilled,
        "arrivals": d.arrivals,
        "solves": d.solves,
    }
