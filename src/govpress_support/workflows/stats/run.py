"""`stats`: how the rotation went, SLA by SLA, and what came in and went out.

The order of work, and what runs side by side:

1. the window (the rota when `--rotation` asks, and for each day's engineer), the group, the
   believed-solved status;
2. the first page of the metric events (days the cache lacks): a 403 means an agent, and the
   ticket metrics instead (`source: metrics`);
3. side by side (`services/parallel.py`): the rest of the metric events; the ticket events from
   the window's first day to now (admins); the tickets updated since the day before the window
   began, and the group's queue untouched since (with their metric sets, and SLAs, for an agent).
   The two exports share one rate limit (`zendesk_metrics.EXPORTS_LIMIT`): a 429 on one holds
   back the other's pages too. A task that fails ends every wait at once, and the run fails with
   its error;
4. tickets with outcomes not found yet (`show_many`), then each ticket's history: from the ticket
   events, walked back from the tickets as the searches found them (the audits of the few updated
   in the minute the export leaves out); or, when the ticket events are refused (an agent), from
   the audits of the changed tickets that were or are in the group, bounded (`histories`); the
   assignees' names, and the counting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, wait
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from govpress_support.core.config import Settings
from govpress_support.core.errors import GovPressError, Interrupted, UsageError
from govpress_support.core.groups import CASCADE, alias_of, resolve_group
from govpress_support.core.models import Group, RotaEntry, Ticket, TicketEvent, User
from govpress_support.services.parallel import SideBySide
from govpress_support.services.rota import RotaClient
from govpress_support.services.zendesk import TicketSet, ZendeskClient
from govpress_support.services.zendesk_metrics import EventsForbidden, ZendeskMetrics
from govpress_support.workflows.stats.cache import TICKET_EVENTS, StatsCache
from govpress_support.workflows.stats.events import EventReader, event_outcomes, read_range
from govpress_support.workflows.stats.export import ExportReader
from govpress_support.workflows.stats.flow import Groups, History, count_flow, in_group_at
from govpress_support.workflows.stats.histories import from_audits, from_events, late, read_audits
from govpress_support.workflows.stats.metrics import CANNOT_COUNT, met_unseen, metric_set_outcomes
from govpress_support.workflows.stats.models import Breach, EventsRead, Outcome, StatsResult, Window
from govpress_support.workflows.stats.series import by_day, by_metric
from govpress_support.workflows.stats.window import engineers, midnight, resolve_window

WHOLE_DESK = ("all", "any", "desk")
WORKERS = 4  # requests in flight at once
R = TypeVar("R")


@dataclass(frozen=True)
class StatsOptions:
    since: datetime | None = None  # as `--since` and `--until` read (`timeutil.parse_since`, `parse_until`)
    until: datetime | None = None
    rotation: bool = False
    previous: bool = False
    group: str = "2nd"


Progress = Callable[[str], None]


def run_stats(
    zendesk: ZendeskClient,
    metrics: ZendeskMetrics,
    rota: RotaClient | None,
    settings: Settings,
    options: StatsOptions,
    *,
    now: datetime,
    cache: StatsCache,
    on_progress: Progress | None = None,
) -> StatsResult:
    notes: list[str] = []
    entries = _rota(rota, settings, notes, needed=options.rotation or options.previous)
    window = resolve_window(
        now,
        since=options.since,
        until=options.until,
        rotation=options.rotation,
        previous=options.previous,
        rota=entries,
        notes=notes,
    )
    group = _group(zendesk, settings, options.group)
    groups = _groups(zendesk, settings, group)

    reader = EventReader(metrics, cache, now, on_progress)
    source = "events"
    try:
        reader.open(*read_range(window.start, window.end, now))
    except EventsForbidden:
        source = "metrics"
    result = StatsResult(window, group.name if group else None, source, now, notes=notes)
    if source == "metrics":
        result.cannot_count = list(CANNOT_COUNT)

    pool = SideBySide(WORKERS, name="stats")
    failed = True
    try:
        changed, untouched = _searches(pool, metrics, window, group, agent=source == "metrics")
        first_day = midnight(window.start.astimezone(UTC).date())
        updates = None  # an agent, refused the metric events, would be refused the ticket events too
        if source == "events":
            updates = pool.start(_stopping(metrics, _ticket_events), metrics, cache, first_day, now, on_progress)
        try:
            events = reader.finish() if source == "events" else None  # here: Ctrl-C stops a long wait at once
            found = (changed.result(), untouched.result())
            ticket_events = updates.result() if updates is not None else None
        except Interrupted as stopped:  # a task failed and ended every wait: its error is the run's
            raise _stopped_by([changed, untouched, *([updates] if updates else [])], stopped) from None
        tickets = {t.id: t for t in (*found[0].tickets, *found[1].tickets)}
        if events is not None:
            outcomes = event_outcomes(events, window.start, window.end, now)
            result.read = reader.read
        else:
            sets = {**found[0].metric_sets, **found[1].metric_sets}
            outcomes = metric_set_outcomes(tickets.values(), sets, window.start, window.end, now)
        missing = sorted({o.ticket_id for o in outcomes} - set(tickets))
        if missing:
            tickets.update((t.id, t) for t in metrics.tickets(missing).tickets)
        if ticket_events is not None:
            items, result.ticket_read = ticket_events
            recent = late(tickets.values(), items, now)  # updated in the minute the export leaves out
            audited = read_audits(pool, metrics, cache, recent, notes, on_progress)[0] if recent else {}
            histories = from_events(tickets, items, first_day, audited)
        else:
            result.flow_source = "audits"
            histories, result.flow_cannot_count = from_audits(
                pool, metrics, cache, found[0], groups, window.start, notes, on_progress
            )
            for ticket in tickets.values():
                histories.setdefault(ticket.id, History.unchanged(ticket))
        failed = False
    finally:
        if failed:
            metrics.cancel()  # a wait for a rate limit in another thread ends now
        pool.close(cancel=failed)  # on a failure the tasks not begun are dropped and none is waited for
        cache.flush()
    gone = {o.ticket_id for o in outcomes} - set(tickets)
    if gone and group is not None:
        notes.append(f"{len(gone)} SLA outcome(s) on tickets that no longer exist left out: their group is unknown")

    mine = [o for o in outcomes if in_group_at(histories, groups, o.ticket_id, o.at)]
    flow, arrivals, solves = count_flow(histories.values(), groups, window.start, window.end)
    result.flow = flow
    unseen = {o.metric for o in mine if met_unseen(o.metric)} if source == "metrics" else set()
    result.metrics = by_metric(mine, unseen)
    result.breaches = _breaches(zendesk, mine, tickets, histories, window)
    result.days = by_day(window, mine, arrivals, solves, engineers(window.days, entries))
    return result


def _ticket_events(
    metrics: ZendeskMetrics, cache: StatsCache, first: datetime, now: datetime, on_progress: Progress | None
) -> tuple[list[TicketEvent], EventsRead] | None:
    """Every ticket update from `first` to now, through the day cache; None when Zendesk refuses
    the export (only admins may read it)."""
    reader = ExportReader(
        metrics.ticket_event_pages,
        lambda: metrics.ticket_event_requests,
        TICKET_EVENTS,
        "ticket events",
        cache,
        now,
        on_progress,
    )
    try:
        reader.open(first, now)
    except EventsForbidden:
        return None
    return reader.finish(), reader.read


def _rota(rota: RotaClient | None, settings: Settings, notes: list[str], *, needed: bool) -> list[RotaEntry] | None:
    if rota is None:
        return None
    try:
        return rota.entries(settings.rota.role)
    except GovPressError as exc:
        if needed:
            notes.append(f"the rota service failed ({exc.message})")
        else:
            notes.append(f"no engineer by day: the rota service failed ({exc.message})")
        return None


def _group(zendesk: ZendeskClient, settings: Settings, name: str) -> Group | None:
    if name.strip().lower() in WHOLE_DESK:
        return None
    try:
        return resolve_group(zendesk, settings.groups, name)
    except UsageError as exc:
        raise UsageError(exc.message, f"{exc.hint or 'a group'}; or all, for the whole desk") from None


def _groups(zendesk: ZendeskClient, settings: Settings, group: Group | None) -> Groups:
    zs = settings.zendesk
    statuses = zendesk.custom_statuses() or []
    wanted = zs.believed_solved_status.strip().casefold()
    believed = next((s.id for s in statuses if s.agent_label.strip().casefold() == wanted), None)
    if group is None:
        return Groups(None, believed_status_id=believed, believed_tag=zs.believed_solved_tag)
    alias = alias_of(settings.groups, group)
    cascade = CASCADE.get(alias or "")
    cascade_to = resolve_group(zendesk, settings.groups, cascade).id if cascade else None
    triage = resolve_group(zendesk, settings.groups, "triage").id
    return Groups(group.id, cascade_to, triage, believed, zs.believed_solved_tag)


def _searches(
    pool: SideBySide, metrics: ZendeskMetrics, window: Window, group: Group | None, *, agent: bool
) -> tuple[Future[TicketSet], Future[TicketSet]]:
    """The tickets updated since the day before the window began (any group: they may have left
    it), and the group's unsolved tickets not updated since then (unchanged all through the
    window). A whole day before, by date: the boundary falls before the window's start whatever
    the account's time zone, and the query reads the same all day. An agent's searches bring the
    tickets' metric sets and SLA states, which their stats come from."""
    since = (window.start - timedelta(days=1)).astimezone(UTC).date().isoformat()
    where = f'group:"{group.name}" ' if group is not None else ""
    search = _stopping(metrics, metrics.search)
    changed = pool.start(search, f"updated>={since}", slas=agent, metric_sets=agent)
    untouched = pool.start(search, f"{where}status<solved updated<{since}", slas=agent, metric_sets=agent)
    return changed, untouched


def _stopping(metrics: ZendeskMetrics, fn: Callable[..., R]) -> Callable[..., R]:
    """`fn` for a task beside the run: when it fails, every wait of the run ends at once (the
    main thread's too, held by the exports' rate limit), since the run fails with it."""

    def task(*args: Any, **kwargs: Any) -> R:
        try:
            return fn(*args, **kwargs)
        except BaseException:
            metrics.cancel()
            raise

    return task


def _stopped_by(tasks: list[Future[Any]], stopped: Interrupted) -> BaseException:
    """The error of the task that ended the run's waits (the first in `tasks`' order that is not
    itself a wait ended), once all have ended; `stopped` when there is none."""
    wait(tasks)
    for task in tasks:
        error = None if task.cancelled() else task.exception()
        if error is not None and not isinstance(error, Interrupted):
            return error
    return stopped


def _breaches(
    zendesk: ZendeskClient,
    outcomes: Iterable[Outcome],
    tickets: Mapping[int, Ticket],
    histories: Mapping[int, History],
    window: Window,
) -> list[Breach]:
    breached = [o for o in outcomes if not o.met]
    holders: dict[tuple[int, datetime], int | None] = {}
    for outcome in breached:
        history = histories.get(outcome.ticket_id)
        state = history.holder_at(outcome.at) if history is not None else {}
        assignee = state.get("assignee_id")
        holders[(outcome.ticket_id, outcome.at)] = assignee if isinstance(assignee, int) else None
    people: dict[int, User] = zendesk.users({i for i in holders.values() if i}) if any(holders.values()) else {}
    found: list[Breach] = []
    for outcome in breached:
        ticket = tickets.get(outcome.ticket_id)
        holder = people.get(holders[(outcome.ticket_id, outcome.at)] or 0)
        found.append(
            Breach(
                ticket_id=outcome.ticket_id,
                url=ticket.agent_url if ticket else zendesk.agent_url(outcome.ticket_id),
                subject=ticket.subject if ticket else None,
                metric=outcome.metric,
                breached_at=outcome.at,
                met_at=outcome.met_at,
                late_by=(outcome.met_at or window.end) - outcome.at,
                held_by=holder.name if holder else None,
                held_by_email=holder.email if holder else None,
            )
        )
    return found
