"""The team's rota service: who is on 2nd line when, and who comes before and after.

`GET <ROTA_URL>` answers a JSON list of `{"date", "role", "person": {"name", "email"}}`; a
person may also carry a GitHub login (`github`) and a Slack member id (`slack_id`).
The exact field set is unverified, so extra keys are accepted and a missing one is a clear
error naming the entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from govpress_support.core.errors import ApiError, GovPressError
from govpress_support.core.models import RotaEntry
from govpress_support.services.http import HttpClient


class RotaClient:
    def __init__(self, http: HttpClient, url: str):
        self.http = http
        self.url = url
        self._answer: Any = None
        self._failure: GovPressError | None = None

    def entries(self, role: str | None = None) -> list[RotaEntry]:
        """The rota, fetched once per run (a failure too: callers fall back, not retry)."""
        if self._failure is not None:
            raise self._failure
        if self._answer is None:
            try:
                self._answer = self.http.get_json(self.url, what="the rota")
            except GovPressError as exc:
                self._failure = exc
                raise
        return parse_rota(self._answer, role)


def parse_rota(data: Any, role: str | None = None) -> list[RotaEntry]:
    """Validate the rota JSON into entries sorted by day; `ApiError` for anything unusable."""
    if isinstance(data, dict):
        for key in ("rota", "entries", "data"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
    if not isinstance(data, list):
        raise ApiError(
            "the rota service answered something that is not a rota (expected a JSON list)", "check ROTA_URL"
        )
    entries: list[RotaEntry] = []
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            raise ApiError(f"rota entry {index} is not an object", "check ROTA_URL")
        person = item.get("person")
        missing = [k for k in ("date", "role") if not isinstance(item.get(k), str)]
        if not isinstance(person, dict):
            missing.append("person")
        else:
            missing += [f"person.{k}" for k in ("name", "email") if not isinstance(person.get(k), str)]
        if missing:
            raise ApiError(f"rota entry {index} has no {', '.join(missing)}", "check ROTA_URL")
        assert isinstance(person, dict)
        try:
            day = date.fromisoformat(item["date"][:10])
        except ValueError:
            raise ApiError(f"rota entry {index} has an unreadable date {item['date']!r}", "check ROTA_URL") from None
        entries.append(
            RotaEntry(
                day=day,
                role=item["role"],
                name=person["name"],
                email=person["email"],
                github=_optional(person, "github", "github_login", "github_username"),
                slack_id=_optional(person, "slack_id", "slack"),
            )
        )
    if role is not None:
        entries = [e for e in entries if e.role == role]
    return sorted(entries, key=lambda e: e.day)


def _optional(person: dict[str, Any], *keys: str) -> str | None:
    """The first of `keys` the person carries as a non-empty string (the rota's extras)."""
    for key in keys:
        value = person.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def on_duty(entries: Sequence[RotaEntry], day: date) -> RotaEntry | None:
    """The engineer on the rota on `day`, or the latest one before it (weekends, gaps)."""
    before = [e for e in entries if e.day <= day]
    return before[-1] if before else None


def previous_engineer(entries: Sequence[RotaEntry], email: str, today: date) -> RotaEntry | None:
    """The last engineer before `email`'s current or next stint who is not `email`."""
    mine = [e for e in entries if _same(e.email, email)]
    current_or_next = [e for e in mine if e.day >= today] or mine[-1:]
    start = current_or_next[0].day if current_or_next else today
    # Walk back from the start of this stint to the first entry of someone else.
    stint_start = start
    for entry in reversed([e for e in entries if e.day < start]):
        if _same(entry.email, email):
            stint_start = entry.day
            continue
        if entry.day < stint_start:
            return entry
    return None


def next_engineer(entries: Sequence[RotaEntry], email: str, today: date) -> RotaEntry | None:
    """The first engineer after `email`'s current stint (from `today`) who is not `email`."""
    for entry in entries:
        if entry.day >= today and not _same(entry.email, email):
            return entry
    return None


def has_served(entries: Sequence[RotaEntry], email: str, today: date) -> bool:
    """Whether `email` was on the rota before the current stint (a first-timer was not)."""
    previous = previous_engineer(entries, email, today)
    if previous is None:
        return False
    return any(_same(e.email, email) and e.day < previous.day for e in entries)


def stints(entries: Sequence[RotaEntry]) -> list[tuple[RotaEntry, RotaEntry]]:
    """The rota as stints: runs of consecutive entries (in day order) for the same engineer, each
    as (its first entry, its last entry). A weekend or a gap between two days of the same engineer
    does not end a stint; someone else's day does."""
    found: list[tuple[RotaEntry, RotaEntry]] = []
    for entry in sorted(entries, key=lambda e: e.day):
        if found and _same(found[-1][0].email, entry.email):
            found[-1] = (found[-1][0], entry)
        else:
            found.append((entry, entry))
    return found
