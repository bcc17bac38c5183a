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
own limit (10 requests a minute): a 429 is waited out by the HTTP layer as its `Retry-After`
says, like every rate limit, each long wait said through the client's `on_wait`; a page's
request has the client's policy with `EXPORT_LIMIT_WAIT` of rate-limit waits allowed past its
deadline (a minute's window is longer than a deadline leaves room for; a dead server is still
given up on at the deadline); that limit holds back only the export pages (`EXPORTS_LIMIT`).
`cancel()` ends a wait at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, Generic, TypeVar

from govpress_support.core import timeutil
from govpress_support.core.errors import AuthError, NotFoundError
from govpress_support.core.models import MetricEvent, TicketChange, TicketEvent
from govpress_support.services import zendesk_json as read
from govpress_support.services.zendesk import TicketSet, ZendeskClient

EVENTS_PATH = "api/v2/incremental/ticket_metric_events"
TICKET_EVENTS_PATH = "api/v2/incremental/ticket_events"
# Seconds of waiting for the exports' rate limit (10 requests a minute, both exports together)
# one page's request may add to its deadline: a few of the limit's one-minute windows.
EXPORT_LIMIT_WAIT = 300.0
# The exports' limit is theirs alone: its 429 holds back the export pages, not the searches and
# audits going side by side (`HttpClient.request(scope=)`).
EXPORTS_LIMIT = "incremental exports"
RECENT = timedelta(seconds=90)  # a ticket events start_time must be a minute old: this, with a margin

T = TypeVar("T", MetricEvent, TicketEvent)


class EventsForbidden(AuthError):
    """An export is for admins only, and Zendesk said 403."""


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
    def __init__(self, zendesk: ZendeskClient, *, past_deadline: float = EXPORT_LIMIT_WAIT):
        self.zendesk = zendesk
        self.http = zendesk.http
        self.policy = replace(self.http.retry, past_deadline=past_deadline)  # an export page's request
        self.event_requests = 0  # pages asked of the metric events export
        self.ticket_event_requests = 0
        self._lock = threading.Lock()

    def cancel(self) -> None:
        """The run is stopped: any wait ends now, and no request is tried again (`Interrupted`)."""
        self.http.cancel()

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
        with self._lock:
            if export is METRIC_EVENTS:
                self.event_requests += 1
            else:
                self.ticket_event_requests += 1
        response = self.http.request(
            "GET",
            export.path,
            params={"start_time": start},
            allow=(403,),
            what=export.what,
            policy=self.policy,
            scope=EXPORTS_LIMIT,
        )
        if response.status_code == 403:
            raise EventsForbidden(
                f"Zendesk lets only admins read {export.what} (403)", export.forbidden_hint, status=403
            )
        return self.http.json_of(response)

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
