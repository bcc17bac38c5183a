"""Zendesk's ticket search, however many results (`ZendeskClient.search_tickets` calls it).

- Up to Zendesk's 1,000-result limit, the search endpoint, 100 a page: the first page's `count`
  tells how many pages there are, and the rest are read side by side (`parallel.py`), then taken
  in page order, so the tickets and their order are what reading the pages one after another
  gives. When the query's size is cached from last time, the pages it needed go out with the
  first. A last page that still has a `next_page` (the result grew meanwhile) is followed.
- Past the limit, the export endpoint (cursor pages of 1,000): its cursor makes it one page
  after another by nature. A query known to be past the limit goes straight there.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from govpress_support.core.models import MetricSet, Organization, Ticket, User
from govpress_support.services import zendesk_json as read
from govpress_support.services.parallel import SideBySide, borrowed

if TYPE_CHECKING:
    from govpress_support.services.zendesk import ZendeskClient

PAGE_SIZE = 100  # the most Zendesk gives per page
SEARCH_LIMIT = 1000  # results the search endpoint will page through
# The export endpoint takes up to 1,000 a page. Zendesk suggests 100 because big pages of
# *archived* tickets can time out; the searches here ask for unsolved tickets, which are never
# archived, so a big page costs one request where ten would do.
EXPORT_PAGE_SIZE = 1000


@dataclass
class TicketSet:
    """Tickets with the users and organisations they refer to (and metric sets, when sideloaded)."""

    tickets: list[Ticket] = field(default_factory=list)
    users: dict[int, User] = field(default_factory=dict)
    organizations: dict[int, Organization] = field(default_factory=dict)
    metric_sets: dict[int, MetricSet] = field(default_factory=dict)
    used_export: bool = False


Progress = Callable[[int, int | None], None]


def search_tickets(
    client: ZendeskClient,
    query: str,
    *,
    sideload: Sequence[str],
    on_page: Progress | None = None,
    pool: SideBySide | None = None,
) -> TicketSet:
    include = f"tickets({','.join(sideload)})" if sideload else None
    size_key = f"search size {client.base_url} {query}"
    known = client.cache.get(size_key) if client.cache is not None else None
    if isinstance(known, int) and known > SEARCH_LIMIT:
        found = _export(client, query, include, sideload, on_page, None)
        _remember(client, size_key, len(found.tickets))
        return found

    params: dict[str, Any] = {
        "query": f"type:ticket {query}".strip(),
        "per_page": PAGE_SIZE,
        "sort_by": "created_at",
        "sort_order": "asc",
    }
    if include:
        params["include"] = include
    result = TicketSet()
    seen: set[int] = set()
    with borrowed(pool) as run:
        guess = _pages(known) if isinstance(known, int) else 1
        ahead: dict[int, Future[Any]] = {n: run.start(_page, client, params, n) for n in range(2, guess + 1)}
        first = _page(client, params, 1)
        total = first.get("count") if isinstance(first, dict) else None
        if isinstance(total, int):
            _remember(client, size_key, total)
        if isinstance(total, int) and total > SEARCH_LIMIT:
            _drop(ahead.values())
            return _export(client, query, include, sideload, on_page, total)
        wanted = _pages(total) if isinstance(total, int) else 1
        _drop(f for n, f in ahead.items() if n > wanted)
        for n in range(guess + 1, wanted + 1):
            ahead[n] = run.start(_page, client, params, n)
        last = first
        for n in range(1, wanted + 1):
            last = first if n == 1 else ahead[n].result()
            client.absorb(result, last, _fresh(last, seen))  # offset paging can repeat results
            if on_page:
                on_page(len(result.tickets), total if isinstance(total, int) else None)
    nxt = last.get("next_page") if isinstance(last, dict) else None
    if isinstance(nxt, str) and nxt:  # more than the count said: follow the links
        for data in client.offset_pages(client.next_link(nxt), None):
            client.absorb(result, data, _fresh(data, seen))
            if on_page:
                on_page(len(result.tickets), total if isinstance(total, int) else None)
    client.complete(result, sideload)
    return result


def _page(client: ZendeskClient, params: dict[str, Any], number: int) -> Any:
    return client.http.get_json("api/v2/search", {**params, "page": number} if number > 1 else params)


def _pages(size: int) -> int:
    """Search pages for `size` results (at least one, at most the limit's)."""
    return max(1, min(math.ceil(size / PAGE_SIZE), SEARCH_LIMIT // PAGE_SIZE))


def _drop(futures: Any) -> None:
    """Pages asked ahead that turned out not to be wanted: not sent if not begun."""
    for future in futures:
        future.cancel()


def _remember(client: ZendeskClient, key: str, size: int) -> None:
    if client.cache is not None:
        client.cache.put(key, size)


def _export(
    client: ZendeskClient,
    query: str,
    include: str | None,
    sideload: Sequence[str],
    on_page: Progress | None,
    total: int | None,
) -> TicketSet:
    result = TicketSet(used_export=True)
    seen: set[int] = set()
    params: dict[str, Any] = {"query": query, "filter[type]": "ticket", "page[size]": EXPORT_PAGE_SIZE}
    if include:
        params["include"] = include
    for data in client.cursor_pages("api/v2/search/export", params):
        client.absorb(result, data, _fresh(data, seen))
        if on_page:
            on_page(len(result.tickets), total)
    client.complete(result, sideload)
    return result


def _fresh(data: Any, seen: set[int]) -> list[dict[str, Any]]:
    """The ticket results of a search page not seen on an earlier page (noting them as seen)."""
    fresh: list[dict[str, Any]] = []
    for item in read.items(data, "results"):
        ticket_id = read.as_int(item.get("id"))
        if item.get("result_type", "ticket") == "ticket" and ticket_id is not None and ticket_id not in seen:
            seen.add(ticket_id)
            fresh.append(item)
    return fresh
