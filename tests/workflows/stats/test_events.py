"""SLA outcomes from a hand-made stream of ticket metric events, shaped as Zendesk documents them:
breach written ahead and withdrawn (`deleted`) when met in time, breach then fulfil on the same
metric, paused then reactivated, an SLA withdrawn, breaches still in the future, reply_time
instances (1 first reply, 2+ next replies), events on the window's edges, a ticket moved out of
the group mid-window; and the reader that pages the export through the day cache, dropping each
page's repeated last second."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

import pytest

from govpress_support.core.models import MetricEvent, TicketChange
from govpress_support.core.timeutil import iso
from govpress_support.services import zendesk_json as read
from govpress_support.services.zendesk_metrics import EventPage
from govpress_support.workflows.stats.cache import StatsCache
from govpress_support.workflows.stats.events import EventReader, event_outcomes, read_range
from govpress_support.workflows.stats.flow import Groups, History, in_group_at
from govpress_support.workflows.stats.models import Outcome
from govpress_support.workflows.stats.series import by_metric

START = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)  # the window: a week from Thursday 09:00
END = START + timedelta(days=7)
NOW = END
_ids = count(1)


def at(hours: float) -> datetime:
    return START + timedelta(hours=hours)


def ev(
    ticket: int, kind: str, hours: float, metric: str = "reply_time", instance: int = 1, **extra: object
) -> MetricEvent:
    """An event as the export sends it (JSON), read as the client reads it."""
    raw = {
        "id": next(_ids),
        "ticket_id": ticket,
        "metric": metric,
        "instance_id": instance,
        "type": kind,
        "time": iso(at(hours)),
        **extra,
    }
    if kind in ("apply_sla", "apply_group_sla", "breach"):
        raw.setdefault("deleted", False)
    event = read.metric_event(raw)
    assert event is not None
    return event


def sla(ticket: int, hours: float, metric: str = "reply_time", instance: int = 1, deleted: bool = False) -> MetricEvent:
    policy = {"id": 360000101, "title": "GovPress clients", "description": "Replies to GovPress client tickets."}
    target = {"target": 60, "target_in_seconds": 3600, "business_hours": False, "policy": policy}
    return ev(ticket, "apply_sla", hours, metric, instance, sla=target, deleted=deleted)


def outcomes(*events: MetricEvent) -> list[Outcome]:
    return event_outcomes(events, START, END, NOW)


def test_met_in_time_the_breach_written_ahead_is_withdrawn() -> None:
    found = outcomes(
        ev(1, "activate", 1),
        sla(1, 1),
        ev(1, "breach", 2, deleted=True),  # written at 1h for 2h, withdrawn when met at 1.5h
        ev(1, "fulfill", 1.5),
        ev(1, "update_status", 1.5, status={"calendar": 30, "business": 30}),
    )
    assert found == [Outcome(1, "first_reply_time", met=True, at=at(1.5))]


def test_breach_then_fulfil_on_the_same_metric_is_one_breach_met_late() -> None:
    found = outcomes(sla(2, 1), ev(2, "breach", 2), ev(2, "fulfill", 5))
    assert found == [Outcome(2, "first_reply_time", met=False, at=at(2), met_at=at(5))]


def test_a_breach_not_met_by_the_windows_end_is_still_open() -> None:
    found = outcomes(sla(3, 1, instance=2), ev(3, "breach", 30, instance=2), ev(3, "fulfill", 24 * 7 + 2, instance=2))
    assert found == [Outcome(3, "next_reply_time", met=False, at=at(30), met_at=None)]


def test_paused_then_reactivated_and_met_in_time() -> None:
    found = outcomes(
        sla(4, 1, metric="periodic_update_time"),
        ev(4, "breach", 25, metric="periodic_update_time", deleted=True),  # withdrawn by the pause
        ev(4, "pause", 10, metric="periodic_update_time"),
        ev(4, "activate", 40, metric="periodic_update_time"),
        ev(4, "breach", 55, metric="periodic_update_time", deleted=True),  # rewritten, withdrawn when met
        ev(4, "fulfill", 50, metric="periodic_update_time"),
    )
    assert found == [Outcome(4, "periodic_update_time", met=True, at=at(50))]


def test_paused_then_reactivated_and_breached() -> None:
    found = outcomes(
        sla(5, 1),
        ev(5, "breach", 3, deleted=True),
        ev(5, "pause", 2),
        ev(5, "activate", 20),
        ev(5, "breach", 21),
        ev(5, "fulfill", 22),
    )
    assert found == [Outcome(5, "first_reply_time", met=False, at=at(21), met_at=at(22))]


def test_a_withdrawn_sla_measures_nothing() -> None:
    found = outcomes(sla(6, 1, deleted=True), ev(6, "breach", 3, deleted=True), ev(6, "fulfill", 2))
    assert found == []


def test_a_deleted_breach_did_not_happen_even_once_its_time_has_passed() -> None:
    assert outcomes(sla(7, 1), ev(7, "breach", 3, deleted=True)) == []


def test_a_breach_still_in_the_future_is_not_a_breach_yet() -> None:
    early = event_outcomes([sla(8, 1), ev(8, "breach", 50)], START, at(48), at(48))
    assert early == []
    later = event_outcomes([sla(8, 1), ev(8, "breach", 50)], START, at(60), at(60))
    assert later == [Outcome(8, "first_reply_time", met=False, at=at(50))]


def test_a_fulfilment_no_sla_measures_is_not_a_target_met() -> None:
    assert outcomes(ev(9, "activate", 1, metric="agent_work_time"), ev(9, "fulfill", 3, metric="agent_work_time")) == []


def test_an_sla_applied_before_the_events_read_shows_in_its_withdrawn_breach() -> None:
    # No apply_sla in view: the breach written ahead of the fulfilment and then withdrawn says an
    # SLA measured it.
    assert outcomes(ev(10, "fulfill", 3, instance=3), ev(10, "breach", 6, instance=3, deleted=True)) == [
        Outcome(10, "next_reply_time", met=True, at=at(3))
    ]
    # One withdrawn before the fulfilment (a pause) says nothing about it.
    assert outcomes(ev(11, "breach", 2, instance=3, deleted=True), ev(11, "fulfill", 3, instance=3)) == []


def test_reply_instances_are_first_and_next_replies_each_counted() -> None:
    found = outcomes(
        sla(12, 1, instance=1),
        ev(12, "fulfill", 2, instance=1),
        sla(12, 5, instance=2),
        ev(12, "breach", 9, instance=2),
        sla(12, 20, instance=3),
        ev(12, "fulfill", 21, instance=3),
    )
    assert [(o.metric, o.met) for o in found] == [
        ("first_reply_time", True),
        ("next_reply_time", False),
        ("next_reply_time", True),
    ]


def test_group_sla_and_resolution_names() -> None:
    found = outcomes(
        ev(
            13,
            "apply_group_sla",
            1,
            metric="group_ownership_time",
            group_sla={"target": 1440, "business_hours": False, "policy": {"id": "01JB7Q", "title": "Plugins"}},
        ),
        ev(13, "breach", 25, metric="group_ownership_time"),
        sla(14, 1, metric="resolution_time"),
        ev(14, "fulfill", 4, metric="resolution_time"),
    )
    assert [(o.metric, o.met) for o in found] == [("total_resolution_time", True), ("group_ownership_time", False)]


def test_the_windows_start_is_in_and_its_end_is_out() -> None:
    found = outcomes(
        sla(15, -5),
        ev(15, "breach", 0),  # exactly at the start: in
        sla(16, -5),
        ev(16, "breach", 24 * 7),  # exactly at the end: out
        sla(17, -5),
        ev(17, "breach", -0.01),  # a moment before: out, and its late fulfilment is no target met
        ev(17, "fulfill", 1),
        sla(18, 100),
        ev(18, "fulfill", 24 * 7 - 0.001),  # a moment before the end: in
    )
    assert [(o.ticket_id, o.met) for o in found] == [(15, False), (18, True)]
    assert found[0].at == START


def test_a_reopened_tickets_clock_starts_a_new_cycle() -> None:
    found = outcomes(
        sla(19, 1, metric="resolution_time"),
        ev(19, "breach", 5, metric="resolution_time"),
        ev(19, "fulfill", 6, metric="resolution_time"),
        ev(19, "activate", 30, metric="resolution_time"),  # reopened: the same instance runs again
        ev(19, "fulfill", 31, metric="resolution_time"),
    )
    assert [(o.met, o.at) for o in found] == [(False, at(5)), (True, at(31))]


# --- the reader ---------------------------------------------------------------------------------------


class FakeExport:
    """The export over a fixed list of events: pages of `size`, each keeping its last second whole,
    the next starting at that second again (so it repeats those events)."""

    def __init__(self, events: list[MetricEvent], size: int = 3):
        self.events = sorted(events, key=lambda e: (e.time, e.id))
        self.size = size
        self.starts: list[int] = []
        self.event_requests = 0

    def event_pages(self, start_time: int) -> Iterator[EventPage]:
        start = start_time
        while True:
            self.starts.append(start)
            self.event_requests += 1
            rest = [e for e in self.events if e.time.timestamp() >= start]
            page = rest[: self.size]
            if len(rest) > self.size:
                page += [e for e in rest[self.size :] if e.time == page[-1].time]
            end_time = int(page[-1].time.timestamp()) if page else start
            done = len(rest) <= self.size
            if not done and end_time == start:
                end_time += 1
            yield EventPage(tuple(page), end_time, done)
            if done:
                return
            start = end_time


def day_events() -> list[MetricEvent]:
    """Two a day for ten days from Nov 10, three of them in one second on Nov 15."""
    events = [ev(30 + n, "activate", -9 * 24 + 24 * n + h) for n in range(10) for h in (1, 13)]
    events += [ev(50 + n, "activate", -4 * 24 + 1) for n in range(2)]  # the same second as another
    return events


def test_the_reader_drops_the_repeated_second_and_caches_finished_days(tmp_path: Path) -> None:
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    export = FakeExport(day_events())
    cache = StatsCache(tmp_path / "cache", now)
    first, until = read_range(datetime(2026, 11, 17, tzinfo=UTC), now, now)
    assert first == datetime(2026, 11, 10, tzinfo=UTC) and until == now
    reader = EventReader(export, cache, now)  # type: ignore[arg-type]
    reader.open(first, until)
    events = reader.finish()
    assert sorted(e.id for e in events) == sorted({e.id for e in export.events if e.time < now})
    assert len(events) == len({e.id for e in events})
    assert len(export.starts) > 1 and len(set(export.starts)) == len(export.starts)
    cached = sorted(p.name for p in (tmp_path / "cache").glob("events-*.json"))
    assert cached == [f"events-2026-11-{d}.json" for d in range(10, 20)]  # not the 20th: it is not over
    assert reader.read.fetched_days == 11 and reader.read.cached_days == 0

    again = FakeExport(day_events())
    second = EventReader(again, StatsCache(tmp_path / "cache", now), now)  # type: ignore[arg-type]
    second.open(first, until)
    assert [e.id for e in second.finish()] == [e.id for e in events]
    assert again.starts == [int(datetime(2026, 11, 20, tzinfo=UTC).timestamp())]  # only what is new
    assert second.read.cached_days == 10 and second.read.fetched_days == 1


@pytest.mark.parametrize("hours_after_midnight", [0.5, 1.5])
def test_a_day_is_cached_only_an_hour_after_it_ends(tmp_path: Path, hours_after_midnight: float) -> None:
    now = datetime(2026, 11, 19, tzinfo=UTC) + timedelta(hours=hours_after_midnight)
    reader = EventReader(FakeExport(day_events()), StatsCache(tmp_path, now), now)  # type: ignore[arg-type]
    reader.open(datetime(2026, 11, 17, tzinfo=UTC), now)
    reader.finish()
    assert (tmp_path / "events-2026-11-18.json").exists() is (hours_after_midnight >= 1)


def test_counted_for_the_group_that_held_the_ticket_a_ticket_moved_out_mid_window() -> None:
    """Ticket 40 is in 2nd line until it cascades to scoping 48h into the window: its first reply
    breach (10h) is 2nd line's, its periodic update met after the move (60h) is not. Ticket 41 is
    2nd line's all week."""
    second, scoping = 3, 4
    histories = {
        40: History.of(
            40, [TicketChange(at(-30), "group_id", second, created=True), TicketChange(at(48), "group_id", scoping)]
        ),
        41: History.of(41, [TicketChange(at(-30), "group_id", second, created=True)]),
    }
    found = outcomes(
        sla(40, -5),
        ev(40, "breach", 10),
        ev(40, "fulfill", 12),
        sla(40, 50, metric="periodic_update_time"),
        ev(40, "fulfill", 60, metric="periodic_update_time"),
        sla(41, 1, instance=2),
        ev(41, "fulfill", 3, instance=2),
        ev(41, "breach", 4, instance=2, deleted=True),
    )
    groups = Groups(second, cascade_to=scoping)
    mine = [o for o in found if in_group_at(histories, groups, o.ticket_id, o.at)]
    assert [(m.metric, m.fulfilled, m.breached) for m in by_metric(mine)] == [
        ("first_reply_time", 0, 1),
        ("next_reply_time", 1, 0),
    ]
    assert [(m.metric, m.fulfilled, m.breached) for m in by_metric(found)] == [
        ("first_reply_time", 0, 1),
        ("next_reply_time", 1, 0),
        ("periodic_update_time", 1, 0),
    ]
