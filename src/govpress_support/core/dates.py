"""Due dates as people type them: `2026-12-04`, `friday`, `+3d`, `tomorrow`, `none`.

A task ticket's due date is a day; Zendesk stores a time, and its agent interface puts a due day
at noon, so `due_at` is that day at 12:00 UTC. "Today" is the caller's local date (core does no
I/O), so `+3d` and `friday` count from the day the user is in.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from govpress_support.core.errors import UsageError
from govpress_support.core.numbers import clipped, whole_number

DUE_TIME = time(12, 0, tzinfo=UTC)
DUE_HINT = "use a date (2026-12-04), a weekday (friday), +3d or +2w, today, tomorrow, or none to clear it"
CLEAR_WORDS = ("none", "clear")
MAX_AHEAD = timedelta(days=3660)  # ten years: anything further is a typo

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_OFFSET = re.compile(r"\+([0-9]{1,4})([dw])")  # ASCII digits only (core/numbers.py)
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _weekday(word: str) -> int | None:
    """0 for `mon`, `monday`, `Mon.`...; None for anything else (at least three letters)."""
    key = word.rstrip(".")
    if len(key) < 3:
        return None
    for index, name in enumerate(WEEKDAYS):
        if name.startswith(key):
            return index
    return None


def parse_due_day(text: str, today: date) -> date | None:
    """The day a user means, or None for `none`/`clear` (remove the due date).

    A weekday is the next one after today (`friday` on a Friday is a week on). A day before
    today, an impossible date (2026-02-30) or anything else is a `UsageError` with the forms."""
    raw = text.strip().lower()
    if raw in CLEAR_WORDS:
        return None
    try:
        day = _day(raw, today)
    except ValueError:  # an impossible date
        raise UsageError(f"{clipped(text.strip())!r} is not a date", DUE_HINT) from None
    except OverflowError:  # past the calendar's end
        raise UsageError(f"due date {clipped(text.strip())!r} is more than ten years away", DUE_HINT) from None
    if day is None:
        raise UsageError(f"invalid due date {clipped(text.strip())!r}", DUE_HINT)
    if day < today:
        raise UsageError(f"due date {day.isoformat()} is in the past", DUE_HINT)
    if day - today > MAX_AHEAD:
        raise UsageError(f"due date {day.isoformat()} is more than ten years away", DUE_HINT)
    return day


def _day(raw: str, today: date) -> date | None:
    """The day `raw` (stripped, lower case) names, None when it is none of the forms."""
    if raw == "today":
        return today
    if raw == "tomorrow":
        return today + timedelta(days=1)
    if match := _OFFSET.fullmatch(raw):
        count, unit = whole_number(match[1]) or 0, match[2]
        return today + timedelta(days=count * (7 if unit == "w" else 1))
    if _ISO_DAY.fullmatch(raw):
        return date.fromisoformat(raw)
    if (weekday := _weekday(raw)) is not None:
        return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    return None


def due_at(day: date) -> datetime:
    """The `due_at` Zendesk stores for a due day: noon UTC."""
    return datetime.combine(day, DUE_TIME)
