"""`ticket due`'s DATE: every form checked against every day of two years as "today" (the
properties, exhaustively rather than sampled), and the errors say the forms."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from govpress_support.core.dates import WEEKDAYS, due_at, parse_due_day
from govpress_support.core.errors import UsageError

DAYS = [date(2026, 1, 1) + timedelta(days=n) for n in range(731)]  # 2026 and 2027, a leap day in neither
SPELLINGS = {name: (name, name[:3], name.upper(), f"{name[:3].title()}.") for name in WEEKDAYS}


def test_a_weekday_is_the_next_one_after_today_in_every_spelling() -> None:
    for today in DAYS:
        for index, name in enumerate(WEEKDAYS):
            for spelling in SPELLINGS[name]:
                day = parse_due_day(spelling, today)
                assert day is not None
                assert day.weekday() == index, (today, spelling)
                assert timedelta(days=1) <= day - today <= timedelta(days=7), (today, spelling)


def test_offsets_count_from_today() -> None:
    for today in DAYS:
        for count in (0, 1, 3, 14, 400):
            assert parse_due_day(f"+{count}d", today) == today + timedelta(days=count)
            assert parse_due_day(f" +{count}W ", today) == today + timedelta(weeks=count)
        assert parse_due_day("today", today) == today
        assert parse_due_day("Tomorrow", today) == today + timedelta(days=1)


def test_an_iso_day_is_itself_from_today_on_and_refused_before() -> None:
    today = date(2026, 12, 1)
    for day in DAYS:
        if day >= today:
            assert parse_due_day(day.isoformat(), today) == day
        else:
            with pytest.raises(UsageError, match=f"due date {day.isoformat()} is in the past"):
                parse_due_day(day.isoformat(), today)


@pytest.mark.parametrize("word", ["none", "clear", " NONE "])
def test_none_clears_the_due_date(word: str) -> None:
    assert parse_due_day(word, date(2026, 12, 1)) is None


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2026-02-30", "'2026-02-30' is not a date"),
        ("next friday", "invalid due date 'next friday'"),
        ("fr", "invalid due date 'fr'"),  # too short to be sure of
        ("+3", "invalid due date '+3'"),
        ("-3d", "invalid due date '-3d'"),
        ("04/12/2026", "invalid due date '04/12/2026'"),
        ("", "invalid due date ''"),
        ("+9999d", "more than ten years away"),
    ],
)
def test_anything_else_is_a_usage_error_naming_the_forms(text: str, says: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_due_day(text, date(2026, 12, 1))
    assert says in caught.value.message
    assert caught.value.hint is not None and "friday" in caught.value.hint and "+3d" in caught.value.hint


def test_a_due_day_is_stored_at_noon_utc() -> None:
    assert due_at(date(2026, 12, 4)) == datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
