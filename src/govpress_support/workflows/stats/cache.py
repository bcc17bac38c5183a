"""The stats' cache in the state dir, so a second run reads only what is new.

- **Finished days of both exports.** A day's metric events and ticket events are final once the
  day is over (breach events are written ahead, but a breach that has passed is never withdrawn;
  an update is never changed afterwards) and an hour has gone by for the exports to catch up. Each
  finished day an export was read through is kept in its own file, `events-YYYY-MM-DD.json` and
  `ticket-events-YYYY-MM-DD.json`; the next run pages each export only over the days it lacks.
- **Ticket histories** (from audits), keyed by the ticket's `updated_at`: a ticket's audits only
  change when it is updated, so a history read at the same stamp is still whole.

One directory per Zendesk account and person (a hash of the key the caller gives: the base URL
and the email, so an agent never reads events only an admin may read), written whole or not at
all through `core/private.py` (0700 directories, 0600 files). An unreadable or foreign file reads
as missing, and one that cannot be written is said once to `on_error` (the --debug log): the
cache can only save requests, never fail a run. Files older than `KEEP_DAYS` are dropped.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Generic, TypeVar

from govpress_support.core.models import FieldValue, MetricEvent, TicketChange, TicketEvent
from govpress_support.core.private import write_private
from govpress_support.core.timeutil import iso, parse_iso

T = TypeVar("T", MetricEvent, TicketEvent)

FORMAT = 1
KEEP_DAYS = 120
FINISHED_AFTER = timedelta(hours=1)  # how long after a day ends its events are taken as final
HISTORIES = "histories.json"


@dataclass(frozen=True)
class Codec(Generic[T]):
    """How one export's items are kept: its files' prefix, an item as a row and back (None: a
    row this version cannot read, so the day reads as missing)."""

    prefix: str
    row: Callable[[T], list[Any]]
    item: Callable[[Any], T | None]


def day_finished(day: date, now: datetime) -> bool:
    end = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
    return end + FINISHED_AFTER <= now


class StatsCache:
    """`directory` None: no cache (nothing read, nothing written)."""

    def __init__(self, directory: Path | None, now: datetime, on_error: Callable[[str], None] | None = None):
        self.directory = directory
        self.now = now
        self.on_error = on_error  # told once when a file cannot be written (the --debug log)
        self._said = False
        self._histories: dict[str, Any] | None = None
        self._dirty = False
        self._lock = threading.RLock()  # flush() writes while holding it

    @classmethod
    def in_state_dir(
        cls, state_dir: Path, account: str, now: datetime, on_error: Callable[[str], None] | None = None
    ) -> StatsCache:
        tag = hashlib.sha256(account.encode()).hexdigest()[:16]
        return cls(state_dir / "cache" / "stats" / tag, now, on_error)

    # --- days of the exports ---------------------------------------------------------------------

    def day(self, day: date, codec: Codec[T] | None = None) -> list[T] | None:
        """A finished day's items of an export (the metric events unless `codec` says another)."""
        kept: Codec[Any] = codec or METRIC_EVENTS
        data = self._read(self._day_path(kept, day))
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("day") != day.isoformat():
            return None
        rows = data.get("events")
        if not isinstance(rows, list):
            return None
        found = [kept.item(row) for row in rows]
        if any(e is None for e in found):
            return None
        return [e for e in found if e is not None]

    def put_day(self, day: date, items: Iterable[T], codec: Codec[T] | None = None) -> None:
        if not day_finished(day, self.now):
            return
        kept: Codec[Any] = codec or METRIC_EVENTS
        rows = [kept.row(e) for e in sorted(items, key=lambda e: (e.time, e.id))]
        self._write(self._day_path(kept, day), {"format": FORMAT, "day": day.isoformat(), "events": rows})
        self._prune()

    def _day_path(self, codec: Codec[Any], day: date) -> Path | None:
        return None if self.directory is None else self.directory / f"{codec.prefix}-{day.isoformat()}.json"

    def _prune(self) -> None:
        if self.directory is None:
            return
        oldest = (self.now - timedelta(days=KEEP_DAYS)).date().isoformat()
        with contextlib.suppress(OSError):
            for path in self.directory.glob("*events-*.json"):
                if path.stem.rpartition("events-")[2] < oldest:
                    path.unlink()

    # --- ticket histories --------------------------------------------------------------------------

    def history(self, ticket_id: int, stamp: str | None) -> list[TicketChange] | None:
        if stamp is None:
            return None
        with self._lock:
            entry = self._load_histories().get(str(ticket_id))
            if not isinstance(entry, dict) or entry.get("stamp") != stamp or not isinstance(entry.get("changes"), list):
                return None
            changes = [_change(row) for row in entry["changes"]]
            if any(c is None for c in changes):
                return None
            entry["used"] = self.now.date().isoformat()
            self._dirty = True
        return [c for c in changes if c is not None]

    def put_history(self, ticket_id: int, stamp: str | None, changes: Iterable[TicketChange]) -> None:
        if stamp is None or self.directory is None:
            return
        with self._lock:
            self._load_histories()[str(ticket_id)] = {
                "stamp": stamp,
                "used": self.now.date().isoformat(),
                "changes": [_change_row(c) for c in changes],
            }
            self._dirty = True

    def flush(self) -> None:
        """Write the histories read or used this run (unused ones go after `KEEP_DAYS`)."""
        with self._lock:
            if not self._dirty or self._histories is None:
                return
            oldest = (self.now - timedelta(days=KEEP_DAYS)).date().isoformat()
            kept = {k: v for k, v in self._histories.items() if isinstance(v, dict) and str(v.get("used")) >= oldest}
            path = None if self.directory is None else self.directory / HISTORIES
            self._write(path, {"format": FORMAT, "tickets": kept})
            self._dirty = False

    def _load_histories(self) -> dict[str, Any]:
        if self._histories is None:
            data = self._read(None if self.directory is None else self.directory / HISTORIES)
            tickets = data.get("tickets") if isinstance(data, dict) and data.get("format") == FORMAT else None
            self._histories = tickets if isinstance(tickets, dict) else {}
        return self._histories

    # --- files -------------------------------------------------------------------------------------

    @staticmethod
    def _read(path: Path | None) -> Any:
        if path is None:
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _write(self, path: Path | None, data: Any) -> None:
        if path is None:
            return
        try:
            write_private(path, json.dumps(data, separators=(",", ":")))
        except OSError as exc:
            with self._lock:
                said, self._said = self._said, True
            if self.on_error is not None and not said:
                self.on_error(
                    f"the stats cache {path.parent} cannot be written ({exc.strerror or exc}): carrying on without it"
                )


def _event_row(e: MetricEvent) -> list[Any]:
    return [e.id, e.ticket_id, e.metric, e.instance_id, e.type, iso(e.time), e.deleted, e.policy, e.target_seconds]


def _event(row: Any) -> MetricEvent | None:
    if not isinstance(row, list) or len(row) != 9:
        return None
    when = parse_iso(row[5])
    if when is None or not all(isinstance(row[i], int) for i in (0, 1, 3)):
        return None
    return MetricEvent(
        id=row[0],
        ticket_id=row[1],
        metric=str(row[2]),
        instance_id=row[3],
        type=str(row[4]),
        time=when,
        deleted=row[6] is True,
        policy=row[7] if isinstance(row[7], str) else None,
        target_seconds=row[8] if isinstance(row[8], int) else None,
    )


def _ticket_event_row(e: TicketEvent) -> list[Any]:
    changes = [[c.field, _value_row(c.value), _value_row(c.previous), c.created] for c in e.changes]
    return [e.id, e.ticket_id, iso(e.time), e.updater_id, changes]


def _ticket_event(row: Any) -> TicketEvent | None:
    if not isinstance(row, list) or len(row) != 5 or not isinstance(row[4], list):
        return None
    when = parse_iso(row[2])
    if when is None or not all(isinstance(row[i], int) for i in (0, 1)):
        return None
    changes: list[TicketChange] = []
    for change in row[4]:
        if not isinstance(change, list) or len(change) != 4:
            return None
        try:
            changes.append(TicketChange(when, str(change[0]), _value(change[1]), change[3] is True, _value(change[2])))
        except ValueError:
            return None
    updater = row[3] if isinstance(row[3], int) else None
    return TicketEvent(row[0], row[1], when, updater, tuple(changes))


def _value_row(value: FieldValue) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _value(raw: Any) -> FieldValue:
    """A kept field value; ValueError when it is none of the kinds a field takes."""
    if isinstance(raw, list):
        return tuple(str(v) for v in raw)
    if raw is None or (isinstance(raw, int | str) and not isinstance(raw, bool)):
        return raw
    raise ValueError(raw)


METRIC_EVENTS: Codec[MetricEvent] = Codec("events", _event_row, _event)
TICKET_EVENTS: Codec[TicketEvent] = Codec("ticket-events", _ticket_event_row, _ticket_event)


def _change_row(c: TicketChange) -> list[Any]:
    value = list(c.value) if isinstance(c.value, tuple) else c.value
    return [iso(c.at), c.field, value, c.created]


def _change(row: Any) -> TicketChange | None:
    if not isinstance(row, list) or len(row) != 4:
        return None
    when = parse_iso(row[0])
    if when is None:
        return None
    try:
        return TicketChange(at=when, field=str(row[1]), value=_value(row[2]), created=row[3] is True)
    except ValueError:
        return None
