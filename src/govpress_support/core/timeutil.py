"""Time: the clock, ISO 8601 parsing and printing, durations and relative times.

`now()` is the one clock the tool reads; tests replace it with `set_clock`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from govpress_support.core.errors import UsageError
from govpress_support.core.numbers import clipped, is_digits, whole_number


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
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: year 9999 east of UTC, say
        return None


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a `Z`, to the second: the form every output uses."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


_DURATION_PART = re.compile(r"([0-9]+)([dhms])")
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
MAX_DURATION = timedelta(days=365)
DURATION_FORMS = "use forms like 90m, 2h, 1d or 1h30m"


def parse_duration(text: str) -> timedelta:
    """Parse `90m`, `2h`, `1d`, `1h30m`, `45s`; a bare number is minutes. ASCII digits only.

    Raises `UsageError` with the accepted forms for anything else, for zero and for more than
    `MAX_DURATION` (a year).
    """
    raw = text.strip().lower().replace(" ", "")
    too_long = UsageError(f"duration {clipped(text)!r} is too long", "it must be at most a year (365d)")
    if is_digits(raw):
        minutes = whole_number(raw, maximum=MAX_DURATION // timedelta(minutes=1))
        if minutes is None:
            raise too_long
        seconds = minutes * 60
    else:
        parts = _DURATION_PART.findall(raw)
        if not parts or "".join(f"{n}{u}" for n, u in parts) != raw:
            raise UsageError(f"invalid duration {clipped(text)!r}", DURATION_FORMS)
        limit = int(MAX_DURATION.total_seconds())
        counts = [(whole_number(n, maximum=limit), u) for n, u in parts]
        if any(n is None for n, _ in counts):
            raise too_long
        seconds = sum((n or 0) * _UNIT_SECONDS[u] for n, u in counts)
    if seconds <= 0:
        raise UsageError(f"invalid duration {clipped(text)!r}", "it must be longer than zero")
    if seconds > MAX_DURATION.total_seconds():
        raise too_long
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

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WEEKS = re.compile(r"([0-9]+)\s*w", re.IGNORECASE)
MOMENT_HINT = (
    "use 7d, 2w or 36h back from now, a date like 2026-11-19 (UTC) or a date-time like 2026-11-19T09:00Z,"
    " at most a year back"
)


def parse_since(text: str, reference: datetime | None = None) -> datetime:
    """The start of a window: `7d`, `2w`, `36h` back from now (`parse_duration`'s forms, or weeks), a date
    (its midnight, UTC) or an ISO 8601 date-time (UTC when it names no offset). At most a year
    (`MAX_DURATION`) before `reference` (default: now); anything else is a `UsageError`."""
    return _moment(text, reference or now(), option="--since", end_of_day=False)


def parse_until(text: str, reference: datetime | None = None) -> datetime:
    """The end of a window (not included): a date means the end of that day (the next midnight,
    UTC), so `--until 2026-11-25` takes in the whole of the 25th; an ISO 8601 date-time is that
    moment; `now`, or a duration back from now like `--since` takes. At most a year back, as
    `parse_since`; a later moment is taken as it is (the window stops at now)."""
    return _moment(text, reference or now(), option="--until", end_of_day=True)


def _moment(text: str, reference: datetime, *, option: str, end_of_day: bool) -> datetime:
    raw, shown = text.strip(), clipped(text)
    if raw.lower() == "now":
        return reference
    if not raw.isascii():  # ASCII digits only, as for every number the tool reads
        raise UsageError(f"invalid {option} {shown!r}", MOMENT_HINT)
    if _DATE.fullmatch(raw):
        try:
            moment = datetime(int(raw[:4]), int(raw[5:7]), int(raw[8:10]), tzinfo=UTC)
        except ValueError:
            raise UsageError(f"invalid {option} date {shown!r}", MOMENT_HINT) from None
        if end_of_day:  # the next midnight (after 9999-12-31: the last moment there is)
            try:
                moment += timedelta(days=1)
            except OverflowError:
                moment = datetime.max.replace(tzinfo=UTC)
    elif raw[:1].isdigit() and ("T" in raw.upper() or " " in raw) and "-" in raw:
        parsed = parse_iso(raw.upper().replace(" ", "T", 1))
        if parsed is None:
            raise UsageError(f"invalid {option} date-time {shown!r}", MOMENT_HINT)
        moment = parsed
    else:
        moment = reference - _back(raw, option, shown)
    if reference - moment > MAX_DURATION:
        raise UsageError(f"{option} {shown!r} is more than a year back", "a window starts at most a year (365d) back")
    return moment


def _back(raw: str, option: str, shown: str) -> timedelta:
    """How far back from now `7d`, `36h` or `2w` goes (more than zero, a year at most)."""
    invalid = UsageError(f"invalid {option} {shown!r}", MOMENT_HINT)
    weeks = _WEEKS.fullmatch(raw)
    if weeks:
        count = whole_number(weeks[1], maximum=MAX_DURATION // timedelta(weeks=1))
        if not count:  # none, or more than a year of them
            raise invalid
        return timedelta(weeks=count)
    try:
        return parse_duration(raw)
    except UsageError:
        raise invalid from None
