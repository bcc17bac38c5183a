"""`stats` over the sandbox's seeded week: the desk's own day-by-day figures (SEEDED_WEEK), 2nd
line's breaches against the raw events and audits, the flow adding up, the agents' source (403
on the events) against the tickets' SLA states, the cache reading only what is new, events the
tool writes after a run, and the export's rate limit waited out."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

import httpx

from govpress_support import sandbox
from govpress_support.core.timeutil import iso, parse_iso
from govpress_support.sandbox import SandboxApp
from govpress_support.services.http import Wait
from govpress_support.workflows.stats.metrics import CANNOT_COUNT
from govpress_support.workflows.stats.models import Flow, StatsResult
from tests.desk import Desk
from tests.sandbox.test_sandbox_history import SEEDED_WEEK
from tests.sandbox.test_sandbox_metric_events import walk
from tests.seed_names import PRIYA, SECOND_LINE, SEED
from tests.transport_faults import TransportFaults
from tests.workflows.stats.conftest import WEEK_END, Clock, Stats

WEEK_START = WEEK_END - timedelta(days=7)
EVENTS = "/api/v2/incremental/ticket_metric_events"
TICKET_EVENTS = "/api/v2/incremental/ticket_events"


def adds_up(flow: Flow) -> bool:
    out = flow.solved + (flow.cascaded or 0) + (flow.returned_to_triage or 0) + (flow.moved_out or 0)
    return flow.queue_end == flow.queue_start + flow.entered + flow.reopened - out


def group_at(desk: Desk, ticket_id: int, stamp: str) -> int | None:
    """From the raw audits: the ticket's group just before `stamp` (or as created, at that moment)."""
    group = None
    for audit in desk.get(f"/api/v2/tickets/{ticket_id}/audits")["audits"]:
        for event in audit["events"]:
            if event.get("field_name") == "group_id" and (audit["created_at"] < stamp or group is None):
                group = event["value"]
    return group


def test_the_whole_desks_week_is_the_sandboxs_own_count(stats: Stats) -> None:
    result = stats(group="all")
    by_day = {d.day.isoformat(): (d.arrivals, d.solves, d.breaches) for d in result.days}
    assert by_day == {day: figures[:3] for day, figures in SEEDED_WEEK.items()}
    assert result.source == "events" and result.group is None and result.cannot_count == []
    assert result.flow.entered == sum(f[0] for f in SEEDED_WEEK.values())
    assert adds_up(result.flow)
    assert [d.engineer for d in result.days] == ["Priya Shah"] * 4 + ["Sam Okafor"] * 4


def test_2nd_lines_breaches_are_the_breaches_that_happened_while_it_held_the_ticket(
    stats: Stats, desk: Desk, app: SandboxApp
) -> None:
    result = stats()
    events = walk(desk.zendesk, int((WEEK_START - timedelta(days=8)).timestamp()))[1]
    start, end = iso(WEEK_START) or "", iso(WEEK_END) or ""
    expected = set()
    for event in events:
        happened = event["type"] == "breach" and not event["deleted"] and start <= event["time"] < end
        if happened and group_at(desk, event["ticket_id"], event["time"]) == SECOND_LINE:
            expected.add((event["ticket_id"], event["time"]))
    found = {(b.ticket_id, iso(b.breached_at)) for b in result.breaches}
    assert found == expected and len(found) >= 10
    assert result.total.breached == len(expected)
    every = stats(group="all")
    assert all(mine.breaches <= all_.breaches for mine, all_ in zip(result.days, every.days, strict=True))
    assert all(mine.fulfilled <= all_.fulfilled for mine, all_ in zip(result.days, every.days, strict=True))


def test_2nd_lines_week_pinned(stats: Stats, desk: Desk) -> None:
    """The seeded week as 2nd line saw it (a change to the seed or to the counting shows here)."""
    result = stats()
    assert [(m.metric, m.fulfilled, m.breached) for m in result.metrics] == [
        ("first_reply_time", 2, 13),
        ("next_reply_time", 2, 4),
    ]
    flow = result.flow
    assert (flow.created_in_group, flow.moved_in, flow.solved, flow.believed_solved, flow.reopened) == (0, 21, 6, 1, 0)
    assert (flow.cascaded, flow.returned_to_triage, flow.moved_out, flow.queue_start, flow.queue_end) == (
        2,
        0,
        0,
        7,
        20,
    )
    assert adds_up(flow)
    still_open = {b.ticket_id: b for b in result.breaches if b.still_open}
    urgent = desk.ticket(SEED.breached_urgent, include="slas")
    [next_reply] = [m for m in urgent["slas"]["policy_metrics"] if m["metric"] == "next_reply_time"]
    breach = still_open[SEED.breached_urgent]
    assert iso(breach.breached_at) == next_reply["breach_at"]
    assert breach.late_by == WEEK_END - breach.breached_at and breach.held_by == "Sam Okafor"
    assert breach.subject == urgent["subject"] and breach.url and breach.url.endswith(f"/{SEED.breached_urgent}")
    late = [b for b in result.breaches if not b.still_open]
    assert late and all(b.met_at is not None and b.late_by == b.met_at - b.breached_at for b in late)


def open_breaches(desk: Desk) -> set[tuple[int, str, str]]:
    """From the tickets' SLA states: 2nd line metrics running past a breach_at inside the week."""
    found = set()
    page: dict[str, Any] = desk.get("/api/v2/search", query=f"type:ticket group:{SECOND_LINE}", include="tickets(slas)")
    assert not page["next_page"]
    for ticket in page["results"]:
        for metric in (ticket.get("slas") or {}).get("policy_metrics", []):
            due = metric["breach_at"]
            if metric["stage"] in ("active", "breached") and due and iso(WEEK_START) <= due < iso(WEEK_END):
                found.add((ticket["id"], metric["metric"], due))
    return found


def test_an_agents_stats_come_from_the_ticket_metrics_and_say_what_they_cannot_count(
    stats: Stats, desk: Desk, faults: TransportFaults
) -> None:
    admin = stats()
    faults.requests.clear()
    agent = stats(email=PRIYA.email)
    assert agent.source == "metrics" and agent.cannot_count == list(CANNOT_COUNT)
    assert sum(1 for line in faults.log if line.startswith(f"GET {EVENTS}")) == 1  # the 403, then no more
    opened = {(b.ticket_id, b.metric, iso(b.breached_at)) for b in agent.breaches if b.still_open}
    assert opened == open_breaches(desk) and opened
    assert {(b.ticket_id, iso(b.breached_at)) for b in agent.breaches} <= {
        (b.ticket_id, iso(b.breached_at)) for b in admin.breaches
    }
    assert agent.flow == admin.flow  # the flow comes from the same tickets and audits either way
    next_reply = next(m for m in agent.metrics if m.metric == "next_reply_time")
    assert next_reply.fulfilled is None and next_reply.rate is None  # cannot be counted: not zero
    assert agent.total.partial and agent.total.rate is None


def test_a_second_run_reads_only_what_is_new(stats: Stats, faults: TransportFaults, desk: Desk, clock: Clock) -> None:
    first = stats()
    assert first.flow_source == "ticket_events" and first.ticket_read.fetched_days == 8
    assert not [line for line in faults.log if line.endswith("/audits")]  # no request per ticket
    faults.requests.clear()
    second = stats()
    assert second.record() == first.record()
    assert second.read.cached_days == 14 and second.read.fetched_days == 1  # today's events only
    assert second.ticket_read.cached_days == 7 and second.ticket_read.fetched_days == 1
    assert sum(1 for line in faults.log if line.startswith(f"GET {EVENTS}")) == 1
    assert sum(1 for line in faults.log if line.startswith(f"GET {TICKET_EVENTS}")) == 1

    clock.now += timedelta(minutes=5)  # a reply five minutes later: today's pages bring it
    desk.zendesk.put(
        f"/api/v2/tickets/{SEED.breaching_soon_no_card}",
        json={"ticket": {"comment": {"body": "Looking at it now.", "public": True}}},
    ).raise_for_status()
    clock.now += timedelta(minutes=1)
    third = stats()
    before = {m.metric: m.fulfilled for m in first.metrics}
    after = {m.metric: m.fulfilled for m in third.metrics}
    assert after["next_reply_time"] == (before["next_reply_time"] or 0) + 1  # the tool's reply met a target
    assert third.days[-1].fulfilled == first.days[-1].fulfilled + 1
    assert third.flow == first.flow  # a reply moves nothing


def test_an_agents_second_run_reads_only_the_histories_that_changed(
    stats: Stats, faults: TransportFaults, desk: Desk, clock: Clock
) -> None:
    first = stats(email=PRIYA.email)
    assert first.flow_source == "audits" and first.flow_cannot_count == []
    assert not [line for line in faults.log if line.startswith(f"GET {TICKET_EVENTS}")]  # refused: not asked
    audits = [line for line in faults.log if line.endswith("/audits")]
    assert len(audits) >= 15
    faults.requests.clear()
    assert stats(email=PRIYA.email).record() == first.record()
    assert not [line for line in faults.log if line.endswith("/audits")]

    clock.now += timedelta(minutes=5)  # a reply five minutes later: that ticket's audits are read again
    desk.zendesk.put(
        f"/api/v2/tickets/{SEED.breaching_soon_no_card}",
        json={"ticket": {"comment": {"body": "Looking at it now.", "public": True}}},
    ).raise_for_status()
    clock.now += timedelta(minutes=1)
    faults.requests.clear()
    stats(email=PRIYA.email)
    assert [line for line in faults.log if line.endswith("/audits")] == [
        f"GET /api/v2/tickets/{SEED.breaching_soon_no_card}/audits"
    ]


def test_the_exports_rate_limit_is_waited_out_and_said(stats: Stats, app: SandboxApp) -> None:
    quiet = stats(group="all")
    app.settings.rate_limits = True
    auth = (f"{sandbox.DEFAULT_EMAIL}/token", sandbox.AGENT_TOKEN)
    with httpx.Client(transport=app.transport(), base_url=sandbox.ZENDESK_URL, auth=auth) as someone:
        for _ in range(10):  # this minute's ten requests, spent by someone else
            assert someone.get(EVENTS, params={"start_time": int(WEEK_END.timestamp())}).status_code == 200
    told: list[Wait | None] = []
    waited = _fresh(stats)(group="all", on_wait=told.append)
    said = [w for w in told if w is not None]
    assert said and all(str(w).startswith("Zendesk rate limit: waiting ") for w in said)
    assert told[-1] is None  # each wait's end told too
    assert [(d.breaches, d.fulfilled) for d in waited.days] == [(d.breaches, d.fulfilled) for d in quiet.days]


def _fresh(stats: Stats) -> Stats:
    """The same runner with an empty cache, so the export is read again."""

    def run(**options: Any) -> StatsResult:
        import shutil

        from govpress_support.core import config

        shutil.rmtree(config.state_dir() / "cache" / "stats", ignore_errors=True)
        return stats(**options)

    return run


def test_each_days_breaches_are_the_days_breach_events(stats: Stats, desk: Desk) -> None:
    result = stats(group="all")
    per_day: defaultdict[str, int] = defaultdict(int)
    for breach in result.breaches:
        per_day[breach.breached_at.date().isoformat()] += 1
    assert {d.day.isoformat(): d.breaches for d in result.days} == {day: per_day.get(day, 0) for day in SEEDED_WEEK}
    assert all(parse_iso(iso(b.breached_at)) == b.breached_at for b in result.breaches)
