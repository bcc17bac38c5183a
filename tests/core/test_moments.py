"""`--since` and `--until`: durations back from now, UTC dates (an `--until` date takes in its whole
day), date-times, at most a year back; everything else a usage error that says the forms. The
exact values here; "a value or a usage error" over any text is in test_parsers_property.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from govpress_support.core.errors import UsageError
from govpress_support.core.timeutil import iso, parse_since, parse_until

NOW = datetime(2026, 11, 26, 14, 20, 20, tzinfo=UTC)
DAYS = [date(2026, 1, 1) + timedelta(days=n) for n in range(0, 730, 37)] + [date(2028, 2, 29), date(2026, 12, 31)]


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_a_date_is_its_utc_midnight_for_since_and_the_next_for_until(day: date) -> None:
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    assert parse_since(day.isoformat(), NOW) == midnight
    assert parse_until(day.isoformat(), NOW) == midnight + timedelta(days=1)
    assert parse_until(day.isoformat(), NOW) - parse_since(day.isoformat(), NOW) == timedelta(days=1)


@pytest.mark.parametrize(
    ("text", "back"),
    [
        ("7d", timedelta(days=7)),
        ("1d", timedelta(days=1)),
        ("36h", timedelta(hours=36)),
        ("90m", timedelta(minutes=90)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("2w", timedelta(weeks=2)),
        (" 30d ", timedelta(days=30)),
        ("45", timedelta(minutes=45)),  # a bare number is minutes, as everywhere
    ],
)
def test_a_duration_is_back_from_now(text: str, back: timedelta) -> None:
    assert parse_since(text, NOW) == NOW - back
    assert parse_until(text, NOW) == NOW - back


@pytest.mark.parametrize("seconds", [0, 1, 59, 3600, 86399, 86400 * 45 + 7])
def test_a_date_time_round_trips_through_iso(seconds: int) -> None:
    moment = NOW - timedelta(seconds=seconds)
    text = iso(moment)
    assert text is not None
    assert parse_since(text, NOW) == moment
    assert parse_until(text, NOW) == moment
    assert parse_since(text.replace("Z", "+00:00"), NOW) == moment
    assert parse_since(text.lower(), NOW) == moment


def test_other_forms_of_a_date_time() -> None:
    assert parse_since("2026-11-19T09:00Z", NOW) == datetime(2026, 11, 19, 9, tzinfo=UTC)
    assert parse_since("2026-11-19 09:30", NOW) == datetime(2026, 11, 19, 9, 30, tzinfo=UTC)  # no offset: UTC
    assert parse_since("2026-11-19T09:00+01:00", NOW) == datetime(2026, 11, 19, 8, tzinfo=UTC)
    assert parse_until("now", NOW) == NOW


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "7 days",
        "2days",
        "-7d",
        "0d",
        "2026-13-01",
        "2026-02-30",
        "2026-11-19T25:00Z",
        "19/11/2026",
        "d7",
    ],
)
def test_anything_else_is_a_usage_error_naming_the_option_and_the_forms(text: str) -> None:
    for parse, option in ((parse_since, "--since"), (parse_until, "--until")):
        with pytest.raises(UsageError) as caught:
            parse(text, NOW)
        assert option in caught.value.message
        assert "2026-11-19" in (caught.value.hint or "")


def test_a_year_back_at_most_and_any_day_ahead() -> None:
    assert parse_since("52w", NOW) == NOW - timedelta(weeks=52)
    assert parse_since("365d", NOW) == NOW - timedelta(days=365)
    for text in ("53w", "366d", "2025-11-25", "0001-01-01"):
        with pytest.raises(UsageError) as caught:
            parse_since(text, NOW)
        assert "--since" in caught.value.message and "year" in f"{caught.value.message} {caught.value.hint}"
    assert parse_until("9999-12-31", NOW) == datetime.max.replace(tzinfo=UTC)  # its whole day: to the last moment
    assert parse_until("2027-06-01", NOW) == datetime(2027, 6, 2, tzinfo=UTC)  # the window stops at now later
