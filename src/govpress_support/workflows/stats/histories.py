"""Each ticket's history for the flow and for who held a breach: from the ticket events (admins),
or, for an agent, from each ticket's audits, bounded.

**From the ticket events** (`from_events`): the export gives every update since the day the
window began, each field it set (`Create`) or changed (with the value before). Walked back from
each ticket as a search shows it now: a field's value before the window is the value its first
change replaced, or, for a field nothing changed, its value now; a ticket nothing changed is as
it is now all through. The export leaves out the last minute: a ticket updated in the last few
minutes after its last exported update (`late`: a handful) is read from its audits instead;
without them, a field that differs now from its last exported value is taken to
have changed at the ticket's last update. A ticket the searches no longer find (deleted) keeps
what its updates say.

**From audits** (`from_audits`, agents: only admins may read the export): one request per ticket
changed since the window began that is or may have been in the group (its metric set says it
has been in more than one group), four at a time, cached by the update it was read at, and at
most `MAX_AUDITS` of them: past that, the rest are taken as they are now, and the result says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from govpress_support.core.models import FieldValue, MetricSet, Ticket, TicketChange, TicketEvent
from govpress_support.services.parallel import SideBySide
from govpress_support.services.zendesk import TicketSet
from govpress_support.services.zendesk_metrics import ZendeskMetrics
from govpress_support.workflows.stats.cache import StatsCache
from govpress_support.workflows.stats.flow import FIELDS, Groups, History, values_of

MAX_AUDITS = 300  # tickets whose audits a run reads, at most (one request each)
LATE = timedelta(minutes=3)  # updates this recent may not be in the ticket events yet


# --- from the ticket events --------------------------------------------------------------------------


def from_events(
    tickets: Mapping[int, Ticket],
    events: Iterable[TicketEvent],
    since: datetime,
    audited: Mapping[int, Sequence[TicketChange]] | None = None,
) -> dict[int, History]:
    """Every ticket's history: `tickets` as the searches found them now, `events` the updates
    exported from `since` on, `audited` the changes read from the audits of some (`late` ones),
    which are whole. Pure."""
    updates: defaultdict[int, list[TicketEvent]] = defaultdict(list)
    for event in events:
        updates[event.ticket_id].append(event)
    histories = {tid: History.of(tid, changes) for tid, changes in (audited or {}).items()}
    for tid, found in updates.items():
        histories.setdefault(tid, replay(tickets.get(tid), tid, found, since))
    for ticket in tickets.values():
        histories.setdefault(ticket.id, History.unchanged(ticket))
    return histories


def late(tickets: Iterable[Ticket], events: Iterable[TicketEvent], now: datetime) -> list[Ticket]:
    """Tickets updated in the last `LATE` whose last update the export has not given: it leaves
    out the last minute (`LATE` adds a margin for the clocks). An older update is in the export
    (Zendesk moves `updated_at` only on an update that makes a ticket event)."""
    exported: dict[int, datetime] = {}
    for event in events:
        exported[event.ticket_id] = max(event.time, exported.get(event.ticket_id, event.time))
    recent = now - LATE
    return [
        t
        for t in tickets
        if t.updated_at is not None
        and t.updated_at > recent
        and (t.id not in exported or t.updated_at > exported[t.id])
    ]


def replay(ticket: Ticket | None, ticket_id: int, events: Sequence[TicketEvent], since: datetime) -> History:
    """One ticket's history from its updates since `since`, walked back from `ticket` (as it is
    now; None when the searches did not find it)."""
    ordered = sorted(events, key=lambda e: (e.time, e.id))
    changes = [c for e in ordered for c in e.changes if c.field in FIELDS]
    now = values_of(ticket) if ticket is not None else {}
    created = [c.at for c in changes if c.created]
    if created:
        born = created[0]
    elif ticket is not None and ticket.created_at is not None:
        born = ticket.created_at
    else:
        born = since - timedelta(microseconds=1)
    if ordered:
        born = min(born, ordered[0].time)
    first: dict[str, FieldValue] = {}
    for name in FIELDS:
        mine = [c for c in changes if c.field == name]
        if mine:
            first[name] = mine[0].value if mine[0].created else mine[0].previous
        elif name in now:
            first[name] = now[name]
    steps = [TicketChange(born, name, value, created=True) for name, value in first.items()]
    steps += [c for c in changes if not c.created]
    last = ordered[-1].time if ordered else born
    if ticket is not None and ticket.updated_at is not None and ticket.updated_at > last:
        exported = dict(first)
        exported.update((c.field, c.value) for c in changes)
        steps += [
            TicketChange(ticket.updated_at, name, value, previous=exported.get(name))
            for name, value in now.items()
            if not _same(exported.get(name), value)
        ]
    return History.of(ticket_id, steps)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, tuple) and isinstance(b, tuple):
        return sorted(a) == sorted(b)  # tags, in any order
    return bool(a == b)


# --- from audits, for an agent ------------------------------------------------------------------------


def from_audits(
    pool: SideBySide,
    metrics: ZendeskMetrics,
    cache: StatsCache,
    changed: TicketSet,
    groups: Groups,
    start: datetime,
    notes: list[str],
    on_progress: Callable[[str], None] | None = None,
) -> tuple[dict[int, History], list[str]]:
    """Each changed ticket's history, and what could not be counted: from its audits when it was
    or is in the group and changed in the window, at most `MAX_AUDITS` read (those in the group
    now first, then the latest changed); as it is now when it never was in the group, did not
    change after the window began, or is past the bound."""
    histories: dict[int, History] = {}
    wanted: list[Ticket] = []
    for ticket in changed.tickets:
        quiet = ticket.updated_at is not None and ticket.updated_at < start  # the day before: unchanged since
        if not quiet and _may_have_been_in(ticket, changed.metric_sets.get(ticket.id), groups):
            wanted.append(ticket)
        else:
            histories[ticket.id] = History.unchanged(ticket)
    oldest = datetime.min.replace(tzinfo=UTC)
    wanted.sort(key=lambda t: (not groups.holds(values_of(t)), -(t.updated_at or oldest).timestamp()))
    read, beyond = read_audits(pool, metrics, cache, wanted, notes, on_progress)
    histories.update((tid, History.of(tid, changes)) for tid, changes in read.items())
    for ticket in beyond:
        histories[ticket.id] = History.unchanged(ticket)
    gaps: list[str] = []
    if beyond:
        gaps.append(
            f"moves and solves of {len(beyond)} more changed ticket(s), taken as they are now: "
            f"an agent reads each ticket's history with a request of its own, {MAX_AUDITS} at most "
            "(only admins may read the ticket events, which hold every change)"
        )
    return histories, gaps


def read_audits(
    pool: SideBySide,
    metrics: ZendeskMetrics,
    cache: StatsCache,
    tickets: Sequence[Ticket],
    notes: list[str],
    on_progress: Callable[[str], None] | None = None,
) -> tuple[dict[int, list[TicketChange]], list[Ticket]]:
    """The changes in the audits of `tickets` (cached by each one's update stamp), four at a time,
    at most `MAX_AUDITS` requests in the order given; and the tickets past the bound. A ticket gone
    meanwhile is left out, and said."""
    found: dict[int, list[TicketChange]] = {}
    wanted: list[Ticket] = []
    for ticket in tickets:
        cached = cache.history(ticket.id, ticket.updated_stamp)
        if cached is not None:
            found[ticket.id] = cached
        else:
            wanted.append(ticket)
    reads = [(t, pool.start(metrics.ticket_changes, t.id)) for t in wanted[:MAX_AUDITS]]
    gone = 0
    for done, (ticket, future) in enumerate(reads, start=1):
        changes = future.result()
        if on_progress is not None:
            on_progress(f"ticket histories: {done} of {len(reads)}")
        if changes is None:
            gone += 1
            continue
        cache.put_history(ticket.id, ticket.updated_stamp, changes)
        found[ticket.id] = changes
    if gone:
        notes.append(f"{gone} ticket(s) went while being read and are left out")
    return found, wanted[MAX_AUDITS:]


def _may_have_been_in(ticket: Ticket, metric_set: MetricSet | None, groups: Groups) -> bool:
    if groups.group_id is None or ticket.group_id == groups.group_id:
        return True
    return metric_set is None or metric_set.group_stations != 1
