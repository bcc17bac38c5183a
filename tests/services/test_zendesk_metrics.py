"""The metric events client against the sandbox: the time-based export paged to its end with the
repeated second dropped, 403 for an agent, the 10-a-minute limit waited out (each wait said, all
of them bounded); ticket audits as group, status and assignee changes; tickets with their metric
sets, read again where an endpoint left them out; and the readers of each shape."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from govpress_support.core import config, timeutil
from govpress_support.core.errors import ExitCode, RateLimitedError
from govpress_support.services import zendesk_json as read
from govpress_support.services.connect import Clients
from govpress_support.services.http import HttpClient, RetryPolicy, ServiceInfo
from govpress_support.services.zendesk import ZendeskClient
from govpress_support.services.zendesk_metrics import EventsForbidden, ZendeskMetrics, unique
from tests.desk import Desk
from tests.sandbox.conftest import START, Clock
from tests.seed_names import FIRST_LINE, PRIYA, SECOND_LINE, SEED, TRIAGE

NOW = START
EVENTS = "/api/v2/incremental/ticket_metric_events"


@pytest.fixture
def clock() -> Clock:
    frozen = Clock(NOW)
    timeutil.set_clock(frozen)  # before the sandbox seeds itself; `isolated` puts the real clock back
    return frozen


def sleeper(clock: Clock) -> Callable[[float], None]:
    return lambda seconds: clock.advance(seconds=seconds)


def clients_as(state: Path, email: str | None = None) -> Iterator[Clients]:
    environ = {"ZENDESK_EMAIL": email} if email else {}
    made = Clients(config.Settings(), sandbox=True, state_dir=state, environ=environ)
    yield made
    made.close()


@pytest.fixture
def admin(isolated: Path, clock: Clock) -> Iterator[Clients]:
    yield from clients_as(isolated)


def start_of(days_ago: int) -> int:
    return int((NOW - timedelta(days=days_ago)).timestamp())


def test_the_export_pages_to_the_end_of_the_stream_without_repeats(admin: Clients, desk: Desk) -> None:
    desk.app.settings.rate_limits = False
    metrics = ZendeskMetrics(admin.zendesk)
    pages = list(metrics.event_pages(start_of(30)))
    assert len(pages) >= 3 and pages[-1].end_of_stream and not any(p.end_of_stream for p in pages[:-1])
    sent = sum(len(p.events) for p in pages)
    events = list(unique(pages, set()))
    assert len(events) < sent  # each page repeated the last second of the one before
    assert len({e.id for e in events}) == len(events)
    times = [(e.time, e.id) for e in events]
    assert times == sorted(times) and times[0][0] >= NOW - timedelta(days=30)
    assert any(e.time > NOW for e in events)  # breaches written ahead: the stream runs past now
    raw = desk.get(EVENTS, start_time=int(times[-1][0].timestamp()))["ticket_metric_events"]
    assert {e["id"] for e in raw} <= {e.id for e in events}
    assert metrics.event_requests == len(pages)


def test_an_agent_is_refused_the_events(isolated: Path, clock: Clock, desk: Desk) -> None:
    for agent in clients_as(isolated, PRIYA.email):
        with pytest.raises(EventsForbidden) as caught:
            next(ZendeskMetrics(agent.zendesk).event_pages(start_of(7)))
        assert caught.value.status == 403 and caught.value.exit_code is ExitCode.AUTH


def spend_the_minute(clients: Clients) -> None:
    """Ten requests to the export, this minute's all."""
    for _ in range(10):
        clients.zendesk.http.get_json(EVENTS, {"start_time": start_of(1)})


def test_the_rate_limit_is_waited_out_and_each_wait_said(admin: Clients, clock: Clock) -> None:
    spend_the_minute(admin)
    said: list[tuple[float, str]] = []
    metrics = ZendeskMetrics(admin.zendesk, on_wait=lambda s, why: said.append((s, why)), sleep=sleeper(clock))
    page = next(metrics.event_pages(start_of(1)))
    assert page.events
    assert len(said) == 1 and 0 < said[0][0] <= 60 and "10 incremental export requests a minute" in said[0][1]
    assert metrics.waited == said[0][0] and metrics.event_requests == 2
    assert clock.now > NOW


def test_the_waits_are_bounded(admin: Clients, clock: Clock) -> None:
    spend_the_minute(admin)
    slept: list[float] = []
    metrics = ZendeskMetrics(admin.zendesk, max_wait=5, sleep=slept.append)
    with pytest.raises(RateLimitedError) as caught:
        next(metrics.event_pages(start_of(1)))
    assert slept == []  # the wait it was told would pass the bound: none at all
    assert caught.value.exit_code is ExitCode.ERROR
    assert "10 requests a minute" in caught.value.message and "cached" in (caught.value.hint or "")


def test_a_page_refused_over_and_over_gives_up_even_without_waits() -> None:
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        return httpx.Response(429, headers={"Retry-After": "0"}, json={"error": "APIRateLimitExceeded"})

    said: list[float] = []
    metrics = ZendeskMetrics(scripted(handler), on_wait=lambda s, _: said.append(s), sleep=lambda _: None)
    with pytest.raises(RateLimitedError):
        next(metrics.event_pages(start_of(1)))
    assert len(asked) == 20 and said == []  # bounded, and a wait of nothing is not worth saying


def test_audits_as_changes(admin: Clients, desk: Desk) -> None:
    metrics = ZendeskMetrics(admin.zendesk)
    changes = metrics.ticket_changes(SEED.cascaded_with_group_sla)
    assert changes is not None
    groups = [c.value for c in changes if c.field == "group_id"]
    assert groups[0] == TRIAGE and FIRST_LINE in groups and groups[-1] == SECOND_LINE
    assert changes[0].created and not changes[-1].created
    assert [c.at for c in changes] == sorted(c.at for c in changes)
    assert metrics.ticket_changes(999_999) is None


def test_tickets_come_with_their_metric_sets(admin: Clients, desk: Desk) -> None:
    metrics = ZendeskMetrics(admin.zendesk)
    found = metrics.search(f"status<solved group:{SECOND_LINE}", slas=True)
    assert found.tickets and set(found.metric_sets) == {t.id for t in found.tickets}
    assert any(t.sla_metrics for t in found.tickets)  # SLAs sideloaded (a ticket with no policy has none)
    by_id = metrics.tickets([SEED.breached_urgent, 999_999])
    assert [t.id for t in by_id.tickets] == [SEED.breached_urgent]
    assert by_id.metric_sets[SEED.breached_urgent].created_at is not None


def scripted(handler: Callable[[httpx.Request], httpx.Response]) -> ZendeskClient:
    http = HttpClient(
        ServiceInfo("Zendesk", "login"),
        "https://govpress.zendesk.com",
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(max_retries=0),
    )
    return ZendeskClient(http)


def test_metric_sets_an_endpoint_left_out_are_read_with_show_many() -> None:
    asked: list[dict[str, list[str]]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        query = parse_qs(urlsplit(str(request.url)).query)
        asked.append(query)
        if request.url.path.endswith("/search"):
            results = [{"id": 7, "subject": "x", "status": "open", "result_type": "ticket"}]
            return httpx.Response(200, json={"results": results, "count": 1, "next_page": None})
        return httpx.Response(200, json={"tickets": [{"id": 7, "status": "open"}], "metric_sets": [{"ticket_id": 7}]})

    found = ZendeskMetrics(scripted(handler)).search("updated>=2026-11-18")
    assert list(found.metric_sets) == [7]
    assert asked[0]["include"] == ["tickets(metric_sets)"] and asked[1]["include"] == ["metric_sets"]


def test_the_readers_take_each_shape() -> None:
    group_sla = read.metric_event(
        {
            "id": 1,
            "ticket_id": 2,
            "metric": "group_ownership_time",
            "instance_id": 1,
            "type": "apply_group_sla",
            "time": "2026-11-20T10:00:00Z",
            "group_sla": {"target": 1440, "business_hours": False, "policy": {"id": "01J", "title": "Plugins"}},
            "deleted": False,
        }
    )
    assert group_sla is not None and group_sla.policy == "Plugins" and group_sla.target_seconds is None
    applied = read.metric_event(
        {"id": 3, "ticket_id": 2, "metric": "reply_time", "instance_id": "2", "type": "apply_sla",
         "time": "2026-11-20T10:00:00Z", "sla": {"target": 60, "policy": {"title": "Clients"}}, "deleted": True}
    )  # fmt: skip
    assert applied is not None and applied.target_seconds == 3600 and applied.deleted and applied.instance_id == 2
    assert read.metric_event({"id": 4, "ticket_id": 2, "metric": "reply_time", "type": "pause"}) is None  # no time
    changes = read.ticket_changes(
        {
            "created_at": "2026-11-20T10:00:00Z",
            "events": [
                {"type": "Change", "field_name": "group_id", "value": "360002", "previous_value": "360001"},
                {"type": "Change", "field_name": "tags", "value": "plugin believed_solved"},
                {"type": "Change", "field_name": "status", "value": "Pending"},
                {"type": "Comment", "body": "hello"},
                {"type": "Change", "field_name": "priority", "value": "high"},
            ],
        }
    )
    assert [(c.field, c.value) for c in changes] == [
        ("group_id", 360002),
        ("tags", ("plugin", "believed_solved")),
        ("status", "pending"),
    ]
    metric_set = read.metric_set({"ticket_id": 7, "reply_time_in_minutes": {"calendar": 42, "business": 10}})
    assert metric_set is not None and metric_set.reply_minutes == 42 and metric_set.solved_at is None
