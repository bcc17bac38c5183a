"""The tests' one handle on a sandbox: `Desk`.

A desk is someone sitting at the sandbox's support desk with the APIs open. It reads what the tool
left behind through the same Zendesk and Trello APIs the tool uses, acts as another agent, and
works the sandbox's control API (stats, faults, settings, roles, "someone else edits this").

The same class works in-process (`Desk.in_process(app)`, over the sandbox's httpx transport, the
one `--sandbox` commands use when they share the state dir) and over a served sandbox
(`Desk.served(url)`, for the e2e tests). Fixtures in conftest.py files hand one to a test: `desk`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import httpx

from govpress_support import sandbox
from govpress_support.sandbox import SandboxApp
from govpress_support.sandbox.constants import GITHUB_API_PREFIX
from tests.seed_names import BACKLOG

ZENDESK = "/api/v2"


class Desk:
    def __init__(
        self,
        *,
        zendesk_url: str,
        trello_url: str,
        transport: Callable[[], httpx.BaseTransport | None] = lambda: None,
        app: SandboxApp | None = None,
        email: str = sandbox.DEFAULT_EMAIL,
    ):
        self.app = app  # in-process only: the emulator itself, for its settings, faults and stats
        self.email = email
        self._urls = (zendesk_url, trello_url)
        self._transport = transport
        self._others: list[Desk] = []
        # The raw clients, for tests of the APIs themselves.
        self.zendesk = self._client(zendesk_url, auth=(f"{email}/token", sandbox.AGENT_TOKEN))
        self.trello = self._client(
            trello_url, params={"key": sandbox.TRELLO_KEY, "token": sandbox.trello_token_for(email)}
        )
        self.http = self._client(zendesk_url)  # no credentials: the control API, or to be refused
        # GitHub as this person (their seeded token), under the sandbox's `/api/v3`
        self.github = self._client(
            zendesk_url + GITHUB_API_PREFIX,
            headers={"Authorization": f"Bearer {sandbox.github_token_for(email)}"},
        )

    @classmethod
    def in_process(cls, app: SandboxApp) -> Desk:
        return cls(zendesk_url=sandbox.ZENDESK_URL, trello_url=sandbox.TRELLO_URL, transport=app.transport, app=app)

    @classmethod
    def served(cls, url: str) -> Desk:
        env = sandbox.environment(url)
        return cls(zendesk_url=env["ZENDESK_URL"], trello_url=env["TRELLO_URL"])

    def _client(self, base_url: str, **kwargs: Any) -> httpx.Client:
        return httpx.Client(transport=self._transport(), base_url=base_url, timeout=60, **kwargs)

    def transport(self) -> httpx.BaseTransport:
        """A fresh transport into the in-process sandbox, for a client a test builds itself."""
        made = self._transport()
        assert made is not None, "a served sandbox is reached over a socket, not a transport"
        return made

    def as_agent(self, email: str) -> Desk:
        """The same sandbox as another seeded agent (their Zendesk and Trello identity)."""
        zendesk_url, trello_url = self._urls
        other = Desk(
            zendesk_url=zendesk_url, trello_url=trello_url, transport=self._transport, app=self.app, email=email
        )
        self._others.append(other)
        return other

    def __enter__(self) -> Desk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for other in self._others:
            other.close()
        for client in (self.zendesk, self.trello, self.http, self.github):
            client.close()

    # --- Zendesk: reading ---

    def get(self, path: str, **params: Any) -> Any:
        """GET a Zendesk API path (from /api/v2/...) as this agent; the JSON, or raise."""
        response = self.zendesk.get(path, params=params)
        response.raise_for_status()
        return response.json()

    def ticket(self, ticket_id: int, include: str = "") -> dict[str, Any]:
        params = {"include": include} if include else {}
        found: dict[str, Any] = self.get(f"{ZENDESK}/tickets/{ticket_id}", **params)["ticket"]
        return found

    def tickets(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        """Tickets by id, through show_many (100 a request)."""
        wanted = list(ids)
        found: dict[int, dict[str, Any]] = {}
        for start in range(0, len(wanted), 100):
            chunk = ",".join(map(str, wanted[start : start + 100]))
            found.update({int(t["id"]): t for t in self.get(f"{ZENDESK}/tickets/show_many", ids=chunk)["tickets"]})
        return found

    def comments(self, ticket_id: int) -> list[dict[str, Any]]:
        """Every comment on a ticket, oldest first, following the cursor."""
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {"page[size]": 100}
        while True:
            page = self.get(f"{ZENDESK}/tickets/{ticket_id}/comments", **params)
            found += page["comments"]
            if not page.get("meta", {}).get("has_more"):
                return found
            params["page[after]"] = page["meta"]["after_cursor"]

    def notes(self, ticket_id: int, body: str) -> int:
        """How many internal notes with exactly this body the ticket has."""
        return sum(1 for c in self.comments(ticket_id) if c["body"] == body and not c["public"])

    def notes_by(self, ticket_id: int, author_id: int) -> list[str]:
        """The bodies of the internal notes one author left on a ticket."""
        return [c["body"] for c in self.comments(ticket_id) if not c["public"] and c["author_id"] == author_id]

    def search(self, query: str, **params: Any) -> dict[str, Any]:
        """One page of the offset search."""
        found: dict[str, Any] = self.get(f"{ZENDESK}/search.json", query=query, **params)
        return found

    def export(self, query: str) -> list[dict[str, Any]]:
        """Every ticket a query finds, through the search export (no 1,000-result cap)."""
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {"query": query, "filter[type]": "ticket", "page[size]": 100}
        while True:
            page = self.get(f"{ZENDESK}/search/export", **params)
            found += page["results"]
            if not page["meta"]["has_more"]:
                return found
            params["page[after]"] = page["meta"]["after_cursor"]

    def user(self, email: str) -> dict[str, Any]:
        matches = [u for u in self.get(f"{ZENDESK}/users/search", query=email)["users"] if u["email"] == email]
        assert matches, f"no Zendesk user {email}"
        return dict(matches[0])

    def group_id(self, name: str) -> int:
        for group in self.get(f"{ZENDESK}/groups")["groups"]:
            if group["name"] == name:
                return int(group["id"])
        raise KeyError(name)

    def members(self, group_id: int) -> set[int]:
        """The user ids in a Zendesk group."""
        data = self.get(f"{ZENDESK}/groups/{group_id}/memberships")
        return {int(m["user_id"]) for m in data["group_memberships"]}

    # --- Zendesk: writing, as this agent ---

    def new_ticket(self, **fields: Any) -> int:
        body = {"ticket": {"comment": {"body": "Please do this."}, **fields}}
        response = self.zendesk.post(f"{ZENDESK}/tickets", json=body)
        response.raise_for_status()
        ticket_id: int = response.json()["ticket"]["id"]
        return ticket_id

    def update(self, ticket_id: int, **changes: Any) -> dict[str, Any]:
        """Change a ticket as this agent (`status="solved"`, `comment={...}`); the ticket after."""
        response = self.zendesk.put(f"{ZENDESK}/tickets/{ticket_id}", json={"ticket": changes})
        response.raise_for_status()
        ticket: dict[str, Any] = response.json()["ticket"]
        return ticket

    # --- Trello ---

    def trello_get(self, path: str, **params: Any) -> Any:
        """GET a Trello API path (relative to /1/) as this agent; the JSON, or raise."""
        response = self.trello.get(path, params=params)
        response.raise_for_status()
        return response.json()

    def trello_me(self) -> dict[str, Any]:
        me: dict[str, Any] = self.trello_get("members/me")
        return me

    def lists(self, board: str) -> dict[str, str]:
        """A board's lists: name -> id."""
        return {item["name"]: item["id"] for item in self.trello_get(f"boards/{board}/lists")}

    def cards(self, board: str = BACKLOG) -> list[dict[str, Any]]:
        """The open cards on a board, with their attachments."""
        found: list[dict[str, Any]] = self.trello_get(f"boards/{board}/cards", attachments="true")
        return found

    def cards_for(self, ticket_id: int, board: str = BACKLOG) -> list[dict[str, Any]]:
        """The cards named for a ticket (`#<id> <subject>`)."""
        return [c for c in self.cards(board) if c["name"].startswith(f"#{ticket_id} ")]

    def join(self, board: str, member_type: str = "normal") -> dict[str, Any]:
        """Make this agent a member of a board (as `--join` or start-rotation would); the board."""
        found: dict[str, Any] = self.trello_get(f"boards/{board}")
        me = self.trello_me()["id"]
        self.trello.put(f"boards/{found['id']}/members/{me}", params={"type": member_type}).raise_for_status()
        return found

    def on_board(self, board: str) -> bool:
        """Whether this agent is a member of a board."""
        me = self.trello_me()["id"]
        return me in {m["idMember"] for m in self.trello_get(f"boards/{board}/memberships")}

    # --- GitHub and Slack ---

    def github_get(self, path: str, **params: Any) -> Any:
        """GET a GitHub API path (relative to /api/v3/) as this person; the JSON, or raise."""
        response = self.github.get(path.lstrip("/"), params=params)
        response.raise_for_status()
        return response.json()

    def pull(self, repo: str, number: int) -> dict[str, Any]:
        """A pull request's issue: `assignees` (logins) and `comments` (bodies), as GitHub has them."""
        issue = self.github_get(f"repos/{repo}/issues/{number}")
        comments = self.github_get(f"repos/{repo}/issues/{number}/comments", per_page=100)
        return {
            "assignees": [a["login"] for a in issue["assignees"]],
            "comments": [(c["user"]["login"], c["body"]) for c in comments],
        }

    def slack_posts(self) -> list[dict[str, Any]]:
        """What the sandbox's Slack webhook accepted, oldest first."""
        found: list[dict[str, Any]] = self.control("GET", "slack")["posts"]
        return found

    def slack_fail(self, error: str | None, times: int | None = 1) -> None:
        """Make the next Slack posts fail with Slack's `error` code (None: stop failing)."""
        self.control("PUT", "slack", {"fail": error, "times": times})

    # --- the sandbox's control API ---

    def control(self, method: str, path: str, body: Any = None) -> Any:
        response = self.http.request(method, f"/_sandbox/{path}", json=body)
        response.raise_for_status()
        return response.json() if response.content else None

    def stats(self) -> dict[str, Any]:
        found: dict[str, Any] = self.control("GET", "stats")
        return found

    def faults(self, **values: Any) -> dict[str, Any]:
        """Change the injected faults (shares, latency, seed...); all of them after."""
        found: dict[str, Any] = self.control("PUT", "faults", values)
        return found

    def settings(self, **values: Any) -> dict[str, Any]:
        """Change the switches (custom_statuses, export_sideloads, rota, rate_limits); all after."""
        found: dict[str, Any] = self.control("PUT", "settings", values)
        return found

    def set_role(self, email: str, role: str) -> None:
        """An admin changes someone's Zendesk role (agent, admin or end-user)."""
        self.control("PUT", f"users/{email}", {"role": role})

    def emails(self, ticket_id: int | None = None) -> list[dict[str, Any]]:
        """The emails Zendesk "sent" (public replies), oldest first; one ticket's with `ticket_id`."""
        found: list[dict[str, Any]] = self.control("GET", "emails" + (f"?ticket_id={ticket_id}" if ticket_id else ""))[
            "emails"
        ]
        return found

    def restrict(self, email: str, restricted: bool = True) -> None:
        """An admin makes someone a restricted agent (no suspended tickets for them)."""
        self.control("PUT", f"users/{email}", {"restricted": restricted})

    def suspended(self) -> list[int]:
        """The ids of the suspended tickets."""
        return [int(t["id"]) for t in self.get(f"{ZENDESK}/suspended_tickets")["suspended_tickets"]]

    def touch(self, ticket_id: int, **changes: Any) -> dict[str, Any]:
        """Another agent edits the ticket (its updated_at moves); the ticket and audit after."""
        found: dict[str, Any] = self.control("POST", f"tickets/{ticket_id}/touch", changes)
        return found


DeskAt = Callable[[str], Desk]  # the `desk_at` fixture: a desk on the sandbox served at a URL
