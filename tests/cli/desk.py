"""A test's view of the in-process sandbox the CLI uses: read tickets and comments through the
real API, and play "someone else" through the control API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from govpress_support import sandbox
from govpress_support.workflows.tickets import write as ticket_writes

ME = 10001  # sam.okafor@govpress.example, the sandbox's default identity (2nd line)


class Desk:
    def __init__(self, state: Path):
        self.app = sandbox.open_app(state)
        self.http = httpx.Client(
            transport=self.app.transport(),
            base_url=sandbox.ZENDESK_URL,
            auth=(f"{sandbox.DEFAULT_EMAIL}/token", sandbox.AGENT_TOKEN),
        )

    def ticket(self, ticket_id: int) -> dict[str, Any]:
        response = self.http.get(f"/api/v2/tickets/{ticket_id}")
        response.raise_for_status()
        data: dict[str, Any] = response.json()["ticket"]
        return data

    def comments(self, ticket_id: int) -> list[dict[str, Any]]:
        response = self.http.get(f"/api/v2/tickets/{ticket_id}/comments")
        response.raise_for_status()
        items: list[dict[str, Any]] = response.json()["comments"]
        return items

    def notes(self, ticket_id: int, body: str) -> int:
        """How many internal notes with exactly this body the ticket has."""
        return sum(1 for c in self.comments(ticket_id) if c["body"] == body and not c["public"])

    def group_id(self, name: str) -> int:
        for group in self.http.get("/api/v2/groups").json()["groups"]:
            if group["name"] == name:
                return int(group["id"])
        raise KeyError(name)

    def control(self, method: str, path: str, body: Any = None) -> Any:
        response = self.http.request(method, f"/_sandbox/{path}", json=body)
        response.raise_for_status()
        return response.json() if response.content else None

    def touch(self, ticket_id: int, **changes: Any) -> None:
        """Another agent edits the ticket (its updated_at moves)."""
        self.control("POST", f"tickets/{ticket_id}/touch", changes)

    def close(self) -> None:
        self.http.close()
        self.app.close()


@pytest.fixture(name="desk")
def desk_fixture(isolated: Path) -> Iterator[Desk]:
    d = Desk(isolated)
    yield d
    d.close()


@pytest.fixture(autouse=True)
def quick_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Poll bulk jobs without the half-second wait meant for the real Zendesk."""
    monkeypatch.setattr(ticket_writes, "POLL_INTERVAL", 0.0)
