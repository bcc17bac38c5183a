"""The incremental ticket event export: every ticket update, as the reference describes it, made
from the audits the sandbox keeps (the seeded history's and each live update's).

`GET /api/v2/incremental/ticket_events?start_time=<unix>`, for admins only (agents 403), sharing
the incremental exports' rate limit (10 requests a minute, together). Time-based only: every
update with a `created_at` on or after `start_time`, in time order, up to 1,000 a page (the
updates of a full page's last second all stay on it), with `end_time` (its last update's time)
to start the next page from, `next_page` (that URL, on the last page too), `count` and
`end_of_stream` (true once a page holds fewer than 1,000). The next page starts at `end_time`
itself, so it repeats that second: clients drop updates they have seen by id. Updates of the last
minute are not exported yet, and a `start_time` within it is refused (400).

Each update: `id`, `ticket_id`, `timestamp` (Unix seconds), `created_at`, `updater_id`, `via`
(the channel's name), `event_type: "Audit"` and its `child_events`: a field set on creation
(`event_type: "Create"`) or changed (`"Change"`, with `previous_value`) under the field's own
key (`status`, `group_id`, `assignee_id`, `custom_status_id`, `priority`, `type`, `subject`,
`due_at`); tags as `tags` with `added_tags` and `removed_tags`; a comment as `comment_present`
and `comment_public` only, or whole with `include=comment_events`; the trigger's notification.
The sandbox leaves out changes of custom fields, whose shape here the reference does not give.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from govpress_support.core import timeutil
from govpress_support.sandbox.store import loads
from govpress_support.sandbox.wire import Response, json_response
from govpress_support.sandbox.zendesk_api import Call, ZendeskAPI, bad_request
from govpress_support.sandbox.zendesk_metrics import admins_only, start_time, time_page, time_page_body

PATH = "/api/v2/incremental/ticket_events.json"
NOT_YET = timedelta(minutes=1)  # the most recent updates, not exported yet
FIELDS = ("subject", "status", "custom_status_id", "priority", "type", "group_id", "assignee_id", "due_at")
VIA_NAMES = {"web": "Web form", "email": "Email", "api": "Web service", "rule": "Rule"}


def ticket_events(api: ZendeskAPI, c: Call) -> Response:
    admins_only(c)
    start = start_time(c)
    horizon = c.view.now - NOT_YET
    if start > horizon.timestamp():
        raise bad_request("InvalidPaginationParameter", "start_time must be at least one minute in the past")
    since = timeutil.iso(datetime.fromtimestamp(start, tz=UTC)) or ""
    comments = "comment_events" in (c.req.arg("include") or "").split(",")
    with api.store.snapshot() as conn:
        rows = time_page(conn, "audits", "created_at", since, timeutil.iso(horizon))
    events = [render_ticket_event(loads(r["doc"]) or {}, comments=comments) for r in rows]
    body = time_page_body(c, PATH, "ticket_events", events, [r["created_at"] for r in rows], start)
    return json_response(200, body)


def render_ticket_event(audit: dict[str, Any], *, comments: bool = False) -> dict[str, Any]:
    """One audit as an update of the export."""
    stamp = str(audit.get("created_at") or "")
    when = timeutil.parse_iso(stamp)
    via = _dict(audit.get("via"))
    children = [c for c in (_child(e, via, stamp, comments) for e in audit.get("events") or []) if c]
    return {
        "id": audit.get("id"),
        "ticket_id": audit.get("ticket_id"),
        "timestamp": int(when.timestamp()) if when else None,
        "created_at": stamp,
        "updater_id": audit.get("author_id"),
        "via": _via_name(via),
        "event_type": "Audit",
        "child_events": children,
    }


def _child(event: dict[str, Any], via: dict[str, Any], stamp: str, comments: bool) -> dict[str, Any] | None:
    kind = event.get("type")
    own = _dict(event.get("via")) or via
    head = {"id": event.get("id"), "via": _via_name(own), "via_reference_id": _via_reference(own)}
    if kind in ("Create", "Change"):
        name = event.get("field_name")
        if name == "tags":
            return {**head, **_tags(event, created=kind == "Create"), "event_type": kind}
        if name not in FIELDS:
            return None
        child = {**head, str(name): event.get("value")}
        if kind == "Change":
            child["previous_value"] = event.get("previous_value")
        return {**child, "event_type": kind}
    if kind == "Comment":
        if not comments:
            return {**head, "comment_present": True, "comment_public": bool(event.get("public")), "event_type": kind}
        whole = {k: event.get(k) for k in ("author_id", "body", "html_body", "public", "attachments", "audit_id")}
        head = {"id": event.get("id"), "via": via, "via_reference_id": None, "type": kind}
        return {**head, **whole, "created_at": stamp, "event_type": kind}
    if kind == "Notification":
        return {**head, **{k: event.get(k) for k in ("subject", "body", "recipients")}, "event_type": kind}
    return None


def _tags(event: dict[str, Any], *, created: bool) -> dict[str, Any]:
    now = [str(t) for t in event.get("value") or []]
    before = [] if created else [str(t) for t in event.get("previous_value") or []]
    return {
        "tags": now,
        "added_tags": [t for t in now if t not in before],
        "removed_tags": [t for t in before if t not in now],
    }


def _via_name(via: dict[str, Any]) -> str:
    channel = str(via.get("channel") or "api")
    return VIA_NAMES.get(channel, channel.replace("_", " ").capitalize())


def _via_reference(via: dict[str, Any]) -> int | None:
    ref = _dict(_dict(via.get("source")).get("from")).get("id") if via.get("channel") == "rule" else None
    return ref if isinstance(ref, int) else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


ROUTES: tuple[tuple[str, str, Callable[[ZendeskAPI, Call], Response]], ...] = (
    ("GET", "/api/v2/incremental/ticket_events", ticket_events),
)
