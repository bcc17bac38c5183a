"""What shell completion offers, kept in the state dir by the commands that see it: the ticket ids
of the last queue (with their subjects) and the agents met on the way (group members, assignees).

Completion reads this file and the metadata cache (group names, custom statuses) and nothing else:
no request, no credentials, no clients. A missing or broken file completes nothing; it never fails.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from govpress_support.core.models import User
from govpress_support.core.private import write_private

FILE = "completion.json"
MAX_AGENTS = 500


def completion_path(state_dir: Path) -> Path:
    return state_dir / "cache" / FILE


def metadata_path(state_dir: Path) -> Path:
    """The metadata cache (`cache.MetadataCache`) the clients keep groups and statuses in."""
    return state_dir / "cache" / "metadata.json"


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


class CompletionCache:
    """Collects what a command run sees, and writes it once, when the run ends (`save`): a private
    file (0600, `core.private`), as everything in the state dir. One that cannot be written is
    said once to `on_error` (the --debug log), never as an error: it only helps a Tab."""

    def __init__(self, path: Path, on_error: Callable[[str], None] | None = None):
        self.path = path
        self.on_error = on_error
        self._tickets: list[tuple[int, str]] | None = None
        self._agents: dict[str, str] = {}

    def remember_tickets(self, tickets: Iterable[tuple[int, str]]) -> None:
        """The tickets the last queue listed, in its order: they replace the ones before."""
        self._tickets = [(int(i), str(subject)) for i, subject in tickets]

    def saw_users(self, users: Iterable[User]) -> None:
        """Keep the agents among these (an email to complete, a name to show beside it)."""
        for user in users:
            if user.is_agent and user.active and user.email:
                self._agents[user.email] = user.name

    def save(self) -> None:
        if self._tickets is None and not self._agents:
            return
        data = read_json(self.path)
        if self._tickets is not None:
            data["tickets"] = self._tickets
        stored = data.get("agents")
        known: dict[str, Any] = stored if isinstance(stored, dict) else {}
        data["agents"] = dict(list({**known, **self._agents}.items())[-MAX_AGENTS:])
        try:
            write_private(self.path, json.dumps(data))
        except OSError as exc:
            if self.on_error is not None:
                self.on_error(f"the completion cache {self.path} cannot be written ({exc.strerror or exc})")


def cached_tickets(state_dir: Path) -> list[tuple[int, str]]:
    items = read_json(completion_path(state_dir)).get("tickets")
    out: list[tuple[int, str]] = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, list) and len(item) == 2 and isinstance(item[0], int):
            out.append((item[0], str(item[1])))
    return out


def cached_agents(state_dir: Path) -> dict[str, str]:
    agents = read_json(completion_path(state_dir)).get("agents")
    return {str(k): str(v) for k, v in agents.items()} if isinstance(agents, dict) else {}


def cached_metadata(state_dir: Path, prefix: str) -> list[Any]:
    """Every value the metadata cache holds under keys starting `prefix` ("groups ",
    "custom_statuses "), however old: completion would rather offer a stale name than none."""
    found: list[Any] = []
    for key, entry in read_json(metadata_path(state_dir)).items():
        if key.startswith(prefix) and isinstance(entry, dict):
            found.append(entry.get("value"))
    return found
