"""The Zendesk Support API under `/api/v2/...`: auth, request limits, pagination and the
endpoints the tool uses, with the real shapes, status codes and error bodies (api/README.md)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from govpress_support.core import timeutil
from govpress_support.sandbox import zendesk_lag as lag
from govpress_support.sandbox.constants import AGENT_TOKEN, DEFAULT_EMAIL
from govpress_support.sandbox.limits import Verdict, Window
from govpress_support.sandbox.metric_events import render_metric_set
from govpress_support.sandbox.routing import Match, Router
from govpress_support.sandbox.stats import Stats
from govpress_support.sandbox.store import SettingsValues, Store, dumps, loads
from govpress_support.sandbox.wire import (
    Request,
    Response,
    empty_response,
    json_response,
    replace_params,
    url,
)
from govpress_support.sandbox.zendesk_search import Compiler, object_type, order_by, tokenize
from govpress_support.sandbox.zendesk_tickets import (
    UNSOLVED,
    TicketError,
    Tickets,
    TicketState,
    View,
    as_int,
    next_stamp,
    render_comment,
    render_ticket,
)

MAX_PAGE = 100  # per_page / page[size] on lists
MAX_IDS = 100  # show_many and update_many
SEARCH_LIMIT = 1000  # results the search endpoint pages through
OFFSET_LIMIT = 10000  # records offset pagination reaches
EXPORT_MAX_PAGE = 1000
CURSOR_TTL = 3600  # seconds an export cursor stays valid
JOB_TTL = 86400  # seconds job results are kept
ACCOUNT_LIMIT, EXPORT_LIMIT = 700, 100  # requests a minute
INCREMENTAL_LIMIT = 10  # requests a minute to the incremental exports, together
INCREMENTAL = frozenset({"/api/v2/incremental/ticket_metric_events", "/api/v2/incremental/ticket_events"})

FORBIDDEN = {
    "error": "Forbidden",
    "description": "You do not have access to this page. Please contact the account owner of this "
    "help desk for further help.",
}
SEARCH_TOO_DEEP = {
    "error": "invalid",
    "description": "Invalid search: Requested response size was greater than Search Response Limits",
}


class ApiError(Exception):
    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        super().__init__(body.get("error"))
        self.status = status
        self.body = body
        self.headers = headers or {}


def not_found() -> ApiError:
    return ApiError(404, {"error": "RecordNotFound", "description": "Not found"})


def invalid(field: str, description: str, error: str = "InvalidValue") -> ApiError:
    return ApiError(
        422,
        {
            "error": "RecordInvalid",
            "description": "Record validation errors",
            "details": {field: [{"description": description, "error": error}]},
        },
    )


def bad_request(error: str, description: str, **extra: Any) -> ApiError:
    return ApiError(400, {"error": error, "description": description, **extra})


@dataclass
class Call:
    req: Request
    params: dict[str, str]
    me: sqlite3.Row
    settings: SettingsValues
    view: View

    def pid(self, name: str = "id") -> int:
        return int(self.params[name])

    def body(self) -> dict[str, Any]:
        try:
            data = self.req.json()
        except ValueError:
            raise bad_request("InvalidJSON", "The request body is not valid JSON") from None
        return data if isinstance(data, dict) else {}


Handler = Callable[["ZendeskAPI", Call], Response]


class ZendeskAPI:
    service = "zendesk"

    def __init__(self, store: Store, stats: Stats):
        self.store = store
        self.stats = stats
        self.tickets = Tickets(store)
        self.account_window = Window(ACCOUNT_LIMIT, 60)
        self.export_window = Window(EXPORT_LIMIT, 60)
        self.incremental_window = Window(INCREMENTAL_LIMIT, 60)
        self.router: Router[Handler] = Router()
        # Resources kept in their own modules; they import this one, so they are imported here.
        from govpress_support.sandbox import zendesk_macros, zendesk_metrics, zendesk_suspended, zendesk_ticket_events

        routes = (
            *ROUTES,
            *zendesk_macros.ROUTES,
            *zendesk_suspended.ROUTES,
            *zendesk_metrics.ROUTES,
            *zendesk_ticket_events.ROUTES,
        )
        for method, pattern, handler in routes:
            self.router.add(method, pattern, handler)

    # --- dispatch --------------------------------------------------------------------------------

    @staticmethod
    def route_path(path: str) -> str:
        return path[:-5] if path.endswith(".json") else path

    def match(self, req: Request) -> Match[Handler] | None:
        return self.router.match(req.method, self.route_path(req.path))

    def dispatch(self, req: Request, match: Match[Handler] | None) -> Response:
        settings = self.store.settings()
        verdict = self._limits(match, settings)
        headers = {
            "x-rate-limit": str(verdict.limit),
            "x-rate-limit-remaining": str(verdict.remaining),
            "ratelimit-limit": str(verdict.limit),
            "ratelimit-remaining": str(verdict.remaining),
            "ratelimit-reset": str(verdict.reset),
        }
        try:
            if not verdict.allowed:
                self.stats.limit(match.name if match else "zendesk")
                body = {
                    "error": "APIRateLimitExceeded",
                    "description": "Number of allowed API requests per minute exceeded",
                }
                raise ApiError(429, body, {"retry-after": str(verdict.reset)})
            me = self._authenticate(req)
            if match is None:
                raise ApiError(404, {"error": "InvalidEndpoint", "description": "Not found"})
            if me["role"] == "end-user" and match.route.pattern != "/api/v2/users/me":
                raise ApiError(403, dict(FORBIDDEN))
            view = View(req.origin, timeutil.now(), settings.custom_statuses)
            response = match.route.handler(self, Call(req, match.params, me, settings, view))
        except ApiError as err:
            response = json_response(err.status, err.body, err.headers)
        except TicketError as err:
            response = json_response(err.status, err.body)
        response.headers.update(headers)
        return response

    def _limits(self, match: Match[Handler] | None, settings: SettingsValues) -> Verdict:
        count = settings.rate_limits
        account = self.account_window.hit("account", count=count)
        if not count:
            return account
        if account.allowed and match is not None and match.route.pattern == "/api/v2/search/export":
            export = self.export_window.hit("export")
            if not export.allowed:
                return export
        if account.allowed and match is not None and match.route.pattern in INCREMENTAL:
            incremental = self.incremental_window.hit("incremental")
            if not incremental.allowed:
                return incremental
        return account

    def _authenticate(self, req: Request) -> sqlite3.Row:
        header = req.header("authorization") or ""
        scheme, _, value = header.partition(" ")
        user: sqlite3.Row | None = None
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(value.strip(), validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                decoded = ""
            login, _, secret = decoded.partition(":")
            if login.endswith("/token") and secret == AGENT_TOKEN:
                user = self.store.one(
                    "SELECT * FROM users WHERE email = ? AND has_token = 1",
                    (login[: -len("/token")],),
                )
        elif scheme.lower() == "bearer" and value.strip() == AGENT_TOKEN:
            user = self.store.one("SELECT * FROM users WHERE email = ?", (DEFAULT_EMAIL,))
        if user is None:
            raise ApiError(401, {"error": "Couldn't authenticate you"})
        return user

    # --- rendering -------------------------------------------------------------------------------

    def render_user(self, row: sqlite3.Row, origin: str) -> dict[str, Any]:
        doc = loads(row["doc"]) or {}
        agent = row["role"] in ("agent", "admin")
        restricted = row["role"] == "agent" and bool(doc.get("restricted_agent"))
        return {
            "id": row["id"],
            "url": f"{origin}/api/v2/users/{row['id']}.json",
            "name": row["name"],
            "email": row["email"],
            "created_at": doc.get("created_at"),
            "updated_at": doc.get("updated_at"),
            "time_zone": doc.get("time_zone", "London"),
            "iana_time_zone": "Europe/London",
            "phone": None,
            "shared_phone_number": None,
            "photo": None,
            "locale_id": 5,
            "locale": doc.get("locale", "en-gb"),
            "organization_id": row["organization_id"],
            "role": row["role"],
            "verified": True,
            "external_id": None,
            "tags": [],
            "alias": "",
            "active": True,
            "shared": False,
            "shared_agent": False,
            "last_login_at": doc.get("last_login_at"),
            "two_factor_auth_enabled": False,
            "signature": "",
            "details": "",
            "notes": "",
            "role_type": None,
            "custom_role_id": None,
            "moderator": agent,
            "ticket_restriction": ("groups" if restricted else None) if agent else "requested",
            "only_private_comments": False,
            "restricted_agent": restricted,
            "suspended": False,
            "default_group_id": doc.get("default_group_id") if agent else None,
            "report_csv": agent,
            "user_fields": {},
        }

    def render_group(self, row: sqlite3.Row, origin: str) -> dict[str, Any]:
        doc = loads(row["doc"]) or {}
        return {
            "url": f"{origin}/api/v2/groups/{row['id']}.json",
            "id": row["id"],
            "name": row["name"],
            **doc,
        }

    def render_org(self, row: sqlite3.Row, origin: str) -> dict[str, Any]:
        doc = loads(row["doc"]) or {}
        return {
            "url": f"{origin}/api/v2/organizations/{row['id']}.json",
            "id": row["id"],
            "name": row["name"],
            "shared_tickets": False,
            "shared_comments": False,
            "external_id": None,
            "group_id": None,
            "organization_fields": {},
            **doc,
        }

    @staticmethod
    def render_membership(row: sqlite3.Row, origin: str) -> dict[str, Any]:
        return {
            "url": f"{origin}/api/v2/group_memberships/{row['id']}.json",
            "id": row["id"],
            "user_id": row["user_id"],
            "group_id": row["group_id"],
            "default": bool(row["is_default"]),
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }

    @staticmethod
    def render_custom_status(row: sqlite3.Row, origin: str) -> dict[str, Any]:
        doc = loads(row["doc"]) or {}
        return {
            "url": f"{origin}/api/v2/custom_statuses/{row['id']}.json",
            "id": row["id"],
            "status_category": row["category"],
            "agent_label": doc["agent_label"],
            "raw_agent_label": doc["agent_label"],
            "end_user_label": doc["end_user_label"],
            "raw_end_user_label": doc["end_user_label"],
            "description": doc.get("description", ""),
            "raw_description": doc.get("description", ""),
            "end_user_description": doc.get("end_user_description", ""),
            "raw_end_user_description": doc.get("end_user_description", ""),
            "active": doc.get("active", True),
            "default": doc.get("default", False),
            "created_at": doc.get("created_at"),
            "updated_at": doc.get("updated_at"),
        }

    @staticmethod
    def render_suspended(row: sqlite3.Row, origin: str) -> dict[str, Any]:
        doc = loads(row["doc"]) or {}
        return {
            "url": f"{origin}/api/v2/suspended_tickets/{row['id']}.json",
            "id": row["id"],
            "author": doc["author"],
            "subject": doc["subject"],
            "content": doc["content"],
            "cause": doc["cause"],
            "cause_id": 0,
            "error_messages": None,
            "message_id": doc.get("message_id"),
            "ticket_id": doc.get("ticket_id"),
            "recipient": doc.get("recipient"),
            "brand_id": 360000001,
            "attachments": [],
            "created_at": doc["created_at"],
            "updated_at": doc["updated_at"],
            "via": {
                "channel": "email",
                "source": {
                    "from": {"address": doc["author"]["email"], "name": doc["author"]["name"]},
                    "to": {"address": "support@govpress.example", "name": "GovPress Support"},
                    "rel": None,
                },
            },
        }

    def sideloads(self, tickets: list[TicketState], wanted: set[str], origin: str, now: datetime) -> dict[str, Any]:
        """Top-level `users`, `organizations`, `groups` and `metric_sets` arrays for the tickets."""
        out: dict[str, Any] = {}
        if "metric_sets" in wanted:
            out["metric_sets"] = [render_metric_set(t.id, t.doc.get("mx"), origin, now) for t in tickets]
        if "users" in wanted:
            ids = sorted({i for t in tickets for i in (t.requester_id, t.submitter_id, t.assignee_id) if i})
            rows = _by_ids(self.store, "users", ids)
            out["users"] = [self.render_user(r, origin) for r in rows]
        if "organizations" in wanted:
            ids = sorted({t.organization_id for t in tickets if t.organization_id})
            out["organizations"] = [self.render_org(r, origin) for r in _by_ids(self.store, "organizations", ids)]
        if "groups" in wanted:
            ids = sorted({t.group_id for t in tickets if t.group_id})
            out["groups"] = [self.render_group(r, origin) for r in _by_ids(self.store, "groups_", ids)]
        return out

    # --- users, groups, memberships, organisations -----------------------------------------------

    def users_me(self, c: Call) -> Response:
        return json_response(200, {"user": self.render_user(c.me, c.req.origin)})

    def user_show(self, c: Call) -> Response:
        row = self.store.one("SELECT * FROM users WHERE id = ?", (c.pid(),))
        if row is None:
            raise not_found()
        return json_response(200, {"user": self.render_user(row, c.req.origin)})

    def users_show_many(self, c: Call) -> Response:
        ids = _ids(c.req)
        rows = _by_ids(self.store, "users", ids)
        return json_response(
            200,
            {
                "users": [self.render_user(r, c.req.origin) for r in rows],
                "next_page": None,
                "previous_page": None,
                "count": len(rows),
            },
        )

    def users_search(self, c: Call) -> Response:
        query = (c.req.arg("query") or c.req.arg("external_id") or "").strip()
        if query.lower().startswith("email:"):
            query = query[6:].strip()
        if not query:
            rows: list[sqlite3.Row] = []
        elif "@" in query:
            rows = self.store.all("SELECT * FROM users WHERE email = ? COLLATE NOCASE ORDER BY id", (query,))
        else:
            like = f"%{query}%"
            rows = self.store.all("SELECT * FROM users WHERE name LIKE ? OR email LIKE ? ORDER BY id", (like, like))
        items = [self.render_user(r, c.req.origin) for r in rows]
        return json_response(200, paginate(c.req, "users", items, cursor=False))

    def groups_list(self, c: Call) -> Response:
        rows = self.store.all("SELECT * FROM groups_ ORDER BY id")
        items = [g for g in (self.render_group(r, c.req.origin) for r in rows) if not g.get("deleted")]
        return json_response(200, paginate(c.req, "groups", items))

    def group_show(self, c: Call) -> Response:
        row = self.store.one("SELECT * FROM groups_ WHERE id = ?", (c.pid(),))
        if row is None:
            raise not_found()
        return json_response(200, {"group": self.render_group(row, c.req.origin)})

    def _memberships(self, c: Call, where: str, params: tuple[Any, ...]) -> Response:
        rows = self.store.all(f"SELECT * FROM group_memberships WHERE {where} ORDER BY id", params)  # noqa: S608
        items = [self.render_membership(r, c.req.origin) for r in rows]
        return json_response(200, paginate(c.req, "group_memberships", items))

    def group_memberships(self, c: Call) -> Response:
        if self.store.one("SELECT 1 FROM groups_ WHERE id = ?", (c.pid(),)) is None:
            raise not_found()
        return self._memberships(c, "group_id = ?", (c.pid(),))

    def user_memberships(self, c: Call) -> Response:
        if self.store.one("SELECT 1 FROM users WHERE id = ?", (c.pid(),)) is None:
            raise not_found()
        return self._memberships(c, "user_id = ?", (c.pid(),))

    def memberships_list(self, c: Call) -> Response:
        return self._memberships(c, "1", ())

    def membership_show(self, c: Call) -> Response:
        row = self.store.one("SELECT * FROM group_memberships WHERE id = ?", (c.pid(),))
        if row is None:
            raise not_found()
        return json_response(200, {"group_membership": self.render_membership(row, c.req.origin)})

    def membership_create(self, c: Call) -> Response:
        _admin_only(c)
        data = c.body().get("group_membership")
        data = data if isinstance(data, dict) else {}
        user_id, group_id = as_int(data.get("user_id")), as_int(data.get("group_id"))
        user = self.store.one("SELECT * FROM users WHERE id = ?", (user_id,)) if user_id else None
        if user is None:
            raise invalid("user_id", "User: cannot be blank", "BlankValue")
        if user["role"] not in ("agent", "admin"):
            raise invalid("user_id", "User: must be an agent", "InvalidValue")
        if group_id is None or self.store.one("SELECT 1 FROM groups_ WHERE id = ?", (group_id,)) is None:
            raise invalid("group_id", "Group: cannot be blank", "BlankValue")
        stamp = timeutil.iso(timeutil.now())
        with self.store.write() as conn:
            if conn.execute(
                "SELECT 1 FROM group_memberships WHERE user_id = ? AND group_id = ?",
                (user_id, group_id),
            ).fetchone():
                raise invalid("user_id", "User has already been taken", "DuplicateValue")
            mid = self.store.next_id(conn, "membership", 50001)
            conn.execute(
                "INSERT INTO group_memberships (id, user_id, group_id, is_default, created_at, "
                "updated_at) VALUES (?, ?, ?, 0, ?, ?)",
                (mid, user_id, group_id, stamp, stamp),
            )
            row = conn.execute("SELECT * FROM group_memberships WHERE id = ?", (mid,)).fetchone()
        body = {"group_membership": self.render_membership(row, c.req.origin)}
        return json_response(201, body, {"location": f"{c.req.origin}/api/v2/group_memberships/{mid}.json"})

    def membership_delete(self, c: Call) -> Response:
        _admin_only(c)
        now = timeutil.now()
        with self.store.write() as conn:
            row = conn.execute("SELECT * FROM group_memberships WHERE id = ?", (c.pid(),)).fetchone()
            if row is None or ("user_id" in c.params and int(c.params["user_id"]) != row["user_id"]):
                raise not_found()
            conn.execute("DELETE FROM group_memberships WHERE id = ?", (row["id"],))
            # Zendesk unassigns the user's working tickets in the group they left.
            marks = ",".join("?" * len(UNSOLVED))
            held = conn.execute(
                "SELECT id, updated_at FROM tickets WHERE assignee_id = ? AND group_id = ? "  # noqa: S608
                f"AND status IN ({marks})",
                (row["user_id"], row["group_id"], *UNSOLVED),
            ).fetchall()
            for ticket in held:
                conn.execute(
                    "UPDATE tickets SET assignee_id = NULL, updated_at = ? WHERE id = ?",
                    (next_stamp(ticket["updated_at"], now), ticket["id"]),
                )
        return empty_response(204)

    def org_show(self, c: Call) -> Response:
        row = self.store.one("SELECT * FROM organizations WHERE id = ?", (c.pid(),))
        if row is None:
            raise not_found()
        return json_response(200, {"organization": self.render_org(row, c.req.origin)})

    def orgs_show_many(self, c: Call) -> Response:
        rows = _by_ids(self.store, "organizations", _ids(c.req))
        return json_response(
            200,
            {
                "organizations": [self.render_org(r, c.req.origin) for r in rows],
                "next_page": None,
                "previous_page": None,
                "count": len(rows),
            },
        )

    # --- tickets ---------------------------------------------------------------------------------

    def ticket_show(self, c: Call) -> Response:
        ticket = self.tickets.get(c.pid())
        if ticket is None:
            raise not_found()
        wanted = _includes(c.req)
        body = {"ticket": render_ticket(ticket, c.view, slas="slas" in wanted)}
        body.update(self.sideloads([ticket], wanted, c.req.origin, c.view.now))
        return json_response(200, body)

    def tickets_show_many(self, c: Call) -> Response:
        tickets = self.tickets.many(_ids(c.req))
        wanted = _includes(c.req)
        body: dict[str, Any] = {"tickets": [render_ticket(t, c.view, slas="slas" in wanted) for t in tickets]}
        body.update(self.sideloads(tickets, wanted, c.req.origin, c.view.now))
        body.update({"next_page": None, "previous_page": None, "count": len(tickets)})
        return json_response(200, body)

    def ticket_create(self, c: Call) -> Response:
        data = c.body().get("ticket")
        if not isinstance(data, dict):
            raise bad_request("InvalidParameter", "ticket is required")
        ticket, audit = self.tickets.create(data, c.me["id"], custom_statuses=c.settings.custom_statuses)
        return json_response(
            201,
            {"ticket": render_ticket(ticket, c.view), "audit": audit},
            {"location": f"{c.req.origin}/api/v2/tickets/{ticket.id}.json"},
        )

    def ticket_update(self, c: Call) -> Response:
        data = c.body().get("ticket")
        if not isinstance(data, dict):
            raise bad_request("InvalidParameter", "ticket is required")
        ticket, audit = self.tickets.update(c.pid(), data, c.me["id"], custom_statuses=c.settings.custom_statuses)
        return json_response(200, {"ticket": render_ticket(ticket, c.view), "audit": audit})

    def tickets_update_many(self, c: Call) -> Response:
        body = c.body()
        items: list[tuple[int | None, dict[str, Any]]]
        if c.req.arg("ids") is not None:
            ids = _ids(c.req)
            change = body.get("ticket")
            if not isinstance(change, dict):
                raise bad_request("InvalidParameter", "ticket is required with ids")
            items = [(i, dict(change)) for i in ids]
        elif isinstance(body.get("tickets"), list):
            if len(body["tickets"]) > MAX_IDS:
                raise _too_many()
            items = [
                (
                    as_int(t.get("id")) if isinstance(t, dict) else None,
                    t if isinstance(t, dict) else {},
                )
                for t in body["tickets"]
            ]
        else:
            raise bad_request("InvalidParameter", "Send ids with a ticket, or a tickets array")
        results: list[dict[str, Any]] = []
        for index, (tid, change) in enumerate(items):
            change = {k: v for k, v in change.items() if k != "id"}
            try:
                if tid is None:
                    raise TicketError(404, {}, "RecordNotFound", "Not found")
                self.tickets.update(tid, change, c.me["id"], custom_statuses=c.settings.custom_statuses)
            except TicketError as err:
                results.append(
                    {
                        "id": tid,
                        "index": index,
                        "success": False,
                        "error": err.error,
                        "details": err.details,
                    }
                )
            else:
                results.append(
                    {
                        "id": tid,
                        "index": index,
                        "action": "update",
                        "success": True,
                        "status": "Updated",
                    }
                )
        job_id = uuid.uuid4().hex
        doc = {"total": len(items), "results": results}
        with self.store.write() as conn:
            conn.execute("DELETE FROM jobs WHERE created < ?", (timeutil.now().timestamp() - JOB_TTL,))
            conn.execute(
                "INSERT INTO jobs (id, created, polls, doc) VALUES (?, ?, 0, ?)",
                (job_id, timeutil.now().timestamp(), dumps(doc)),
            )
        job = {
            "id": job_id,
            "url": _job_url(c.req.origin, job_id),
            "total": len(items),
            "progress": None,
            "status": "queued",
            "message": None,
            "results": None,
            "job_type": "bulk_update",
        }
        return json_response(200, {"job_status": job})

    def job_show(self, c: Call) -> Response:
        job_id = c.params["id"]
        with self.store.write() as conn:
            row = conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None or row["created"] < timeutil.now().timestamp() - JOB_TTL:
                raise not_found()
            conn.execute("UPDATE jobs SET polls = polls + 1 WHERE id = ?", (job_id,))
        doc = loads(row["doc"])
        total, results = doc["total"], doc["results"]
        job: dict[str, Any] = {
            "id": job_id,
            "url": _job_url(c.req.origin, job_id),
            "total": total,
            "job_type": "bulk_update",
        }
        if row["polls"] == 0 and total > 0:
            done = total // 2
            current = results[done]["id"] if results else None
            job.update(progress=done, status="working", message=f"Updating ticket #{current}", results=None)
        else:
            stamp = timeutil.now().strftime("%Y-%m-%d %H:%M:%S +0000")
            job.update(progress=total, status="completed", message=f"Completed at {stamp}", results=results)
        return json_response(200, {"job_status": job})

    def comments_list(self, c: Call) -> Response:
        if self.tickets.get(c.pid()) is None:
            raise not_found()
        order = "DESC" if (c.req.arg("sort_order") or "").lower() == "desc" else "ASC"
        rows = self.store.all(
            f"SELECT * FROM comments WHERE ticket_id = ? ORDER BY id {order}",  # noqa: S608
            (c.pid(),),
        )
        items = [render_comment(r) for r in rows]
        body = paginate(c.req, "comments", items, descending=order == "DESC")
        if "users" in _includes(c.req):  # the authors and the CC'd users of this page's comments
            ids = {i for item in body["comments"] for i in [item["author_id"], *_cc_ids(item)] if i}
            body["users"] = [self.render_user(r, c.req.origin) for r in _by_ids(self.store, "users", sorted(ids))]
        return json_response(200, body)

    # --- search ----------------------------------------------------------------------------------

    def _compile(self, conn: sqlite3.Connection, c: Call, query: str) -> tuple[str, list[Any], str | None]:
        terms = tokenize(query)
        compiled = Compiler(conn, c.me["id"], c.view.now).compile(terms)
        return compiled.where, compiled.params, object_type(terms)

    def search(self, c: Call) -> Response:
        query = c.req.arg("query")
        if query is None or not query.strip():
            raise bad_request("invalid", "Invalid search: the query parameter is required")
        per_page = min(MAX_PAGE, max(1, as_int(c.req.arg("per_page")) or MAX_PAGE))
        page = max(1, as_int(c.req.arg("page")) or 1)
        if page * per_page > SEARCH_LIMIT:
            raise ApiError(422, dict(SEARCH_TOO_DEEP))
        with self.store.snapshot() as conn:
            where, params, otype = self._compile(conn, c, query)
            if otype not in (None, "ticket"):
                where, params = "0", []
            lagged, lag_params = lag.indexed(conn, c.view.now.timestamp())  # the index lags writes
            count = int(
                conn.execute(
                    f"{lagged}SELECT COUNT(*) FROM tickets WHERE {where}",  # noqa: S608
                    [*lag_params, *params],
                ).fetchone()[0]
            )
            order = order_by(c.req.arg("sort_by"), c.req.arg("sort_order"))
            # Sort ids only, then read the page's rows: sorting whole rows is slow on big groups.
            ids = [
                r[0]
                for r in conn.execute(
                    f"{lagged}SELECT id FROM tickets WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",  # noqa: S608
                    [*lag_params, *params, per_page, (page - 1) * per_page],
                )
            ]
            tickets = self._indexed(conn, lagged, lag_params, ids) if lagged else self.tickets.many(ids)
        wanted = _nested_includes(c.req)
        results = [{**render_ticket(t, c.view, slas="slas" in wanted), "result_type": "ticket"} for t in tickets]
        path = "/api/v2/search.json"
        body: dict[str, Any] = {
            "results": results,
            "facets": None,
            "next_page": url(
                c.req.origin,
                path,
                replace_params(c.req.query, page=str(page + 1), per_page=str(per_page)),
            )
            if page * per_page < count
            else None,
            "previous_page": url(
                c.req.origin,
                path,
                replace_params(c.req.query, page=str(page - 1), per_page=str(per_page)),
            )
            if page > 1
            else None,
            "count": count,
        }
        body.update(self.sideloads(tickets, wanted, c.req.origin, c.view.now))
        return json_response(200, body)

    def _indexed(self, conn: sqlite3.Connection, lagged: str, params: list[Any], ids: list[int]) -> list[TicketState]:
        """The tickets as the lagging index shows them, in the order of `ids`."""
        marks = ",".join("?" * len(ids))
        rows = conn.execute(f"{lagged}SELECT * FROM tickets WHERE id IN ({marks})", [*params, *ids])  # noqa: S608
        by_id = {r["id"]: TicketState.from_row(r) for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def search_count(self, c: Call) -> Response:
        query = c.req.arg("query") or ""
        with self.store.snapshot() as conn:
            where, params, otype = self._compile(conn, c, query)
            if otype not in (None, "ticket"):
                return json_response(200, {"count": 0})
            count = int(
                conn.execute(f"SELECT COUNT(*) FROM tickets WHERE {where}", params).fetchone()[0]  # noqa: S608
            )
        return json_response(200, {"count": count})

    def search_export(self, c: Call) -> Response:
        query = c.req.arg("query") or ""
        kind = c.req.arg("filter[type]")
        if not kind:
            raise bad_request("InvalidPaginationParameter", "filter[type] is required for search export")
        if any(t.field == "type" for t in tokenize(query)):
            raise bad_request(
                "InvalidPaginationParameter",
                "Search export does not accept type in the query: use filter[type]",
            )
        size = as_int(c.req.arg("page[size]")) or MAX_PAGE
        if not 1 <= size <= EXPORT_MAX_PAGE:
            raise bad_request("InvalidPaginationParameter", f"page[size] must be between 1 and {EXPORT_MAX_PAGE}")
        digest = hashlib.sha256(f"{kind}|{query}".encode()).hexdigest()[:12]
        after = c.req.arg("page[after]")
        position: tuple[str, int] | None = None
        if after:
            cursor = _decode_cursor(after)
            if cursor.get("q") != digest:
                raise bad_request("InvalidPaginationParameter", "page[after] does not belong to this query")
            if c.view.now.timestamp() - float(cursor.get("t", 0)) > CURSOR_TTL:
                raise bad_request("InvalidPaginationParameter", "The cursor has expired")
            position = (str(cursor["c"]), int(cursor["i"]))
        rows: list[sqlite3.Row] = []
        if kind == "ticket":
            with self.store.snapshot() as conn:
                where, params, _ = self._compile(conn, c, query)
                if position is not None:
                    where += " AND (created_at, id) > (?, ?)"
                    params = [*params, *position]
                lagged, lag_params = lag.indexed(conn, c.view.now.timestamp())
                rows = conn.execute(
                    f"{lagged}SELECT * FROM tickets WHERE {where} ORDER BY created_at, id LIMIT ?",  # noqa: S608
                    [*lag_params, *params, size + 1],
                ).fetchall()
        has_more = len(rows) > size
        tickets = [TicketState.from_row(r) for r in rows[:size]]
        issued = (after and _decode_cursor(after).get("t")) or c.view.now.timestamp()

        def cursor_of(t: TicketState) -> str:
            return _encode_cursor({"c": t.created_at, "i": t.id, "q": digest, "t": issued})

        after_cursor = cursor_of(tickets[-1]) if tickets else after
        wanted = _nested_includes(c.req) if c.settings.export_sideloads else set()
        results = [{**render_ticket(t, c.view, slas="slas" in wanted), "result_type": "ticket"} for t in tickets]
        # Real responses keep a next link on the last page: clients must stop on meta.has_more.
        next_link = url(
            c.req.origin,
            "/api/v2/search/export.json",
            replace_params(c.req.query, page__after=after_cursor),
        )
        body: dict[str, Any] = {
            "results": results,
            "facets": None,
            "meta": {
                "has_more": has_more,
                "after_cursor": after_cursor,
                "before_cursor": cursor_of(tickets[0]) if tickets else None,
            },
            "links": {"prev": None, "next": next_link},
        }
        body.update(self.sideloads(tickets, wanted, c.req.origin, c.view.now))
        return json_response(200, body)

    # --- custom statuses, suspended tickets ------------------------------------------------------

    def custom_statuses(self, c: Call) -> Response:
        if not c.settings.custom_statuses:
            raise ApiError(403, dict(FORBIDDEN))
        rows = self.store.all("SELECT * FROM custom_statuses ORDER BY id")
        return json_response(200, {"custom_statuses": [self.render_custom_status(r, c.req.origin) for r in rows]})

    def suspended_list(self, c: Call) -> Response:
        _manages_suspended(c)
        rows = self.store.all("SELECT * FROM suspended ORDER BY id")
        items = [self.render_suspended(r, c.req.origin) for r in rows]
        return json_response(200, paginate(c.req, "suspended_tickets", items))

    def suspended_show(self, c: Call) -> Response:
        _manages_suspended(c)
        row = self.store.one("SELECT * FROM suspended WHERE id = ?", (c.pid(),))
        if row is None:
            raise not_found()
        return json_response(200, {"suspended_ticket": self.render_suspended(row, c.req.origin)})

    def suspended_delete(self, c: Call) -> Response:
        _manages_suspended(c)
        with self.store.write() as conn:
            if conn.execute("DELETE FROM suspended WHERE id = ?", (c.pid(),)).rowcount == 0:
                raise not_found()
        return empty_response(204)


ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/api/v2/users/me", ZendeskAPI.users_me),
    ("GET", "/api/v2/users/show_many", ZendeskAPI.users_show_many),
    ("GET", "/api/v2/users/search", ZendeskAPI.users_search),
    ("GET", "/api/v2/users/{id:int}", ZendeskAPI.user_show),
    ("GET", "/api/v2/users/{id:int}/group_memberships", ZendeskAPI.user_memberships),
    (
        "DELETE",
        "/api/v2/users/{user_id:int}/group_memberships/{id:int}",
        ZendeskAPI.membership_delete,
    ),
    ("GET", "/api/v2/groups", ZendeskAPI.groups_list),
    ("GET", "/api/v2/groups/{id:int}", ZendeskAPI.group_show),
    ("GET", "/api/v2/groups/{id:int}/memberships", ZendeskAPI.group_memberships),
    ("GET", "/api/v2/group_memberships", ZendeskAPI.memberships_list),
    ("POST", "/api/v2/group_memberships", ZendeskAPI.membership_create),
    ("GET", "/api/v2/group_memberships/{id:int}", ZendeskAPI.membership_show),
    ("DELETE", "/api/v2/group_memberships/{id:int}", ZendeskAPI.membership_delete),
    ("GET", "/api/v2/organizations/show_many", ZendeskAPI.orgs_show_many),
    ("GET", "/api/v2/organizations/{id:int}", ZendeskAPI.org_show),
    ("POST", "/api/v2/tickets", ZendeskAPI.ticket_create),
    ("GET", "/api/v2/tickets/show_many", ZendeskAPI.tickets_show_many),
    ("PUT", "/api/v2/tickets/update_many", ZendeskAPI.tickets_update_many),
    ("GET", "/api/v2/tickets/{id:int}", ZendeskAPI.ticket_show),
    ("PUT", "/api/v2/tickets/{id:int}", ZendeskAPI.ticket_update),
    ("GET", "/api/v2/tickets/{id:int}/comments", ZendeskAPI.comments_list),
    ("GET", "/api/v2/job_statuses/{id}", ZendeskAPI.job_show),
    ("GET", "/api/v2/search", ZendeskAPI.search),
    ("GET", "/api/v2/search/count", ZendeskAPI.search_count),
    ("GET", "/api/v2/search/export", ZendeskAPI.search_export),
    ("GET", "/api/v2/custom_statuses", ZendeskAPI.custom_statuses),
    ("GET", "/api/v2/suspended_tickets", ZendeskAPI.suspended_list),
    ("GET", "/api/v2/suspended_tickets/{id:int}", ZendeskAPI.suspended_show),
    ("DELETE", "/api/v2/suspended_tickets/{id:int}", ZendeskAPI.suspended_delete),
)


# --- helpers -------------------------------------------------------------------------------------


def _too_many() -> ApiError:
    return bad_request("TooManyValues", f"You may send at most {MAX_IDS} ids", max_count=MAX_IDS)


def _ids(req: Request) -> list[int]:
    raw = [p.strip() for p in (req.arg("ids") or "").split(",") if p.strip()]
    if len(raw) > MAX_IDS:
        raise _too_many()
    return [int(p) for p in raw if p.isdigit()]


def _by_ids(store: Store, table: str, ids: list[int]) -> list[sqlite3.Row]:
    if not ids:
        return []
    rows = store.all(f"SELECT * FROM {table} WHERE id IN ({','.join('?' * len(ids))})", ids)  # noqa: S608
    by_id = {r["id"]: r for r in rows}
    return [by_id[i] for i in dict.fromkeys(ids) if i in by_id]


def _includes(req: Request) -> set[str]:
    """`include=users,slas` on ticket endpoints."""
    return {p.strip() for p in (req.arg("include") or "").split(",") if p.strip()}


_NESTED = re.compile(r"tickets\(([^)]*)\)")


def _nested_includes(req: Request) -> set[str]:
    """`include=tickets(slas,users)` on search: only the nested form counts there."""
    found: set[str] = set()
    for inner in _NESTED.findall(req.arg("include") or ""):
        found.update(p.strip() for p in inner.split(",") if p.strip())
    return found


def _admin_only(c: Call) -> None:
    if c.me["role"] != "admin":
        raise ApiError(403, dict(FORBIDDEN))


def _manages_suspended(c: Call) -> None:
    """Suspended tickets are for admins and unrestricted agents; restricted agents get 403."""
    restricted = bool((loads(c.me["doc"]) or {}).get("restricted_agent"))
    if c.me["role"] != "admin" and (c.me["role"] != "agent" or restricted):
        raise ApiError(403, dict(FORBIDDEN))


def _cc_ids(comment: dict[str, Any]) -> list[int]:
    to = comment.get("via", {}).get("source", {}).get("to") or {}
    return [int(i) for i in to.get("email_ccs") or []]


def _job_url(origin: str, job_id: str) -> str:
    return f"{origin}/api/v2/job_statuses/{job_id}.json"


def _encode_cursor(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode_cursor(text: str) -> dict[str, Any]:
    try:
        data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, binascii.Error):
        data = None
    if not isinstance(data, dict):
        raise bad_request("InvalidPaginationParameter", "page[after] is not a valid cursor")
    return data


def paginate(
    req: Request,
    key: str,
    items: list[dict[str, Any]],
    *,
    cursor: bool = True,
    descending: bool = False,
) -> dict[str, Any]:
    """One page of a small list: cursor mode when `page[...]` is sent (and the endpoint has
    it), else offset mode with `page`/`per_page`."""
    if cursor and any(k.startswith("page[") for k, _ in req.query):
        return _cursor_page(req, key, items, descending)
    return _offset_page(req, key, items)


def _json_path(req: Request) -> str:
    return req.path if req.path.endswith(".json") else req.path + ".json"


def _cursor_page(req: Request, key: str, items: list[dict[str, Any]], descending: bool) -> dict[str, Any]:
    size = as_int(req.arg("page[size]")) or MAX_PAGE
    if not 1 <= size <= MAX_PAGE:
        raise bad_request("InvalidPaginationParameter", f"page[size] must be between 1 and {MAX_PAGE}")
    if req.arg("page[before]"):
        first = as_int(_decode_cursor(req.arg("page[before]") or "").get("o"))
        end = _before(items, first, descending)
        start = max(0, end - size)
    else:
        after_arg = req.arg("page[after]")
        start = 0
        if after_arg:
            start = _after(items, as_int(_decode_cursor(after_arg).get("o")), descending)
        end = start + size
    page = items[start:end]
    has_more = start + len(page) < len(items)
    after = _encode_cursor({"o": page[-1]["id"]}) if page else req.arg("page[after]")
    before = _encode_cursor({"o": page[0]["id"]}) if page else None
    path = _json_path(req)
    prev_query = replace_params(req.query, page__after=None, page__before=before)
    next_query = replace_params(req.query, page__before=None, page__after=after)
    return {
        key: page,
        "meta": {"has_more": has_more, "after_cursor": after, "before_cursor": before},
        # Real responses keep a next link on the last page: clients must stop on meta.has_more.
        "links": {
            "prev": url(req.origin, path, prev_query) if before else None,
            "next": url(req.origin, path, next_query),
        },
    }


def _offset_page(req: Request, key: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    per_page = min(MAX_PAGE, max(1, as_int(req.arg("per_page")) or MAX_PAGE))
    number = max(1, as_int(req.arg("page")) or 1)
    if (number - 1) * per_page >= OFFSET_LIMIT:
        raise bad_request(
            "InvalidPaginationParameter",
            "Offset pagination is limited to the first 10000 records; use cursor pagination",
        )
    begin = (number - 1) * per_page
    path = _json_path(req)

    def page_url(n: int) -> str:
        return url(req.origin, path, replace_params(req.query, page=str(n), per_page=str(per_page)))

    return {
        key: items[begin : begin + per_page],
        "next_page": page_url(number + 1) if begin + per_page < len(items) else None,
        "previous_page": page_url(number - 1) if number > 1 else None,
        "count": len(items),
    }


def _after(items: list[dict[str, Any]], last: int | None, descending: bool) -> int:
    """Index of the first item past a cursor's item (which may have been deleted since)."""
    if last is None:
        return 0
    for i, item in enumerate(items):
        if (item["id"] < last) if descending else (item["id"] > last):
            return i
    return len(items)


def _before(items: list[dict[str, Any]], first: int | None, descending: bool) -> int:
    """Index of a cursor's item: the page before it ends there."""
    if first is None:
        return 0
    for i, item in enumerate(items):
        if (item["id"] <= first) if descending else (item["id"] >= first):
            return i
    return len(items)
