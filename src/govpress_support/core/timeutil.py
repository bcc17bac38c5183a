"""Time: the clock, ISO 8601 parsing and printing, durations and relative times.

`now()` is the one clock the tool reads; tests replace it with `set_clock`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from govpress_support.core.errors import UsageError


def _system_now() -> datetime:
    return datetime.now(UTC)


_clock: Callable[[], datetime] = _system_now


def now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return _clock()


def set_clock(clock: Callable[[], datetime] | None) -> None:
    """Replace the clock (tests); `None` restores the system clock."""
    global _clock
    _clock = clock or _system_now


def parse_iso(value: object) -> datetime | None:
    """Parse an ISO 8601 timestamp as the APIs send it; `None` for anything unusable.

    Zendesk sends `2017-10-26T15:59:41Z`, Trello `2026-11-26T09:00:00.000Z`. A value that does not
    parse is treated as absent rather than crashing a listing.
    """
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a `Z`, to the second: the form every output uses."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


_DURATION_PART = re.compile(r"(\d+)\s*([dhms])", re.IGNORECASE)
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_duration(text: str) -> timedelta:
    """Parse `90m`, `2h`, `1d`, `1h30m`, `45s`; a bare number is minutes.

    Raises `UsageError` with the accepted forms for anything else (including zero).
    """
    raw = text.strip().lower().replace(" ", "")
    if raw.isdigit():
        seconds = int(raw) * 60
    else:
        parts = _DURATION_PART.findall(raw)
        if not parts or "".join(f"{n}{u}" for n, u in parts) != raw:
            raise UsageError(f"invalid duration {text!r}", "use forms like 90m, 2h, 1d or 1h30m")
        seconds = sum(int(n) * _UNIT_SECONDS[u] for n, u in parts)
    if seconds <= 0:
        raise UsageError(f"invalid duration {text!r}", "it must be longer than zero")
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    """A short human duration: `35m`, `5h`, `2h 10m`, `3d`, `1d 4h`."""
    seconds = abs(int(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h" if minutes == 0 or hours >= 10 else f"{hours}h {minutes}m"
    days, hours = divmod(hours, 24)
    return f"{days}d" if hours == 0 or days >= 10 else f"{days}d {hours}h"


def relative(when: datetime, reference: datetime | None = None) -> str:
    """`in 42m` for the future, `3h ago` for the past."""
    ref = reference or now()
    delta = when - ref
    text = format_duration(delta)
    return f"in {text}" if delta.total_seconds() >= 0 else f"{text} ago"


# --- `--since` and `--until` ---------------------------------------------------------------------

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MOMENT_HINT = "use 7d, 2w or 36h back from now, a date like 2026-11-19 (UTC) or a date-time like 2026-11-19T09:00Z"
_WEEKS = re.compile(r"^(\d+)\s*w$", re.IGNORECASE)


def parse_since(text: str, reference: datetime | None = None) -> datetime:
    """The start of a window: `7d`, `2w`, `36h` back from now (`parse_duration`'s forms, or weeks), a date
    (its midnight, UTC) or an ISO 8601 date-time (UTC when it names no offset)."""
    return _moment(text, reference or now(), option="--since", end_of_day=False)


def parse_until(text: str, reference: datetime | None = None) -> datetime:
    """The end of a window (not included): a date means the end of that day (the next midnight,
    UTC), so `--until 2026-11-25` takes in the whole of the 25th; an ISO 8601 date-time is that
    moment; `now`, or a duration back from now like `--since` takes."""
    return _moment(text, reference or now(), option="--until", end_of_day=True)


def _moment(text: str, reference: datetime, *, option: str, end_of_day: bool) -> datetime:
    raw = text.strip()
    if raw.lower() == "now":
        return reference
    if _DATE.match(raw):
        try:
            day = datetime(int(raw[:4]), int(raw[5:7]), int(raw[8:10]), tzinfo=UTC)
        except ValueError:
            raise UsageError(f"invalid {option} date {text!r}", MOMENT_HINT) from None
        return day + timedelta(days=1) if end_of_day else day
    if raw[:1].isdigit() and ("T" in raw.upper() or " " in raw) and "-" in raw:
        parsed = parse_iso(raw.upper().replace(" ", "T", 1))
        if parsed is None:
            raise UsageError(f"invalid {option} date-time {text!r}", MOMENT_HINT)
        return parsed
    weeks = _WEEKS.match(raw)
    if weeks:
        return reference - timedelta(weeks=int(weeks[1]))
    try:
        return reference - parse_duration(raw)
    except UsageError:
        raise UsageError(f"invalid {option} {text!r}", MOMENT_HINT) from None
