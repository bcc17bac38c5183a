"""What happened to Zendesk tickets: the incremental ticket metric events export (admins), ticket
audits (the group, status and assignee history) and tickets with their metric sets (what agents
read instead of the events).

The export is read time-based, as Zendesk documents it when no `page[size]` is sent: up to 1,000
events a page in time order; all events of a page's last second stay on that page, and the next
page starts at that second (`end_time`) again, so events seen before are dropped by id; the
stream ends on a page with `end_of_stream`. Breach events are written ahead of time, so the
stream runs past now. It is allowed for admins only: an agent's 403 is `EventsForbidden`, for
the caller to fall back on. Incremental exports have their own limit (10 requests a minute): a
429 is waited out here as its `Retry-After` says, each wait of a couple of seconds or more said
through `on_wait`, all of them together bounded by `max_wait` (and one page's tries by
`MAX_PAGE_TRIES`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from govpress_support.core.errors import AuthError, NotFoundError, RateLimitedError
from govpress_support.core.models import MetricEvent, TicketChange
from govpress_support.services import zendesk_json as read
from govpress_support.services.http import retry_after
from govpress_support.services.zendesk import TicketSet, ZendeskClient

EVENTS_PATH = "api/v2/incremental/ticket_metric_events"
EVENTS_PER_MINUTE = 10  # Zendesk's limit on the incremental exports, for messages
MAX_EXPORT_WAIT = 300.0  # seconds one run may wait for the export's rate limit, in all
LIMIT_WAIT = 60.0  # a 429 without a readable Retry-After: the limit's window
MAX_PAGE_TRIES = 20  # 429s on one page before giving up, whatever the waits
SAID_AFTER = 2.0  # waits at least this long are said


class EventsForbidden(AuthError):
    """The metric events are for admins only, and Zendesk said 403."""


@dataclass(frozen=True)
class EventPage:
    events: tuple[MetricEvent, ...]  # as sent, the repeated second included
    end_time: int  # where the next page starts
    end_of_stream: bool


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
        self.sleep = sleep or self.http.sleep
        self.waited = 0.0  # seconds spent waiting for the export's rate limit, this run
        self.event_requests = 0

    # --- the incremental export -------------------------------------------------------------------

    def event_pages(self, start_time: int) -> Iterator[EventPage]:
        """Pages of the export from `start_time` (Unix seconds) until the end of the stream; the
        caller stops reading when it has what it needs."""
        start = max(0, int(start_time))
        while True:
            data = self._events_page(start)
            events = tuple(e for e in (read.metric_event(i) for i in read.items(data, "ticket_metric_events")) if e)
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

    def _events_page(self, start: int) -> Any:
        for _ in range(MAX_PAGE_TRIES):
            self.event_requests += 1
            response = self.http.request(
                "GET", EVENTS_PATH, params={"start_time": start}, allow=(403, 429), what="the ticket metric events"
            )
            if response.status_code == 403:
                raise EventsForbidden(
                    "Zendesk lets only admins read the ticket metric events (403)",
                    "an agent's stats come from ticket metrics instead",
                    status=403,
                )
            if response.status_code != 429:
                return self.http.json_of(response)
            delay = retry_after(response.headers)
            delay = LIMIT_WAIT if delay is None else delay
            if self.waited + delay > self.max_wait:
                break
            if self.on_wait is not None and delay >= SAID_AFTER:
                self.on_wait(delay, f"Zendesk allows {EVENTS_PER_MINUTE} incremental export requests a minute")
            self.sleep(delay)
            self.waited += delay
        raise RateLimitedError(
            f"Zendesk is still limiting its incremental export ({EVENTS_PER_MINUTE} requests a minute) "
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
        self, query: str, *, slas: bool = False, on_page: Callable[[int, int | None], None] | None = None
    ) -> TicketSet:
        """Every ticket a search finds, with its metric set (and its SLAs with `slas`). Metric sets
        an endpoint did not sideload (the export may not) are read with `show_many`; a ticket
        still without one is left without (the caller reads its audits instead)."""
        sideload = ("metric_sets", "slas") if slas else ("metric_sets",)
        found = self.zendesk.search_tickets(query, sideload=sideload, on_page=on_page)
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


def unique(pages: Iterable[EventPage], seen: set[int]) -> Iterator[MetricEvent]:
    """The events of pages not seen before (by id): each page repeats the last second of the one
    before it. `seen` is updated."""
    for page in pages:
        for event in page.events:
            if event.id not in seen:
                seen.add(event.id)
                yield event
