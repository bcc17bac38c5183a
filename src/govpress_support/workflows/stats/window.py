"""Which window `stats` looks at: `--since`/`--until`, a rota stint (`--rotation`, `--previous`),
or the last 7 days; and who was on the rota each day of it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from govpress_support.core.errors import UsageError
from govpress_support.core.models import RotaEntry
from govpress_support.services.rota import on_duty, stints
from govpress_support.workflows.stats.models import Window

DEFAULT_DAYS = 7


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def day_label(when: datetime) -> str:
    """`Thu 19 Nov`, or `Thu 19 Nov 14:20` when not at midnight (UTC)."""
    at = when.astimezone(UTC)
    text = at.strftime("%a %d %b")
    return text if (at.hour, at.minute, at.second) == (0, 0, 0) else f"{text} {at:%H:%M}"


def resolve_window(
    now: datetime,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    rotation: bool = False,
    previous: bool = False,
    rota: Sequence[RotaEntry] | None = None,
    notes: list[str] | None = None,
) -> Window:
    """The window for these options. `since` and `until` as the command line gave them (read by
    `timeutil.parse_since` and `parse_until`). `rota` is the rota's entries for the 2nd line role
    (None: no rota service, or it failed); `--rotation` without one falls back to the last 7 days,
    and says so in `notes`. `--previous` implies `--rotation`."""
    said = notes if notes is not None else []
    if (rotation or previous) and (since is not None or until is not None):
        raise UsageError("--rotation picks the window itself", "drop --since and --until, or drop --rotation")
    if rotation or previous:
        found = _stint(now, rota, previous=previous, notes=said)
        if found is not None:
            return found
        return _last_days(now)
    end = now if until is None else until
    if end > now:
        said.append(f"--until is in the future: the window ends now ({day_label(now)})")
        end = now
    start = end - timedelta(days=DEFAULT_DAYS) if since is None else since
    if start >= end:
        raise UsageError(
            f"the window is empty: --since ({day_label(start)}) is not before its end ({day_label(end)})",
            "pick an earlier --since or a later --until",
        )
    if since is not None and until is not None:
        label = f"{day_label(start)} to {day_label(end)}"
    elif since is not None:
        label = f"since {day_label(start)}"
    elif until is not None:
        label = f"the {DEFAULT_DAYS} days to {day_label(end)}"
    else:
        label = f"last {DEFAULT_DAYS} days"
    return Window(start, end, label)


def _last_days(now: datetime) -> Window:
    return Window(now - timedelta(days=DEFAULT_DAYS), now, f"last {DEFAULT_DAYS} days")


def _stint(now: datetime, rota: Sequence[RotaEntry] | None, *, previous: bool, notes: list[str]) -> Window | None:
    if rota is None:
        notes.append(f"no rota to take the rotation from: showing the last {DEFAULT_DAYS} days")
        return None
    runs = stints(rota)
    today = now.astimezone(UTC).date()
    current = max((i for i, (first, _) in enumerate(runs) if first.day <= today), default=None)
    if current is None:
        notes.append(f"the rota has no stint before today: showing the last {DEFAULT_DAYS} days")
        return None
    index = current - 1 if previous else current
    if index < 0:
        notes.append(f"the rota has no stint before the current one: showing the last {DEFAULT_DAYS} days")
        return None
    first, _ = runs[index]
    start = midnight(first.day)
    end = midnight(runs[index + 1][0].day) if index + 1 < len(runs) else now
    end = min(end, now)
    if start >= end:
        notes.append(f"the rotation has not started yet: showing the last {DEFAULT_DAYS} days")
        return None
    whose = f"{first.name}'s rotation" if not previous else f"{first.name}'s rotation (the previous one)"
    return Window(start, end, whose, engineer=first.name, engineer_email=first.email)


def engineers(days: Sequence[date], rota: Sequence[RotaEntry] | None) -> dict[date, RotaEntry]:
    """Who was on the rota each day (the last one before it on weekends and gaps)."""
    if not rota:
        return {}
    found: dict[date, RotaEntry] = {}
    for day in days:
        entry = on_duty(rota, day)
        if entry is not None:
            found[day] = entry
    return found
