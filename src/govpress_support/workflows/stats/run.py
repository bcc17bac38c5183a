"""`stats`: how the rotation went, SLA by SLA, and what came in and went out.

The order of work, and what runs side by side:

1. the window (the rota when `--rotation` asks, and for each day's engineer), the group, the
   believed-solved status;
2. the first page of the metric events (days the cache lacks): a 403 means an agent, and the
   ticket metrics instead (`source: metrics`);
3. side by side: the rest of the events; the tickets updated since the window began, and the
   group's queue untouched since, both with their metric sets (and SLAs, for the metrics source);
   then each changed ticket's audits that was or is in the group (cached by its update stamp);
4. tickets with outcomes not found yet (`show_many`), the assignees' names, and the counting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from govpress_support.core.config import Settings
from govpress_support.core.errors import GovPressError, UsageError
from govpress_support.core.groups import CASCADE, alias_of, resolve_group
from govpress_support.core.models import Group, MetricSet, RotaEntry, Ticket, User
from govpress_support.services.rota import RotaClient
from govpress_support.services.zendesk import TicketSet, ZendeskClient
from govpress_support.services.zendesk_metrics import EventsForbidden, ZendeskMetrics
from govpress_support.workflows.stats.cache import StatsCache
from govpress_support.workflows.stats.events import EventReader, event_outcomes, read_range
from govpress_support.workflows.stats.flow import Groups, History, count_flow, in_group_at
from govpress_support.workflows.stats.metrics import CANNOT_COUNT, met_unseen, metric_set_outcomes
from govpress_support.workflows.stats.models import Breach, Outcome, StatsResult, Window
from govpress_support.workflows.stats.series import by_day, by_metric
from govpress_support.workflows.stats.window import engineers, resolve_window

WHOLE_DESK = ("all", "any", "desk")
WORKERS = 4  # requests in flight at once


@dataclass(frozen=True)
class StatsOptions:
    since: str | None = None
    until: str | None = None
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

    pool = ThreadPoolExecutor(max_workers=WORKERS)
    failed = True
    try:
        found = pool.submit(_tickets, pool, metrics, cache, window, group, groups, notes, on_progress, source)
        events = reader.finish() if source == "events" else None  # here: Ctrl-C stops a long wait at once
        changed, untouched, histories = found.result()
        failed = False
    finally:
        pool.shutdown(wait=not failed, cancel_futures=failed)
        cache.flush()
    tickets = {t.id: t for t in (*changed.tickets, *untouched.tickets)}
    if events is not None:
        outcomes = event_outcomes(events, window.start, window.end, now)
        result.read = reader.read
    else:
        sets = {**changed.metric_sets, **untouched.metric_sets}
        outcomes = metric_set_outcomes(tickets.values(), sets, window.start, window.end, now)

    missing = sorted({o.ticket_id for o in outcomes} - set(tickets))
    if missing:
        more = metrics.tickets(missing)
        for ticket in more.tickets:
            tickets[ticket.id] = ticket
            histories.setdefault(ticket.id, History.unchanged(ticket))
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


def _tickets(
    pool: ThreadPoolExecutor,
    metrics: ZendeskMetrics,
    cache: StatsCache,
    window: Window,
    group: Group | None,
    groups: Groups,
    notes: list[str],
    on_progress: Progress | None,
    source: str,
) -> tuple[TicketSet, TicketSet, dict[int, History]]:
    """The tickets the window touched and their histories (run beside the events)."""
    changed, untouched = _searches(pool, metrics, window, group, slas=source == "metrics")
    histories = _histories(pool, metrics, cache, changed, groups, window.start, notes, on_progress)
    for ticket in untouched.tickets:
        histories.setdefault(ticket.id, History.unchanged(ticket))
    return changed, untouched, histories


def _searches(
    pool: ThreadPoolExecutor, metrics: ZendeskMetrics, window: Window, group: Group | None, *, slas: bool
) -> tuple[TicketSet, TicketSet]:
    """The tickets updated since the day before the window began (any group: they may have left
    it), and the group's unsolved tickets not updated since then (unchanged all through the
    window). A whole day before, by date: the boundary falls before the window's start whatever
    the account's time zone, and the query reads the same all day."""
    since = (window.start - timedelta(days=1)).astimezone(UTC).date().isoformat()
    where = f'group:"{group.name}" ' if group is not None else ""
    changed = pool.submit(metrics.search, f"updated>={since}", slas=slas)
    untouched = pool.submit(metrics.search, f"{where}status<solved updated<{since}", slas=slas)
    return changed.result(), untouched.result()


def _histories(
    pool: ThreadPoolExecutor,
    metrics: ZendeskMetrics,
    cache: StatsCache,
    changed: TicketSet,
    groups: Groups,
    start: datetime,
    notes: list[str],
    on_progress: Progress | None,
) -> dict[int, History]:
    """Each changed ticket's history: from its audits (cached by its update stamp) when it was or
    is in the group and changed in the window; as it is now when it never was in the group, or
    did not change after the window began."""
    histories: dict[int, History] = {}
    wanted: list[Ticket] = []
    for ticket in changed.tickets:
        quiet = ticket.updated_at is not None and ticket.updated_at < start  # the day before: unchanged since
        if not quiet and _may_have_been_in(ticket, changed.metric_sets.get(ticket.id), groups):
            cached = cache.history(ticket.id, ticket.updated_stamp)
            if cached is not None:
                histories[ticket.id] = History.of(ticket.id, cached)
            else:
                wanted.append(ticket)
        else:
            histories[ticket.id] = History.unchanged(ticket)
    reads = [(t, pool.submit(metrics.ticket_changes, t.id)) for t in wanted]
    gone = 0
    for done, (ticket, future) in enumerate(reads, start=1):
        changes = future.result()
        if on_progress is not None:
            on_progress(f"ticket histories: {done} of {len(reads)}")
        if changes is None:
            gone += 1
            continue
        cache.put_history(ticket.id, ticket.updated_stamp, changes)
        histories[ticket.id] = History.of(ticket.id, changes)
    if gone:
        notes.append(f"{gone} ticket(s) went while being read and are left out")
    return histories


def _may_have_been_in(ticket: Ticket, metric_set: MetricSet | None, groups: Groups) -> bool:
    if groups.group_id is None or ticket.group_id == groups.group_id:
        return True
    return metric_set is None or metric_set.group_stations != 1


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
