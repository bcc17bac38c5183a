"""The stats' cache: finished days of both exports and ticket histories round-trip, private (0700/0600),
only finished days are kept, a history is whole only at the stamp it was read at, old files go,
a damaged file reads as missing rather than failing, and one that cannot be written is said once."""

from __future__ import annotations

import stat
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from govpress_support.core.models import MetricEvent, TicketChange, TicketEvent
from govpress_support.workflows.stats.cache import KEEP_DAYS, TICKET_EVENTS, StatsCache

NOW = datetime(2026, 11, 26, 14, 20, 20, tzinfo=UTC)
DAY = date(2026, 11, 20)


def events() -> list[MetricEvent]:
    noon = datetime(2026, 11, 20, 12, tzinfo=UTC)
    return [
        MetricEvent(2, 4012, "reply_time", 2, "breach", noon, deleted=True),
        MetricEvent(
            1, 4012, "reply_time", 2, "apply_sla", noon - timedelta(hours=3), policy="Clients", target_seconds=3600
        ),
        MetricEvent(3, 4013, "group_ownership_time", 1, "fulfill", noon + timedelta(hours=1)),
    ]


def cache(state: Path, now: datetime = NOW) -> StatsCache:
    return StatsCache.in_state_dir(state, "https://govpress.zendesk.com", now)


def test_a_finished_day_round_trips_in_private_files(tmp_path: Path) -> None:
    cache(tmp_path).put_day(DAY, events())
    again = cache(tmp_path).day(DAY)
    assert again == sorted(events(), key=lambda e: (e.time, e.id))
    [path] = (tmp_path / "cache" / "stats").glob("*/events-2026-11-20.json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700
    assert cache(tmp_path).day(DAY - timedelta(days=1)) is None


def test_a_day_not_over_an_hour_ago_is_not_kept(tmp_path: Path) -> None:
    cache(tmp_path, datetime(2026, 11, 21, 0, 59, tzinfo=UTC)).put_day(DAY, events())
    assert cache(tmp_path).day(DAY) is None
    cache(tmp_path, datetime(2026, 11, 21, 1, 0, tzinfo=UTC)).put_day(DAY, events())
    assert cache(tmp_path).day(DAY) is not None


def test_another_account_has_its_own_cache(tmp_path: Path) -> None:
    cache(tmp_path).put_day(DAY, events())
    assert StatsCache.in_state_dir(tmp_path, "https://other.zendesk.com", NOW).day(DAY) is None


def test_damaged_or_foreign_files_read_as_missing(tmp_path: Path) -> None:
    cache(tmp_path).put_day(DAY, events())
    [path] = (tmp_path / "cache" / "stats").glob("*/events-2026-11-20.json")
    for text in (
        "{not json",
        '{"format": 99, "day": "2026-11-20", "events": []}',
        '{"format": 1, "day": "2026-11-21"}',
    ):
        path.write_text(text, encoding="utf-8")
        assert cache(tmp_path).day(DAY) is None
    path.write_text('{"format": 1, "day": "2026-11-20", "events": [[1, 2, "x"]]}', encoding="utf-8")
    assert cache(tmp_path).day(DAY) is None


def test_a_history_is_whole_only_at_the_stamp_it_was_read_at(tmp_path: Path) -> None:
    changes = [
        TicketChange(NOW - timedelta(days=3), "group_id", 360002, created=True),
        TicketChange(NOW - timedelta(days=3), "tags", ("plugin", "client_1"), created=True),
        TicketChange(NOW - timedelta(days=1), "status", "pending"),
    ]
    first = cache(tmp_path)
    first.put_history(4012, "2026-11-25T14:20:20Z", changes)
    first.flush()
    second = cache(tmp_path)
    assert second.history(4012, "2026-11-25T14:20:20Z") == changes
    assert second.history(4012, "2026-11-26T09:00:00Z") is None  # updated since: read it again
    assert second.history(4013, "2026-11-25T14:20:20Z") is None
    [path] = (tmp_path / "cache" / "stats").glob("*/histories.json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_old_days_and_unused_histories_go(tmp_path: Path) -> None:
    old = date(2026, 6, 1)
    cache(tmp_path, datetime(2026, 6, 3, tzinfo=UTC)).put_day(old, events())
    history = cache(tmp_path, datetime(2026, 6, 3, tzinfo=UTC))
    history.put_history(1, "stamp", [])
    history.flush()
    later = cache(tmp_path)
    later.put_day(DAY, events())
    later.put_history(2, "stamp", [])
    later.flush()
    assert later.day(old) is None and later.day(DAY) is not None
    assert cache(tmp_path).history(1, "stamp") is None and cache(tmp_path).history(2, "stamp") == []


def test_no_directory_no_cache(isolated: Path) -> None:
    nothing = StatsCache(None, NOW)
    nothing.put_day(DAY, events())
    nothing.put_history(1, "stamp", [])
    nothing.flush()
    assert nothing.day(DAY) is None and nothing.history(1, "stamp") is None
    assert not isolated.exists()  # nothing written in the state dir


def test_a_cache_that_cannot_be_written_is_said_once_and_the_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "stats").write_text("a file where the cache's folder goes", encoding="utf-8")
    said: list[str] = []
    blocked = StatsCache.in_state_dir(tmp_path, "https://govpress.zendesk.com", NOW, on_error=said.append)
    blocked.put_day(DAY, events())
    blocked.put_day(DAY - timedelta(days=1), events())
    blocked.put_history(1, "stamp", [])
    blocked.flush()
    assert len(said) == 1 and "cannot be written" in said[0] and "carrying on without it" in said[0]
    assert blocked.day(DAY) is None


def updates() -> list[TicketEvent]:
    noon = datetime(2026, 11, 20, 12, tzinfo=UTC)
    return [
        TicketEvent(
            901,
            4012,
            noon,
            10004,
            (
                TicketChange(noon, "group_id", 360003, previous=360002),
                TicketChange(noon, "tags", ("plugin",), previous=("plugin", "urgent")),
                TicketChange(noon, "assignee_id", None, previous=10006),
            ),
        ),
        TicketEvent(
            900,
            4050,
            noon - timedelta(hours=2),
            -1,
            (TicketChange(noon - timedelta(hours=2), "status", "new", created=True),),
        ),
    ]


def test_a_finished_day_of_ticket_events_round_trips_beside_the_metric_events(tmp_path: Path) -> None:
    kept = cache(tmp_path)
    kept.put_day(DAY, updates(), TICKET_EVENTS)
    kept.put_day(DAY, events())
    assert cache(tmp_path).day(DAY, TICKET_EVENTS) == sorted(updates(), key=lambda e: (e.time, e.id))
    assert cache(tmp_path).day(DAY) == sorted(events(), key=lambda e: (e.time, e.id))  # each in its own file
    names = sorted(p.name for p in (tmp_path / "cache" / "stats").glob("*/*.json"))
    assert names == ["events-2026-11-20.json", "ticket-events-2026-11-20.json"]
    later = cache(tmp_path, NOW + timedelta(days=KEEP_DAYS + 10))
    later.put_day(date(2027, 3, 10), [], TICKET_EVENTS)
    assert later.day(DAY, TICKET_EVENTS) is None and later.day(DAY) is None  # old days of both go
    [path] = (tmp_path / "cache" / "stats").glob("*/ticket-events-*.json")
    path.write_text(
        '{"format": 1, "day": "2027-03-10", "events": [[1, 2, "2027-03-10T01:00:00Z", 5, [["tags", {}, null, false]]]]}'
    )
    assert later.day(date(2027, 3, 10), TICKET_EVENTS) is None  # a value no field takes: the day reads as missing
