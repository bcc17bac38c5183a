"""Zendesk macros: listing (all, active, search, one) and what applying one to a ticket would do.

`GET /api/v2/tickets/{ticket_id}/macros/{macro_id}/apply` changes nothing: it answers the fields the
macro sets and the comment it adds, with the common placeholders rendered for that ticket, and the
client sends them in one ticket update. Personal macros (restriction `{"type": "User"}`) are their
owner's; group macros (`{"type": "Group", "ids": [...]}`) their groups' members'. Admins list every
macro of the account from `/macros`; `/macros/active` is what the current user can apply.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from govpress_support.sandbox.store import loads
from govpress_support.sandbox.wire import Request, Response, json_response, replace_params, url
from govpress_support.sandbox.zendesk_api import (
    FORBIDDEN,
    MAX_PAGE,
    ApiError,
    Call,
    Handler,
    ZendeskAPI,
    _decode_cursor,
    _encode_cursor,
    _json_path,
    bad_request,
    not_found,
    paginate,
)
from govpress_support.sandbox.zendesk_tickets import TicketState, as_int, html_of, normalise_tags, text_of

SORTS = ("alphabetical", "position", "created_at", "updated_at")
_PLACEHOLDER = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")


def render_macro(row: sqlite3.Row, origin: str) -> dict[str, Any]:
    doc = loads(row["doc"]) or {}
    return {
        "url": f"{origin}/api/v2/macros/{row['id']}.json",
        "id": row["id"],
        "title": row["title"],
        "raw_title": row["title"],
        "active": bool(row["active"]),
        "position": row["position"],
        "description": doc.get("description"),
        "actions": doc.get("actions", []),
        "restriction": doc.get("restriction"),
        "default": doc.get("default", False),
        "created_at": doc.get("created_at"),
        "updated_at": doc.get("updated_at"),
    }


# --- who sees which macro ------------------------------------------------------------------------


def _groups(conn: sqlite3.Connection, user_id: int) -> set[int]:
    rows = conn.execute("SELECT group_id FROM group_memberships WHERE user_id = ?", (user_id,)).fetchall()
    return {int(r[0]) for r in rows}


def _usable(macro: dict[str, Any], user_id: int, groups: set[int]) -> bool:
    """Whether this user can apply the macro (it is shared with them, or theirs)."""
    restriction = macro.get("restriction")
    if not restriction:
        return True
    if restriction.get("type") == "User":
        return bool(restriction.get("id") == user_id)
    ids = restriction.get("ids") or [restriction.get("id")]
    return bool(set(ids) & groups)


def _all(api: ZendeskAPI, c: Call, *, usable_only: bool = False) -> list[dict[str, Any]]:
    rows = api.store.all("SELECT * FROM macros ORDER BY id")
    macros = [render_macro(r, c.req.origin) for r in rows]
    if c.me["role"] == "admin" and not usable_only:
        return macros
    groups = _groups(api.store.conn(), c.me["id"])
    return [m for m in macros if _usable(m, c.me["id"], groups)]


def _filter(macros: list[dict[str, Any]], c: Call, *, active_filter: bool) -> list[dict[str, Any]]:
    """`access`, `active` and `group_id` filters."""
    access = c.req.arg("access")
    if access == "personal":
        macros = [m for m in macros if (m["restriction"] or {}).get("type") == "User"]
        macros = [m for m in macros if m["restriction"]["id"] == c.me["id"]]
    elif access == "agents":
        if c.me["role"] != "admin":
            raise ApiError(403, dict(FORBIDDEN))
        macros = [m for m in macros if (m["restriction"] or {}).get("type") == "User"]
    elif access == "shared":
        macros = [m for m in macros if (m["restriction"] or {}).get("type") != "User"]
    elif access == "account":
        macros = [m for m in macros if not m["restriction"]]
    active = (c.req.arg("active") or "").lower()
    if active_filter and active in ("true", "false"):
        macros = [m for m in macros if m["active"] is (active == "true")]
    group = as_int(c.req.arg("group_id"))
    if group is not None:
        macros = [m for m in macros if group in ((m["restriction"] or {}).get("ids") or [])]
    return _sorted(macros, c.req)


def _sorted(macros: list[dict[str, Any]], req: Request) -> list[dict[str, Any]]:
    """`sort_by` alphabetical (the default), position, created_at or updated_at; `sort_order`
    defaults to asc for alphabetical and position, desc for the others."""
    by = req.arg("sort_by") or "alphabetical"
    if by not in SORTS:
        by = "alphabetical"
    order = (req.arg("sort_order") or "").lower()
    descending = order == "desc" if order in ("asc", "desc") else by in ("created_at", "updated_at")

    def key(m: dict[str, Any]) -> tuple[Any, int]:
        if by == "alphabetical":
            return (m["title"].casefold(), m["id"])
        return (m[by], m["id"])

    return sorted(macros, key=key, reverse=descending)


def _page(req: Request, items: list[dict[str, Any]], *, cursor: bool = True) -> dict[str, Any]:
    """Offset pages (`page`, `per_page`, `count`), or cursor pages when `page[size]` or a cursor
    is sent, over the sorted list (the cursor names the last macro of the page)."""
    if not cursor or not any(k.startswith("page[") for k, _ in req.query):
        return paginate(req, "macros", items, cursor=False)
    size = as_int(req.arg("page[size]")) or MAX_PAGE
    if not 1 <= size <= MAX_PAGE:
        raise bad_request("InvalidPaginationParameter", f"page[size] must be between 1 and {MAX_PAGE}")
    ids = [m["id"] for m in items]

    def index(cursor_text: str) -> int:
        marker = as_int(_decode_cursor(cursor_text).get("o"))
        return ids.index(marker) if marker in ids else 0

    if req.arg("page[before]"):
        end = index(req.arg("page[before]") or "")
        start = max(0, end - size)
    else:
        after = req.arg("page[after]")
        start = index(after) + 1 if after else 0
        end = start + size
    page = items[start:end]
    after_cursor = _encode_cursor({"o": page[-1]["id"]}) if page else req.arg("page[after]")
    before_cursor = _encode_cursor({"o": page[0]["id"]}) if page else None
    path = _json_path(req)
    return {
        "macros": page,
        "meta": {"has_more": end < len(items), "after_cursor": after_cursor, "before_cursor": before_cursor},
        "links": {
            "prev": url(req.origin, path, replace_params(req.query, page__after=None, page__before=before_cursor))
            if before_cursor
            else None,
            # Real responses keep a next link on the last page: clients must stop on meta.has_more.
            "next": url(req.origin, path, replace_params(req.query, page__before=None, page__after=after_cursor)),
        },
    }


# --- endpoints -----------------------------------------------------------------------------------


def macros_list(api: ZendeskAPI, c: Call) -> Response:
    """`GET /api/v2/macros`: shared and personal macros (for admins, every agent's too)."""
    return json_response(200, _page(c.req, _filter(_all(api, c), c, active_filter=True)))


def macros_active(api: ZendeskAPI, c: Call) -> Response:
    """`GET /api/v2/macros/active`: the active macros the current user can apply."""
    macros = [m for m in _all(api, c, usable_only=True) if m["active"]]
    return json_response(200, _page(c.req, _filter(macros, c, active_filter=False)))


def macros_search(api: ZendeskAPI, c: Call) -> Response:
    """`GET /api/v2/macros/search?query=`: titles containing the query; offset pages only."""
    query = (c.req.arg("query") or "").strip()
    if not query:
        raise bad_request("InvalidParameter", "query is required")
    found = [m for m in _all(api, c) if query.casefold() in m["title"].casefold()]
    return json_response(200, _page(c.req, _filter(found, c, active_filter=True), cursor=False))


def macro_show(api: ZendeskAPI, c: Call) -> Response:
    macro = next((m for m in _all(api, c) if m["id"] == c.pid("id")), None)
    if macro is None:
        raise not_found()
    return json_response(200, {"macro": macro})


def macro_apply(api: ZendeskAPI, c: Call) -> Response:
    """What the macro would do to the ticket: `{"result": {"ticket": {id, url, changed fields},
    "comment": {body, html_body, scoped_body, public}}}`. Nothing is written."""
    ticket = api.tickets.get(c.pid("ticket_id"))
    macro = next((m for m in _all(api, c, usable_only=True) if m["id"] == c.pid("macro_id")), None)
    if ticket is None or macro is None:
        raise not_found()
    fields = _context(api.store.conn(), ticket, c)
    changes: dict[str, Any] = {"id": ticket.id, "url": f"{c.req.origin}/api/v2/tickets/{ticket.id}.json"}
    tags: list[str] | None = None
    body: str | None = None
    markup: str | None = None
    public = True
    for action in macro["actions"]:
        name, value = action.get("field"), action.get("value")
        text = _text(value)
        if name in ("status", "priority", "type"):
            changes[name] = text or None
        elif name == "custom_status_id":
            if c.settings.custom_statuses:  # an account without custom statuses ignores the action
                changes[name] = as_int(text)
        elif name == "group_id":
            changes[name] = as_int(text)
        elif name == "assignee_id":
            changes[name] = c.me["id"] if text == "current_user" else as_int(text)
        elif name == "subject":
            changes[name] = render(text, fields)
        elif name == "set_tags":
            tags = normalise_tags(text)
        elif name == "current_tags":
            tags = [*(tags if tags is not None else ticket.tags)]
            tags.extend(t for t in normalise_tags(text) if t not in tags)
        elif name == "remove_tags":
            gone = set(normalise_tags(text))
            tags = [t for t in (tags if tags is not None else ticket.tags) if t not in gone]
        elif name == "comment_value":
            body = render(text, fields)
        elif name == "comment_value_html":
            markup = render(text, fields)
        elif name == "comment_mode_is_public":
            public = text.lower() != "false"
    if tags is not None:
        changes["tags"] = tags
    result: dict[str, Any] = {"ticket": changes}
    if body is not None or markup is not None:
        plain = body if body is not None else text_of(markup or "")
        result["comment"] = {
            "body": plain,
            "html_body": markup if markup is not None else html_of(plain),
            "scoped_body": [["channel:all", plain]],
            "public": public,
        }
    return json_response(200, {"result": result})


def _text(value: Any) -> str:
    """An action's value: a string, or (comments) a `["channel:all", "text"]` pair."""
    if isinstance(value, list):
        return str(value[-1]) if value else ""
    return "" if value is None else str(value)


# --- placeholders --------------------------------------------------------------------------------


def _person(conn: sqlite3.Connection, prefix: str, user_id: int | None) -> dict[str, str]:
    row = conn.execute("SELECT name, email FROM users WHERE id = ?", (user_id,)).fetchone() if user_id else None
    if row is None:
        return {}
    parts = str(row["name"]).split()
    return {
        f"{prefix}.name": row["name"],
        f"{prefix}.first_name": parts[0] if parts else "",
        f"{prefix}.last_name": parts[-1] if len(parts) > 1 else "",
        f"{prefix}.email": row["email"],
    }


def _context(conn: sqlite3.Connection, ticket: TicketState, c: Call) -> dict[str, str]:
    """The placeholders the team's macros use, for this ticket and agent."""
    host = c.req.origin.split("://", 1)[-1]
    values = {
        "ticket.id": str(ticket.id),
        "ticket.title": ticket.subject,
        "ticket.url": f"{host}/agent/tickets/{ticket.id}",
        "ticket.link": f"{c.req.origin}/agent/tickets/{ticket.id}",
        **_person(conn, "ticket.requester", ticket.requester_id),
        **_person(conn, "ticket.assignee", ticket.assignee_id),
        **_person(conn, "current_user", c.me["id"]),
    }
    group = conn.execute("SELECT name FROM groups_ WHERE id = ?", (ticket.group_id,)).fetchone()
    org = conn.execute("SELECT name FROM organizations WHERE id = ?", (ticket.organization_id,)).fetchone()
    values["ticket.group.name"] = group["name"] if group else ""
    values["ticket.organization.name"] = org["name"] if org else ""
    return values


def render(text: str, values: dict[str, str]) -> str:
    """`{{ticket.requester.first_name}}` and friends; an unknown placeholder renders empty, as
    Liquid does."""
    return _PLACEHOLDER.sub(lambda m: values.get(m[1], ""), text)


ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/api/v2/macros", macros_list),
    ("GET", "/api/v2/macros/active", macros_active),
    ("GET", "/api/v2/macros/search", macros_search),
    ("GET", "/api/v2/macros/{id:int}", macro_show),
    ("GET", "/api/v2/tickets/{ticket_id:int}/macros/{macro_id:int}/apply", macro_apply),
)
