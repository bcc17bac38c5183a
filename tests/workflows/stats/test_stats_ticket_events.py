"""Where the flow and "who held it" come from: an admin's run reads the ticket events export a page
of 1,000 updates at a time (never a request per ticket), and counts what the tickets' audits
would; a ticket updated in the minute the export leaves out is read from its own audits; an
agent (or an admin refused the export) reads audits, bounded, and the result says what that
leaves out."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from govpress_support.core import config
from govpress_support.core.errors import ApiError
from govpress_support.core.timeutil import parse_since
from govpress_support.sandbox import SandboxApp
from govpress_support.services.connect import Clients
from govpress_support.services.zendesk_metrics import ZendeskMetrics
from govpress_support.workflows.stats import StatsOptions, histories, run_stats
from govpress_support.workflows.stats.cache import StatsCache
from govpress_support.workflows.stats.metrics import CANNOT_COUNT
from tests.desk import Desk
from tests.seed_names import CUSTOM_STATUSES, PRIYA, SCOPING, SECOND_LINE, SEED
from tests.transport_faults import TransportFaults
from tests.workflows.stats.conftest import Clock, Stats
from tests.workflows.stats.test_stats_sandbox import EVENTS, TICKET_EVENTS, _fresh, adds_up


def requests_to(faults: TransportFaults, part: str) -> list[str]:
    return [line for line in faults.log if part in line]


def test_an_admins_run_reads_pages_of_updates_not_a_request_per_ticket(stats: Stats, faults: TransportFaults) -> None:
    result = stats(group="all")
    assert result.flow_source == "ticket_events" and result.record()["flow_source"] == "ticket_events"
    assert requests_to(faults, "/audits") == []
    assert len(requests_to(faults, TICKET_EVENTS)) == result.ticket_read.requests == 1  # the seeded month: one page
    assert len(requests_to(faults, EVENTS)) == result.read.requests
    assert result.ticket_read.fetched_days == 8 and result.ticket_read.events > 100
    assert len(faults.log) <= 15  # both exports, two searches, and a few look-ups: whatever the tickets


def test_after_the_tool_moves_and_solves_tickets_both_sources_count_the_same(
    stats: Stats, desk: Desk, faults: TransportFaults, clock: Clock
) -> None:
    clock.advance(minutes=30)
    believed = CUSTOM_STATUSES["Pending believed solved"]
    for ticket_id, changes in (
        (SEED.mine_open, {"group_id": SCOPING}),  # cascaded on
        (SEED.unassigned_2nd_line, {"status": "solved", "comment": {"body": "Done.", "public": True}}),
        (SEED.first_line_assignee_in_2nd, {"group_id": SECOND_LINE}),  # moved in
        (SEED.mine_low_priority, {"status": "pending", "custom_status_id": believed}),
        (SEED.breached_urgent, {"assignee_id": PRIYA.id}),  # who holds it changes
    ):
        clock.advance(minutes=7)
        desk.zendesk.put(f"/api/v2/tickets/{ticket_id}", json={"ticket": changes}).raise_for_status()
    desk.zendesk.post(
        "/api/v2/tickets",
        json={"ticket": {"subject": "New form broken", "comment": {"body": "Since today."}, "group_id": SECOND_LINE}},
    ).raise_for_status()
    clock.advance(minutes=2)
    events = stats()
    faults.add("GET", TICKET_EVENTS, "403")  # an admin refused the export: audits, as for an agent
    audits = stats()
    assert (events.flow_source, audits.flow_source) == ("ticket_events", "audits")
    assert events.flow == audits.flow and adds_up(events.flow)
    flow = events.flow
    assert (flow.created_in_group, flow.cascaded, flow.believed_solved) == (1, 3, 2)  # the seeded week's, and ours
    holders = {(b.ticket_id, b.breached_at): b.held_by for b in events.breaches}
    assert holders == {(b.ticket_id, b.breached_at): b.held_by for b in audits.breaches}
    assert [(d.arrivals, d.solves) for d in events.days] == [(d.arrivals, d.solves) for d in audits.days]


def test_a_move_in_the_minute_the_export_leaves_out_is_read_from_that_tickets_audits(
    stats: Stats, desk: Desk, faults: TransportFaults, clock: Clock
) -> None:
    before = stats()
    clock.advance(minutes=10)
    desk.zendesk.put(f"/api/v2/tickets/{SEED.mine_open}", json={"ticket": {"group_id": SCOPING}}).raise_for_status()
    clock.advance(seconds=20)
    faults.requests.clear()
    after = stats()
    assert requests_to(faults, "/audits") == [f"GET /api/v2/tickets/{SEED.mine_open}/audits"]
    assert after.flow.cascaded == (before.flow.cascaded or 0) + 1
    assert after.flow.queue_end == before.flow.queue_end - 1 and after.flow.queue_start == before.flow.queue_start
    clock.advance(minutes=5)  # exported now: no audits
    faults.requests.clear()
    assert stats().flow == after.flow and requests_to(faults, "/audits") == []


def test_an_agents_audits_are_bounded_and_the_result_says_what_the_flow_leaves_out(
    stats: Stats, faults: TransportFaults, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = stats(email=PRIYA.email)
    read = len(requests_to(faults, "/audits"))
    assert whole.flow_cannot_count == [] and read > 5
    monkeypatch.setattr(histories, "MAX_AUDITS", 5)
    faults.requests.clear()
    bounded = _fresh(stats)(email=PRIYA.email)
    assert len(requests_to(faults, "/audits")) == 5
    [gap] = bounded.flow_cannot_count
    assert f"{read - 5} more changed ticket(s)" in gap and "5 at most" in gap
    assert bounded.record()["cannot_count"] == [*CANNOT_COUNT, gap]
    assert bounded.flow_source == "audits" and bounded.metrics == whole.metrics  # the SLA figures do not change


@pytest.mark.parametrize("days", [1, 3])
def test_each_finished_day_of_updates_is_read_once(stats: Stats, faults: TransportFaults, days: int) -> None:
    stats(since=parse_since(f"{days}d"))
    faults.requests.clear()
    again = stats(since=parse_since(f"{days + 2}d"))  # two more days back: those, and today, are read
    assert again.ticket_read.cached_days == days and again.ticket_read.fetched_days == 3
    # From the first missing day the pages run to the end of the stream, today included: one request.
    assert len(requests_to(faults, TICKET_EVENTS)) == 1


class Refusing(httpx.BaseTransport):
    """The sandbox, but the ticket events export says to wait a minute (Retry-After) and every
    search fails outright (400)."""

    def __init__(self, inner: httpx.BaseTransport):
        self.inner = inner
        self.log: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.log.append(request.url.path)
        if request.url.path.endswith(TICKET_EVENTS):
            return httpx.Response(429, headers={"Retry-After": "60"}, json={"error": "APIRateLimitExceeded"})
        if "/search" in request.url.path:
            return httpx.Response(400, json={"error": "InvalidSearch", "description": "refused for the test"})
        return self.inner.handle_request(request)


def test_a_run_that_fails_ends_the_other_exports_wait_at_once(isolated: Path, clock: Clock, app: SandboxApp) -> None:
    """The searches fail while the ticket events wait in another thread for the exports' limit:
    the run stops with the searches' error, and the waiting thread is told to stop (the HTTP
    layer's `cancel()`) instead of sleeping on for a minute and keeping the process from ending."""
    transport = Refusing(app.transport())
    clients = Clients(config.Settings(), sandbox=True, state_dir=isolated, transport=transport)
    before = set(threading.enumerate())
    try:
        with pytest.raises(ApiError, match="refused for the test"):
            run_stats(
                clients.zendesk,
                ZendeskMetrics(clients.zendesk),  # the HTTP layer's own waits: real ones
                None,
                clients.settings,
                StatsOptions(group="all"),
                now=clock.now,
                cache=StatsCache(None, clock.now),
            )
    finally:
        clients.close()
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=30)  # a bound on a hung test: a thread left asleep would take 60 s
        assert not thread.is_alive(), f"{thread.name} still waiting for the rate limit"
    assert transport.log.count(TICKET_EVENTS) <= 1  # never tried again once the run stopped
