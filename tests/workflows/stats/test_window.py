"""The window: the last 7 days by default, --since/--until (an --until date takes in its day; one in
the future stops at now), the current or previous rota stint, and the last 7 days (said) when
there is no rota to take a stint from."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from govpress_support.core.errors import UsageError
from govpress_support.core.models import RotaEntry
from govpress_support.core.timeutil import parse_since, parse_until
from govpress_support.workflows.stats.window import engineers, resolve_window

NOW = datetime(2026, 11, 26, 14, 20, 20, tzinfo=UTC)  # a Thursday
MONDAY = date(2026, 11, 23)


def week(offset: int, name: str) -> list[RotaEntry]:
    start = MONDAY + timedelta(weeks=offset)
    email = name.lower().replace(" ", ".") + "@govpress.example"
    return [RotaEntry(start + timedelta(days=d), "dev", name, email) for d in range(5)]


def since(text: str) -> datetime:
    return parse_since(text, NOW)


def until(text: str) -> datetime:
    return parse_until(text, NOW)


ROTA = [*week(-2, "Ade Bello"), *week(-1, "Priya Shah"), *week(0, "Sam Okafor"), *week(1, "Tom Hughes")]


def test_the_last_seven_days_by_default() -> None:
    window = resolve_window(NOW)
    assert (window.start, window.end, window.label) == (NOW - timedelta(days=7), NOW, "last 7 days")
    assert window.days == [date(2026, 11, 19) + timedelta(days=n) for n in range(8)]


def test_since_and_until() -> None:
    window = resolve_window(NOW, since=since("2026-11-01"), until=until("2026-11-14"))
    assert (window.start, window.end) == (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 15, tzinfo=UTC))
    assert len(window.days) == 14 and window.days[-1] == date(2026, 11, 14)
    assert resolve_window(NOW, since=since("36h")).start == NOW - timedelta(hours=36)
    alone = resolve_window(NOW, until=until("2026-11-14"))
    assert alone.start == alone.end - timedelta(days=7)


def test_an_until_in_the_future_stops_at_now_and_says_so() -> None:
    notes: list[str] = []
    window = resolve_window(NOW, since=since("2026-11-20"), until=until("2026-12-31"), notes=notes)
    assert window.end == NOW and "future" in notes[0]


@pytest.mark.parametrize(
    ("options", "word"),
    [
        ({"since": since("2026-11-25"), "until": until("2026-11-20")}, "empty"),
        ({"since": since("2026-12-01")}, "empty"),
        ({"rotation": True, "since": since("7d")}, "--rotation"),
    ],
)
def test_windows_that_cannot_be(options: dict[str, object], word: str) -> None:
    with pytest.raises(UsageError) as caught:
        resolve_window(NOW, rota=ROTA, **options)  # type: ignore[arg-type]
    assert word in caught.value.message


def test_the_current_rotation_runs_from_its_first_day_to_now() -> None:
    window = resolve_window(NOW, rotation=True, rota=ROTA)
    assert (window.start, window.end) == (datetime(2026, 11, 23, tzinfo=UTC), NOW)
    assert (window.engineer, window.label) == ("Sam Okafor", "Sam Okafor's rotation")


def test_the_previous_rotation_runs_to_the_next_ones_first_day_weekend_included() -> None:
    window = resolve_window(NOW, previous=True, rota=ROTA)
    assert (window.start, window.end) == (datetime(2026, 11, 16, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC))
    assert window.engineer_email == "priya.shah@govpress.example"
    assert len(window.days) == 7


def test_on_a_weekend_the_current_rotation_is_the_weeks() -> None:
    saturday = datetime(2026, 11, 28, 10, tzinfo=UTC)
    assert resolve_window(saturday, rotation=True, rota=ROTA).engineer == "Sam Okafor"


@pytest.mark.parametrize("rota", [None, [], week(3, "Chris Wong")])
def test_no_stint_to_take_falls_back_to_the_last_seven_days_and_says_so(rota: list[RotaEntry] | None) -> None:
    notes: list[str] = []
    window = resolve_window(NOW, rotation=True, rota=rota, notes=notes)
    assert window.label == "last 7 days" and window.engineer is None
    assert len(notes) == 1 and "last 7 days" in notes[0]


def test_each_days_engineer_is_the_rotas_weekends_included() -> None:
    days = [date(2026, 11, 20) + timedelta(days=n) for n in range(4)]  # Fri, Sat, Sun, Mon
    found = engineers(days, ROTA)
    assert [found[d].name for d in days] == ["Priya Shah", "Priya Shah", "Priya Shah", "Sam Okafor"]
    assert engineers(days, None) == {}
