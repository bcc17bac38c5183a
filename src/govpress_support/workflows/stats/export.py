"""Reading an incremental export (the metric events, the ticket events) through the day cache:
days the cache holds from it, the rest from the export, one run of pages per stretch of missing
days, each finished day read through kept for the next run."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Generic, TypeVar

from govpress_support.core.models import MetricEvent, TicketEvent
from govpress_support.services.zendesk_metrics import EventPage
from govpress_support.workflows.stats.cache import Codec, StatsCache
from govpress_support.workflows.stats.models import EventsRead
from govpress_support.workflows.stats.window import midnight

T = TypeVar("T", MetricEvent, TicketEvent)


class ExportReader(Generic[T]):
    """Reads the items of [first, until) of one export. `open()` sends the first request (so a
    403 is known before anything else starts); `finish()` reads the rest and returns every item
    read, without repeats, in time order.

    `pages(start)` pages the export from a Unix time; `requests()` says how many pages it has
    asked for so far."""

    def __init__(
        self,
        pages: Callable[[int], Iterator[EventPage[T]]],
        requests: Callable[[], int],
        codec: Codec[T],
        label: str,
        cache: StatsCache,
        now: datetime,
        on_progress: Callable[[str], None] | None = None,
    ):
        self.pages: Callable[[int], Iterator[EventPage[T]]] = pages
        self.requests = requests
        self.codec: Codec[T] = codec
        self.label = label
        self.cache = cache
        self.now = now
        self.on_progress = on_progress
        self.read = EventsRead()
        self._items: dict[int, T] = {}
        self._stretches: list[tuple[datetime, datetime]] = []
        self._first: tuple[datetime, datetime, Iterator[EventPage[T]], EventPage[T]] | None = None

    def open(self, first: datetime, until: datetime) -> None:
        day = first.date()
        missing: list[date] = []
        while midnight(day) < until:
            cached = self.cache.day(day, self.codec)
            if cached is None:
                missing.append(day)
            else:
                self.read.cached_days += 1
                self._items.update((e.id, e) for e in cached)
            day += timedelta(days=1)
        for day in missing:  # stretches of consecutive missing days
            start = midnight(day)
            if self._stretches and self._stretches[-1][1] == start:
                self._stretches[-1] = (self._stretches[-1][0], min(until, start + timedelta(days=1)))
            else:
                self._stretches.append((start, min(until, start + timedelta(days=1))))
        if self._stretches:
            start, end = self._stretches.pop(0)
            pages = self.pages(int(start.timestamp()))
            self._first = (start, end, pages, next(pages))

    def finish(self) -> list[T]:
        ended = False  # a stretch read to the end of the stream: the later ones are read too
        while self._first is not None or self._stretches:
            if self._first is not None:
                start, end, pages, page = self._first
                self._first = None
            else:
                start, end = self._stretches.pop(0)
                if ended:
                    self._keep(start, end, None)
                    continue
                pages = self.pages(int(start.timestamp()))
                page = next(pages)
            reached, ended = self._stretch(end, pages, page)
            self._keep(start, end, None if ended else reached)
        self.read.requests = self.requests()
        self.read.events = len(self._items)
        return sorted(self._items.values(), key=lambda e: (e.time, e.id))

    def _stretch(
        self, end: datetime, pages: Iterator[EventPage[T]], page: EventPage[T]
    ) -> tuple[datetime | None, bool]:
        """Page on until past `end` or the stream's end: how far it reached, and whether it ended."""
        reached: datetime | None = None
        while True:
            for item in page.events:
                self._items.setdefault(item.id, item)
            if page.events:
                reached = max(reached or page.events[-1].time, page.events[-1].time)
            if self.on_progress is not None:
                self.on_progress(f"{self.label}: {len(self._items)} read")
            if page.end_of_stream or (reached is not None and reached >= end):
                return reached, page.end_of_stream
            page = next(pages)

    def _keep(self, start: datetime, end: datetime, whole_until: datetime | None) -> None:
        """Cache the finished days of [start, end) read whole (all of them when `whole_until` is
        None: the stream's end was read)."""
        by_day: defaultdict[date, list[T]] = defaultdict(list)
        for item in self._items.values():
            day = item.time.astimezone(UTC).date()
            if start <= midnight(day) < end:
                by_day[day].append(item)
        day = start.date()
        while midnight(day) < end:
            self.read.fetched_days += 1
            if whole_until is None or whole_until >= midnight(day) + timedelta(days=1):
                self.cache.put_day(day, by_day.get(day, []), self.codec)
            day += timedelta(days=1)
