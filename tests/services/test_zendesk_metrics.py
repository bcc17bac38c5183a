"""The metric events client against the sandbox: the time-based export paged to its end with the
repeated second dropped, 403 for an agent, the 10-a-minute limit waited out by the HTTP layer
(each wait said through its `on_wait`, bounded by the page's policy); the ticket events the same
way, each update's changes with the values they replaced; ticket audits as group, status and
assignee changes; tickets with their metric sets, read again where an endpoint left them out;
and the readers of each shape."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from govpress_support.core import config, timeutil
from govpress_support.core.errors import ExitCode, Interrupted, RateLimitedError
from govpress_support.services import zendesk_json as read
from govpress_support.services.connect import Clients
from govpress_support.services.http import HttpClient, RetryPolicy, ServiceInfo, Wait
from govpress_support.services.zendesk import ZendeskClient
from govpress_support.services.zendesk_metrics import EXPORT_LIMIT_WAIT, EventsForbidden, ZendeskMetrics, unique
from tests.desk import Desk
from tests.sandbox.conftest import START, Clock
from tests.seed_names import FIRST_LINE, PRIYA, SECOND_LINE, SEED, TRIAGE
from tests.support import FakeClock

NOW = START
EVENTS = "/api/v2/incremental/ticket_metric_events"


@pytest.fixture
def clock() -> Clock:
    frozen = Clock(NOW)
    timeutil.set_clock(frozen)  # before the sandbox seeds itself; `isolated` puts the real clock back
    return frozen


def sleeper(clock: Clock) -> Callable[[float], None]:
    return lambda seconds: clock.advance(seconds=seconds)


def waits_said(clients: Clients, clock: Clock) -> list[Wait | None]:
    """What the clients' HTTP layer tells its `on_wait` (the CLI says it), its waits moving the
    sandbox's clock instead of sleeping."""
    told: list[Wait | None] = []
    clients.zendesk.http.on_wait = told.append
    clients.zendesk.http.sleep = sleeper(clock)
    return told


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
    told = waits_said(admin, clock)
    metrics = ZendeskMetrics(admin.zendesk)
    page = next(metrics.event_pages(start_of(1)))
    assert page.events
    [wait] = [w for w in told if w is not None]
    assert (wait.service, wait.reason, wait.next_try) == ("Zendesk", "rate limit", 2) and 0 < wait.seconds <= 60
    assert told[-1] is None  # and its end, so the spinner's text goes back
    assert metrics.event_requests == 1 and clock.now > NOW


def patient_client(
    handler: Callable[[httpx.Request], httpx.Response], clock: FakeClock, told: list[Wait | None] | None = None
) -> ZendeskClient:
    """A client with the default policy (60 s deadline, 6 retries) on a clock its waits move."""
    http = HttpClient(
        ServiceInfo("Zendesk", "login"),
        "https://govpress.zendesk.com",
        transport=httpx.MockTransport(handler),
        sleep=clock.sleep,
        clock=clock,
        on_wait=None if told is None else told.append,
    )
    return ZendeskClient(http)


def refused_for_a_minute(asked: list[str], retry_after: str = "50") -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        return httpx.Response(429, headers={"Retry-After": retry_after}, json={"error": "APIRateLimitExceeded"})

    return handler


def test_a_page_may_wait_for_the_limit_past_the_deadline_but_not_for_ever() -> None:
    """The limit's window is a minute, more than the 60 s deadline leaves once a wait has begun:
    an export page may wait `EXPORT_LIMIT_WAIT` beyond it, another request may not."""
    asked: list[str] = []
    clock = FakeClock()
    zendesk = patient_client(refused_for_a_minute(asked), clock)
    with pytest.raises(RateLimitedError) as caught:
        zendesk.http.get_json("api/v2/incremental/ticket_metric_events", {"start_time": start_of(1)})
    assert len(asked) == 2 and clock() == 50, "any other request: the deadline ends it"
    assert caught.value.exit_code is ExitCode.ERROR and "stopped at the 60 s deadline" in caught.value.message

    asked.clear()
    clock = FakeClock()
    told: list[Wait | None] = []
    metrics = ZendeskMetrics(patient_client(refused_for_a_minute(asked), clock, told))
    with pytest.raises(RateLimitedError):
        next(metrics.event_pages(start_of(1)))
    assert len(asked) == 7 and clock() == 300 <= EXPORT_LIMIT_WAIT + 60, "every retry, waits past the deadline"
    assert [str(w) for w in told if w is not None][-1] == "Zendesk rate limit: waiting 50 s (try 7 of 7)"
    assert metrics.event_requests == 1  # one page asked for


def test_a_page_refused_over_and_over_gives_up_even_without_waits() -> None:
    asked: list[str] = []
    told: list[Wait | None] = []
    metrics = ZendeskMetrics(patient_client(refused_for_a_minute(asked, "0"), FakeClock(), told))
    with pytest.raises(RateLimitedError):
        next(metrics.event_pages(start_of(1)))
    assert len(asked) == 7 and told == []  # the retries bound it, and a wait of nothing is not worth saying


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


# --- the ticket events ---------------------------------------------------------------------------------


def test_the_ticket_events_page_to_the_end_as_each_tickets_changes(admin: Clients, desk: Desk, clock: Clock) -> None:
    desk.app.settings.rate_limits = False
    metrics = ZendeskMetrics(admin.zendesk)
    pages = list(metrics.ticket_event_pages(start_of(40)))
    assert pages[-1].end_of_stream and metrics.ticket_event_requests == len(pages) and metrics.event_requests == 0
    updates = list(unique(pages, set()))
    mine = [u for u in updates if u.ticket_id == SEED.cascaded_with_group_sla]
    audits = metrics.ticket_changes(SEED.cascaded_with_group_sla)
    assert audits is not None
    assert [(c.at, c.field, c.value, c.created) for u in mine for c in u.changes] == [
        (c.at, c.field, c.value, c.created) for c in audits
    ]
    moves = [(c.previous, c.value) for u in mine for c in u.changes if c.field == "group_id" and not c.created]
    assert moves == [(TRIAGE, FIRST_LINE), (FIRST_LINE, SECOND_LINE)]  # each change with the value it replaced
    assert all(u.updater_id for u in updates)


def test_a_start_in_the_last_minute_is_moved_back_rather_than_refused(admin: Clients, clock: Clock) -> None:
    asked = ZendeskMetrics(admin.zendesk)
    page = next(asked.ticket_event_pages(int(NOW.timestamp())))  # Zendesk would answer 400
    assert page.end_of_stream and page.end_time <= int((NOW - timedelta(minutes=1)).timestamp())


def test_an_agent_is_refused_the_ticket_events(isolated: Path, clock: Clock, desk: Desk) -> None:
    for agent in clients_as(isolated, PRIYA.email):
        with pytest.raises(EventsForbidden) as caught:
            next(ZendeskMetrics(agent.zendesk).ticket_event_pages(start_of(7)))
        assert caught.value.status == 403 and "ticket events" in caught.value.message
        assert "audits" in (caught.value.hint or "")


def test_the_ticket_events_wait_out_the_limit_the_metric_events_spent(admin: Clients, clock: Clock) -> None:
    spend_the_minute(admin)
    told = waits_said(admin, clock)
    metrics = ZendeskMetrics(admin.zendesk)
    assert next(metrics.ticket_event_pages(start_of(1))).events
    assert len([w for w in told if w is not None]) == 1 and metrics.ticket_event_requests == 1


def test_cancel_ends_a_wait_for_the_limit_at_once() -> None:
    asked: list[str] = []
    http = HttpClient(
        ServiceInfo("Zendesk", "login"),
        "https://govpress.zendesk.com",
        transport=httpx.MockTransport(refused_for_a_minute(asked, "60")),
    )
    metrics = ZendeskMetrics(ZendeskClient(http))  # the HTTP layer's own wait: a minute, unless cancelled
    threading.Timer(0.05, metrics.cancel).start()
    with pytest.raises(Interrupted):
        next(metrics.ticket_event_pages(start_of(1)))
    assert asked == ["/api/v2/incremental/ticket_events"]  # no try after the cancel


def test_the_ticket_event_reader_takes_each_shape() -> None:
    update = read.ticket_event(
        {
            "id": 9,
            "ticket_id": 4012,
            "timestamp": 1795700000,  # no created_at: the timestamp says when
            "updater_id": -1,
            "via": "Rule",
            "event_type": "Audit",
            "child_events": [
                {"id": 1, "via": "Rule", "status": "Solved", "previous_value": "open", "event_type": "Change"},
                {
                    "id": 2,
                    "via": "Rule",
                    "tags": ["a", "c"],
                    "added_tags": ["c"],
                    "removed_tags": ["b"],
                    "event_type": "Change",
                },
                {"id": 3, "via": "Rule", "group_id": "360003", "event_type": "Create"},
                {"id": 4, "via": "Rule", "priority": "high", "previous_value": None, "event_type": "Change"},
                {"id": 5, "via": "Rule", "comment_present": True, "comment_public": False, "event_type": "Comment"},
            ],
        }
    )
    assert update is not None and update.time.timestamp() == 1795700000 and update.updater_id == -1
    assert [(c.field, c.value, c.previous, c.created) for c in update.changes] == [
        ("status", "solved", "open", False),
        ("tags", ("a", "c"), ("a", "b"), False),  # before: less what was added, with what was removed
        ("group_id", 360003, None, True),
    ]
    assert read.ticket_event({"id": 1, "ticket_id": 2, "child_events": []}) is None  # no time
