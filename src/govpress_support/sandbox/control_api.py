"""The sandbox's own control API under `/_sandbox/...` (no auth, JSON, never faulted): stats,
faults, settings, reset, when the desk was seeded, user roles, "someone else edits this ticket",
"the requester answers", and the emails Zendesk would have sent."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from govpress_support.core import timeutil
from govpress_support.sandbox.constants import DEFAULT_EMAIL
from govpress_support.sandbox.routing import Router
from govpress_support.sandbox.store import dumps, loads
from govpress_support.sandbox.wire import Request, Response, json_response
from govpress_support.sandbox.zendesk_emails import email_via
from govpress_support.sandbox.zendesk_emails import emails as recorded_emails
from govpress_support.sandbox.zendesk_tickets import TicketError, View, render_ticket

if TYPE_CHECKING:
    from govpress_support.sandbox.app import SandboxApp

Handler = Callable[["ControlAPI", Request, dict[str, str]], Response]


class ControlError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class ControlAPI:
    def __init__(self, app: SandboxApp):
        self.app = app
        self.router: Router[Handler] = Router()
        for method, pattern, handler in ROUTES:
            self.router.add(method, pattern, handler)

    def handle(self, req: Request) -> Response:
        match = self.router.match(req.method, req.path)
        try:
            if match is None:
                raise ControlError(404, f"no control endpoint {req.method} {req.path}")
            return match.route.handler(self, req, match.params)
        except ControlError as err:
            return json_response(err.status, {"error": str(err)})
        except TicketError as err:
            return json_response(err.status, err.body)

    @staticmethod
    def _body(req: Request) -> dict[str, Any]:
        try:
            data = req.json()
        except ValueError:
            raise ControlError(400, "the body is not JSON") from None
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise ControlError(400, "the body must be a JSON object")
        return data

    def stats(self, req: Request, params: dict[str, str]) -> Response:
        return json_response(200, self.app.stats.snapshot())

    def stats_reset(self, req: Request, params: dict[str, str]) -> Response:
        self.app.stats.reset()
        return json_response(200, self.app.stats.snapshot())

    def faults(self, req: Request, params: dict[str, str]) -> Response:
        return json_response(200, self.app.faults.as_dict())

    def faults_update(self, req: Request, params: dict[str, str]) -> Response:
        try:
            self.app.faults = self.app.faults.updated(self._body(req))
        except ValueError as err:
            raise ControlError(400, str(err)) from None
        return json_response(200, self.app.faults.as_dict())

    def reset(self, req: Request, params: dict[str, str]) -> Response:
        body = self._body(req)
        seed, bulk = body.get("seed", 1), body.get("bulk", 0)
        if not isinstance(seed, int) or not isinstance(bulk, int) or bulk < 0:
            raise ControlError(400, "seed and bulk must be whole numbers (bulk >= 0)")
        self.app.reset(seed=seed, bulk=bulk)
        return json_response(200, {"seed": seed, "bulk": bulk})

    def desk(self, req: Request, params: dict[str, str]) -> Response:
        return json_response(200, self.app.desk())

    def settings(self, req: Request, params: dict[str, str]) -> Response:
        return json_response(200, self.app.settings.as_dict())

    def settings_update(self, req: Request, params: dict[str, str]) -> Response:
        try:
            self.app.settings.update(**self._body(req))
        except ValueError as err:
            raise ControlError(400, str(err)) from None
        return json_response(200, self.app.settings.as_dict())

    def user_role(self, req: Request, params: dict[str, str]) -> Response:
        """`{"role": "agent"|"admin"|"end-user"}` and/or `{"restricted": true|false}` (a restricted
        agent: no suspended tickets)."""
        body = self._body(req)
        role, restricted = body.get("role"), body.get("restricted")
        if role is None and restricted is None:
            raise ControlError(400, "send role (agent, admin or end-user) and/or restricted (true or false)")
        if role is not None and role not in ("agent", "admin", "end-user"):
            raise ControlError(400, "role must be agent, admin or end-user")
        if restricted is not None and not isinstance(restricted, bool):
            raise ControlError(400, "restricted must be true or false")
        with self.app.store.write() as conn:
            row = conn.execute("SELECT role, doc FROM users WHERE email = ?", (params["email"],)).fetchone()
            if row is None:
                raise ControlError(404, f"no user {params['email']}")
            doc = loads(row["doc"]) or {}
            if restricted is not None:
                doc["restricted_agent"] = restricted
            role = role or row["role"]
            conn.execute("UPDATE users SET role = ?, doc = ? WHERE email = ?", (role, dumps(doc), params["email"]))
        return json_response(
            200, {"email": params["email"], "role": role, "restricted": bool(doc.get("restricted_agent"))}
        )

    def emails(self, req: Request, params: dict[str, str]) -> Response:
        """The emails Zendesk would have sent for public replies, oldest first; `?ticket_id=` for
        one ticket's."""
        raw = req.arg("ticket_id")
        if raw is not None and not raw.strip().isdigit():
            raise ControlError(400, "ticket_id must be a ticket number")
        with self.app.store.snapshot() as conn:
            found = recorded_emails(conn, int(raw) if raw is not None else None)
        return json_response(200, {"emails": found, "count": len(found)})

    def touch(self, req: Request, params: dict[str, str]) -> Response:
        """Another agent edits the ticket: the changes apply as them and updated_at moves."""
        body = self._body(req)
        changes = body["ticket"] if set(body) == {"ticket"} and isinstance(body["ticket"], dict) else body
        tickets = self.app.zendesk.tickets
        current = tickets.get(int(params["id"]))
        if current is None:
            raise ControlError(404, f"no ticket {params['id']}")
        author = self.app.store.scalar(
            "SELECT id FROM users WHERE has_token = 1 AND role IN ('agent', 'admin') AND email != "
            "? AND id IS NOT ? "
            "ORDER BY role = 'admin' DESC, id LIMIT 1",
            (DEFAULT_EMAIL, current.assignee_id),
        )
        settings = self.app.store.settings()
        ticket, audit = tickets.update(
            current.id, changes, int(author), custom_statuses=settings.custom_statuses, touch=True
        )
        view = View(req.origin, timeutil.now(), settings.custom_statuses)
        return json_response(200, {"ticket": render_ticket(ticket, view, slas=True), "audit": audit})

    def reply(self, req: Request, params: dict[str, str]) -> Response:
        """The ticket's requester answers by email: a public comment, and a pending or solved
        ticket opens again (its next reply clock starts)."""
        body = self._body(req)
        text = body.get("body")
        if not isinstance(text, str) or not text.strip():
            raise ControlError(400, "body must be the text of the reply")
        tickets = self.app.zendesk.tickets
        current = tickets.get(int(params["id"]))
        if current is None:
            raise ControlError(404, f"no ticket {params['id']}")
        changes: dict[str, Any] = {"comment": {"body": text, "public": True}}
        if current.status in ("pending", "solved"):
            changes["status"] = "open"
        settings = self.app.store.settings()
        author = current.requester_id or current.submitter_id
        person = self.app.store.one("SELECT name, email FROM users WHERE id = ?", (author,)) if author else None
        via = email_via(person["name"], person["email"]) if person is not None else None
        ticket, audit = tickets.update(
            current.id, changes, int(author or 0), custom_statuses=settings.custom_statuses, via=via
        )
        view = View(req.origin, timeutil.now(), settings.custom_statuses)
        return json_response(200, {"ticket": render_ticket(ticket, view, slas=True), "audit": audit})


def _elsewhere(module: str, name: str) -> Handler:
    """A control handler kept beside the emulator it switches (`github_api`, `slack_api`), imported
    when first asked for."""

    def handler(api: ControlAPI, req: Request, params: dict[str, str]) -> Response:
        found: Handler = getattr(importlib.import_module(f"govpress_support.sandbox.{module}"), name)
        return found(api, req, params)

    return handler


ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/_sandbox/stats", ControlAPI.stats),
    ("POST", "/_sandbox/stats/reset", ControlAPI.stats_reset),
    ("GET", "/_sandbox/faults", ControlAPI.faults),
    ("PUT", "/_sandbox/faults", ControlAPI.faults_update),
    ("POST", "/_sandbox/reset", ControlAPI.reset),
    ("GET", "/_sandbox/desk", ControlAPI.desk),
    ("GET", "/_sandbox/settings", ControlAPI.settings),
    ("PUT", "/_sandbox/settings", ControlAPI.settings_update),
    ("PUT", "/_sandbox/users/{email}", ControlAPI.user_role),
    ("POST", "/_sandbox/tickets/{id:int}/touch", ControlAPI.touch),
    ("POST", "/_sandbox/tickets/{id:int}/reply", ControlAPI.reply),
    ("GET", "/_sandbox/emails", ControlAPI.emails),
    ("GET", "/_sandbox/github", _elsewhere("github_api", "control_get")),
    ("PUT", "/_sandbox/github", _elsewhere("github_api", "control_put")),
    ("GET", "/_sandbox/slack", _elsewhere("slack_api", "control_get")),
    ("PUT", "/_sandbox/slack", _elsewhere("slack_api", "control_put")),
    ("DELETE", "/_sandbox/slack", _elsewhere("slack_api", "control_delete")),
)
