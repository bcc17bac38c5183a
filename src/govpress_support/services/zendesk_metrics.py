"""What happened to Zendesk tickets: the incremental ticket metric events export and the
incremental ticket event export (both admins only), ticket audits (one ticket's group, status and
assignee history) and tickets with their metric sets (what agents read instead of the events).

Both exports are read time-based, as Zendesk documents it when no `page[size]` is sent: up to
1,000 items a page in time order; all items of a page's last second stay on that page, and the
next page starts at that second (`end_time`) again, so items seen before are dropped by id; the
stream ends on a page with `end_of_stream`. Breach events are written ahead of time, so the
metric events run past now; the ticket events leave out the last minute (a `start_time` must be
at least a minute old, so a later one is moved back). Both are allowed for admins only: an
agent's 403 is `EventsForbidden`, for the caller to fall back on. Incremental exports share their
own limit (10 requests a minute): a 429 is waited out here as its `Retry-After` says, each wait
of a couple of seconds or more said through `on_wait`, the time spent waiting bounded by
`max_wait` (both exports, read side by side, may wait at once: that time counts once) and one
page's tries by `MAX_PAGE_TRIES`; `cancel()` ends a wait at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from govpress_support.core import timeutil
from govpress_support.core.errors import AuthError, GovPressError, NotFoundError, RateLimitedError
from govpress_support.core.models import MetricEvent, TicketChange, TicketEvent
from govpress_support.services import zendesk_json as read
from govpress_support.services.http import retry_after
from govpress_support.services.zendesk import TicketSet, ZendeskClient

EVENTS_PATH = "api/v2/incremental/ticket_metric_events"
TICKET_EVENTS_PATH = "api/v2/incremental/ticket_events"
EVENTS_PER_MINUTE = 10  # Zendesk's limit on the incremental exports, for messages
MAX_EXPORT_WAIT = 300.0  # seconds one run may wait for the exports' rate limit, in all
LIMIT_WAIT = 60.0  # a 429 without a readable Retry-After: the limit's window
MAX_PAGE_TRIES = 20  # 429s on one page before giving up, whatever the waits
SAID_AFTER = 2.0  # waits at least this long are said
RECENT = timedelta(seconds=90)  # a ticket events start_time must be a minute old: this, with a margin

T = TypeVar("T", MetricEvent, TicketEvent)


class EventsForbidden(AuthError):
    """An export is for admins only, and Zendesk said 403."""


class Cancelled(GovPressError):
    """The run was stopped while an export waited for its rate limit."""


@dataclass(frozen=True)
class EventPage(Generic[T]):
    events: tuple[T, ...]  # as sent, the repeated second included
    end_time: int  # where the next page starts
    end_of_stream: bool


@dataclass(frozen=True)
class Export(Generic[T]):
    """One of the incremental exports: where, under which key, how an item is read, and what to
    say when an agent may not read it."""

    path: str
    key: str
    what: str
    parse: Callable[[Any], T | None]
    forbidden_hint: str


METRIC_EVENTS: Export[MetricEvent] = Export(
    EVENTS_PATH,
    "ticket_metric_events",
    "the ticket metric events",
    read.metric_event,
    "an agent's stats come from ticket metrics instead",
)
TICKET_EVENTS: Export[TicketEvent] = Export(
    TICKET_EVENTS_PATH,
    "ticket_events",
    "the ticket events",
    read.ticket_event,
    "the flow comes from each ticket's audits instead",
)


class ZendeskMetrics:
    def __init__(
        self,
        zendesk: ZendeskClient,
        *,
        max_wait: float = MAX_EXPORT_WAIT,
        on_wait: Callable[[float, str], None] | None = None,
        sleep: Callable[[float], None] | None = None,
    ):
        self.zendesk = zendesk
        self.http = zendesk.http
        self.max_wait = max_wait
        self.on_wait = on_wait
        self._stop = threading.Event()
        self.sleep = sleep or self._wait
        self.waited = 0.0  # seconds spent waiting for the exports' rate limit, this run (waits at once: once)
        self._waiting_until: datetime | None = None
        self.event_requests = 0  # to the metric events export
        self.ticket_event_requests = 0
        self._lock = threading.Lock()

    def cancel(self) -> None:
        """End any wait for the rate limit now (the run is stopped): the export raises `Cancelled`."""
        self._stop.set()

    def _wait(self, seconds: float) -> None:
        self._stop.wait(seconds)

    # --- the incremental exports ------------------------------------------------------------------

    def event_pages(self, start_time: int) -> Iterator[EventPage[MetricEvent]]:
        """Pages of the metric events from `start_time` (Unix seconds) until the end of the
        stream; the caller stops reading when it has what it needs."""
        return self._pages(METRIC_EVENTS, start_time)

    def ticket_event_pages(self, start_time: int) -> Iterator[EventPage[TicketEvent]]:
        """Pages of the ticket events (each ticket update, with the fields it set or changed) from
        `start_time`, moved back to a minute and a half ago when it is later (Zendesk refuses a
        start within the last minute, which it does not export yet)."""
        latest = int((timeutil.now() - RECENT).timestamp())
        return self._pages(TICKET_EVENTS, min(int(start_time), latest))

    def _pages(self, export: Export[T], start_time: int) -> Iterator[EventPage[T]]:
        start = max(0, int(start_time))
        while True:
            data = self._page(export, start)
            events = tuple(e for e in (export.parse(i) for i in read.items(data, export.key)) if e)
            end_time = read.as_int(data.get("end_time")) if isinstance(data, dict) else None
            end_of_stream = not isinstance(data, dict) or data.get("end_of_stream") is not False
            if end_time is None:
                end_time = int(max((e.time.timestamp() for e in events), default=start))
            if not end_of_stream and end_time <= start:
                end_time = start + 1  # a page of one second only: move on rather than read it again
            yield EventPage(events, end_time, end_of_stream)
            if end_of_stream:
                return
            start = end_time

    def _page(self, export: Export[T], start: int) -> Any:
        for _ in range(MAX_PAGE_TRIES):
            with self._lock:
                if export is METRIC_EVENTS:
                    self.event_requests += 1
                else:
                    self.ticket_event_requests += 1
            response = self.http.request(
                "GET", export.path, params={"start_time": start}, allow=(403, 429), what=export.what
            )
            if response.status_code == 403:
                raise EventsForbidden(
                    f"Zendesk lets only admins read {export.what} (403)", export.forbidden_hint, status=403
                )
            if response.status_code != 429:
                return self.http.json_of(response)
            delay = retry_after(response.headers)
            delay = LIMIT_WAIT if delay is None else delay
            with self._lock:  # both exports may wait at once: count the time, not each wait
                now = timeutil.now()
                until = now + timedelta(seconds=delay)
                more = max(0.0, (until - max(now, self._waiting_until or now)).total_seconds())
                if self.waited + more > self.max_wait:
                    break
                self.waited += more
                self._waiting_until = max(until, self._waiting_until or until)
            if self.on_wait is not None and delay >= SAID_AFTER:
                self.on_wait(delay, f"Zendesk allows {EVENTS_PER_MINUTE} incremental export requests a minute")
            self.sleep(delay)
            if self._stop.is_set():
                raise Cancelled("stopped while waiting for Zendesk's incremental export limit")
        raise RateLimitedError(
            f"Zendesk is still limiting its incremental exports ({EVENTS_PER_MINUTE} requests a minute) "
            f"after {self.waited:.0f}s of waiting",
            "run the command again in a minute: the finished days read so far are cached",
            status=429,
        )

    # --- audits -------------------------------------------------------------------------------------

    def ticket_changes(self, ticket_id: int) -> list[TicketChange] | None:
        """A ticket's group, status, custom status, assignee and tag changes, oldest first, from
        its audits; None when the ticket is gone."""
        changes: list[TicketChange] = []
        try:
            for audit in self.zendesk.paginate_cursor(f"api/v2/tickets/{int(ticket_id)}/audits", "audits"):
                changes.extend(read.ticket_changes(audit))
        except NotFoundError:
            return None
        return sorted(changes, key=lambda c: c.at)

    # --- tickets with their metric sets -------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        slas: bool = False,
        metric_sets: bool = True,
        on_page: Callable[[int, int | None], None] | None = None,
    ) -> TicketSet:
        """Every ticket a search finds, with its metric set (unless `metric_sets` is False) and
        its SLAs with `slas`. Metric sets an endpoint did not sideload (the export may not) are
        read with `show_many`; a ticket still without one is left without (the caller reads its
        audits instead)."""
        sideload = (*(("metric_sets",) if metric_sets else ()), *(("slas",) if slas else ()))
        found = self.zendesk.search_tickets(query, sideload=sideload, on_page=on_page)
        if metric_sets:
            self._complete(found)
        return found

    def tickets(self, ids: Iterable[int], *, slas: bool = False) -> TicketSet:
        """Tickets by id (100 a request) with their metric sets; missing ids are simply absent."""
        found = self.zendesk.tickets(ids, sideload=("metric_sets", "slas") if slas else ("metric_sets",))
        self._complete(found)
        return found

    def _complete(self, found: TicketSet) -> None:
        missing = [t.id for t in found.tickets if t.id not in found.metric_sets]
        if missing:
            found.metric_sets.update(self.zendesk.tickets(missing, sideload=("metric_sets",)).metric_sets)


def unique(pages: Iterable[EventPage[T]], seen: set[int]) -> Iterator[T]:
    """The events of pages not seen before (by id): each page repeats the last second of the one
    before it. `seen` is updated."""
    for page in pages:
        for event in page.events:
            if event.id not in seen:
                seen.add(event.id)
                yield event
