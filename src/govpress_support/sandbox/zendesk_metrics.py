"""The Zendesk endpoints about what happened to tickets: the incremental ticket metric events
export (admins only, 10 requests a minute), ticket metrics (agents), ticket audits and the SLA and
group SLA policies (admins).

The export is time-based as the reference describes it when it is not paginated: every event
with a `time` on or after `start_time`, in chronological order, up to 1,000 a page (events of
the last second of a full page all stay on it), with `end_time` (the time of the page's last
event) to start the next page from, `next_page` (that URL, present on the last page too), `count`
and `end_of_stream` (true once a page holds fewer than 1,000 events). The next page starts at
`end_time` itself, so it repeats the events of that second: clients drop events they have seen
by id. Breach events are written ahead of time, so the stream runs into the future. With
`page[size]` (at most 100) the same events come with cursor pagination instead.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from govpress_support.core import timeutil
from govpress_support.sandbox.metric_events import (
    GROUP_SLA_POLICIES,
    METRIC_SET_BASE,
    SLA_POLICIES,
    Policy,
    render_event,
    render_metric_set,
)
from govpress_support.sandbox.store import loads
from govpress_support.sandbox.wire import Response, json_response, replace_params, url
from govpress_support.sandbox.zendesk_api import (
    FORBIDDEN,
    MAX_PAGE,
    ApiError,
    Call,
    ZendeskAPI,
    _decode_cursor,
    _encode_cursor,
    _offset_page,
    bad_request,
    not_found,
    paginate,
)
from govpress_support.sandbox.zendesk_tickets import as_int

EXPORT_PAGE = 1000  # events on a page of the time-based export
EVENTS_PATH = "/api/v2/incremental/ticket_metric_events.json"


def admins_only(c: Call) -> None:
    if c.me["role"] != "admin":
        raise ApiError(403, dict(FORBIDDEN))


# --- the incremental export ----------------------------------------------------------------------


def start_time(c: Call) -> int:
    """The export's required `start_time`, in Unix seconds."""
    start = as_int(c.req.arg("start_time"))
    if start is None or start < 0:
        raise bad_request(
            "InvalidPaginationParameter", "start_time is required: a Unix epoch time in seconds (e.g. 1332034771)"
        )
    return start


def time_page(conn: sqlite3.Connection, table: str, column: str, since: str, until: str | None = None) -> list[Any]:
    """A time-based page of `table`: up to 1,000 rows from `since` (and up to `until`, included)
    in `column` order, and the rest of the last second, which all stays on this page."""
    bound, params = ("", [since]) if until is None else (f" AND {column} <= ?", [since, until])
    rows = conn.execute(
        f"SELECT * FROM {table} WHERE {column} >= ?{bound} ORDER BY {column}, id LIMIT ?",  # noqa: S608
        [*params, EXPORT_PAGE + 1],
    ).fetchall()
    if len(rows) > EXPORT_PAGE:
        rows = rows[:EXPORT_PAGE]
        last = rows[-1]
        rows.extend(
            conn.execute(
                f"SELECT * FROM {table} WHERE {column} = ? AND id > ? ORDER BY id",  # noqa: S608
                (last[column], last["id"]),
            ).fetchall()
        )
    return list(rows)


def time_page_body(c: Call, path: str, key: str, items: list[Any], stamps: list[str], start: int) -> dict[str, Any]:
    """The time-based page's body: `end_time` is the time of its last item (`stamps`, in order),
    `next_page` that URL (on the last page too), `end_of_stream` once a page is not full."""
    end_time = _epoch(stamps[-1]) if stamps else start
    if len(stamps) >= EXPORT_PAGE and stamps[0] == stamps[-1]:
        end_time += 1  # a page of one second only: move on, or the next page would be this one
    return {
        key: items,
        "next_page": url(c.req.origin, path, replace_params(c.req.query, start_time=str(end_time))),
        "count": len(items),
        "end_time": end_time,
        "end_of_stream": len(items) < EXPORT_PAGE,
    }


def metric_events(api: ZendeskAPI, c: Call) -> Response:
    admins_only(c)
    start = start_time(c)
    since = timeutil.iso(datetime.fromtimestamp(start, tz=UTC)) or ""
    if any(k.startswith("page[") for k, _ in c.req.query):
        return _events_by_cursor(api, c, start, since)
    with api.store.snapshot() as conn:
        rows = time_page(conn, "metric_events", "time", since)
    events = [render_event(r) for r in rows]
    return json_response(
        200, time_page_body(c, EVENTS_PATH, "ticket_metric_events", events, [r["time"] for r in rows], start)
    )


def _events_by_cursor(api: ZendeskAPI, c: Call, start: int, since: str) -> Response:
    size = as_int(c.req.arg("page[size]")) or MAX_PAGE
    if not 1 <= size <= MAX_PAGE:
        raise bad_request("InvalidPaginationParameter", f"page[size] must be between 1 and {MAX_PAGE}")
    where = "time >= ?"
    params: list[Any] = [since]
    after = c.req.arg("page[after]")
    if after:
        cursor = _decode_cursor(after)
        if cursor.get("s") != start:
            raise bad_request("InvalidPaginationParameter", "page[after] does not belong to this start_time")
        where += " AND (time, id) > (?, ?)"
        params += [str(cursor.get("t")), int(cursor.get("i", 0))]
    rows = api.store.all(
        f"SELECT * FROM metric_events WHERE {where} ORDER BY time, id LIMIT ?",  # noqa: S608
        [*params, size + 1],
    )
    has_more = len(rows) > size
    rows = rows[:size]

    def cursor_of(row: sqlite3.Row) -> str:
        return _encode_cursor({"t": row["time"], "i": row["id"], "s": start})

    after_cursor = cursor_of(rows[-1]) if rows else after
    before_cursor = cursor_of(rows[0]) if rows else None
    body = {
        "ticket_metric_events": [render_event(r) for r in rows],
        "meta": {"has_more": has_more, "after_cursor": after_cursor, "before_cursor": before_cursor},
        # Real responses keep a next link on the last page: clients must stop on meta.has_more.
        "links": {
            "prev": None,
            "next": url(c.req.origin, EVENTS_PATH, replace_params(c.req.query, page__after=after_cursor)),
        },
    }
    return json_response(200, body)


# --- ticket metrics ------------------------------------------------------------------------------


def _metric_set(row: sqlite3.Row, c: Call) -> dict[str, Any]:
    doc = loads(row["doc"]) or {}
    return render_metric_set(int(row["id"]), doc.get("mx"), c.req.origin, c.view.now)


def ticket_metrics(api: ZendeskAPI, c: Call) -> Response:
    """Every ticket's metrics, newest ticket first."""
    if not any(k.startswith("page[") for k, _ in c.req.query):
        order = [{"id": r[0]} for r in api.store.all("SELECT id FROM tickets ORDER BY created_at DESC, id DESC")]
        body = _offset_page(c.req, "ticket_metrics", order)  # the page's ids; only they are read
        ids = [item["id"] for item in body["ticket_metrics"]]
        marks = ",".join("?" * len(ids)) or "NULL"
        found = {r["id"]: r for r in api.store.all(f"SELECT id, doc FROM tickets WHERE id IN ({marks})", ids)}  # noqa: S608
        body["ticket_metrics"] = [_metric_set(found[i], c) for i in ids]
        return json_response(200, body)
    size = as_int(c.req.arg("page[size]")) or MAX_PAGE
    if not 1 <= size <= MAX_PAGE:
        raise bad_request("InvalidPaginationParameter", f"page[size] must be between 1 and {MAX_PAGE}")
    where, params = "1", list[Any]()
    after = c.req.arg("page[after]")
    if after:
        cursor = _decode_cursor(after)
        where, params = "(created_at, id) < (?, ?)", [str(cursor.get("c")), int(cursor.get("i", 0))]
    rows = api.store.all(
        f"SELECT id, created_at, doc FROM tickets WHERE {where} ORDER BY created_at DESC, id DESC LIMIT ?",  # noqa: S608
        [*params, size + 1],
    )
    has_more = len(rows) > size
    rows = rows[:size]
    after_cursor = _encode_cursor({"c": rows[-1]["created_at"], "i": rows[-1]["id"]}) if rows else after
    before_cursor = _encode_cursor({"c": rows[0]["created_at"], "i": rows[0]["id"]}) if rows else None
    path = "/api/v2/ticket_metrics.json"
    body = {
        "ticket_metrics": [_metric_set(r, c) for r in rows],
        "meta": {"has_more": has_more, "after_cursor": after_cursor, "before_cursor": before_cursor},
        "links": {"prev": None, "next": url(c.req.origin, path, replace_params(c.req.query, page__after=after_cursor))},
    }
    return json_response(200, body)


def ticket_metric_show(api: ZendeskAPI, c: Call) -> Response:
    """`ticket_metrics/{id}`: a metric set by its own id, or the metrics of a ticket by its id."""
    wanted = c.pid()
    ticket_id = wanted - METRIC_SET_BASE if wanted > METRIC_SET_BASE else wanted
    row = api.store.one("SELECT id, doc FROM tickets WHERE id = ?", (ticket_id,))
    if row is None:
        raise not_found()
    return json_response(200, {"ticket_metric": _metric_set(row, c)})


def ticket_metrics_of(api: ZendeskAPI, c: Call) -> Response:
    row = api.store.one("SELECT id, doc FROM tickets WHERE id = ?", (c.pid(),))
    if row is None:
        raise not_found()
    return json_response(200, {"ticket_metric": _metric_set(row, c)})


# --- audits --------------------------------------------------------------------------------------


def ticket_audits(api: ZendeskAPI, c: Call) -> Response:
    """A ticket's audits, oldest first: what changed, when, by whom (group moves among them)."""
    if api.store.one("SELECT 1 FROM tickets WHERE id = ?", (c.pid(),)) is None:
        raise not_found()
    rows = api.store.all("SELECT doc FROM audits WHERE ticket_id = ? ORDER BY created_at, id", (c.pid(),))
    items = [loads(r["doc"]) for r in rows]
    return json_response(200, paginate(c.req, "audits", items))


# --- policies ------------------------------------------------------------------------------------


def _render_policy(policy: Policy, origin: str) -> dict[str, Any]:
    kind = "group_slas" if policy.group_sla else "slas"
    condition: list[dict[str, Any]] = [{"field": "group_id", "operator": "includes", "value": list(policy.groups)}]
    if policy.tag:
        condition.append({"field": "current_tags", "operator": "includes", "value": policy.tag})
    metrics = [
        {
            "priority": priority,
            "metric": metric,
            # Group SLA targets are given in seconds, SLA targets in minutes.
            "target": minutes * 60 if policy.group_sla else minutes,
            "business_hours": False,
        }
        for metric, priority, minutes in policy.targets
    ]
    out: dict[str, Any] = {
        "url": f"{origin}/api/v2/{kind}/policies/{policy.id}.json",
        "id": policy.id,
        "title": policy.title,
        "description": policy.description,
        "position": policy.position,
        "filter": {"all": condition} if policy.group_sla else {"all": condition, "any": []},
        "policy_metrics": metrics,
        "created_at": "2024-03-04T10:00:00Z",
        "updated_at": "2024-03-04T10:00:00Z",
    }
    return out


def sla_policies(api: ZendeskAPI, c: Call) -> Response:
    admins_only(c)
    items = [_render_policy(p, c.req.origin) for p in SLA_POLICIES]
    return json_response(200, {"sla_policies": items, "next_page": None, "previous_page": None, "count": len(items)})


def group_sla_policies(api: ZendeskAPI, c: Call) -> Response:
    admins_only(c)
    items = [_render_policy(p, c.req.origin) for p in GROUP_SLA_POLICIES]
    body = {"group_sla_policies": items, "next_page": None, "previous_page": None, "count": len(items)}
    return json_response(200, body)


# --- helpers -------------------------------------------------------------------------------------


def _epoch(stamp: str) -> int:
    parsed = timeutil.parse_iso(stamp)
    return 0 if parsed is None else int(parsed.timestamp())


ROUTES: tuple[tuple[str, str, Callable[[ZendeskAPI, Call], Response]], ...] = (
    ("GET", "/api/v2/incremental/ticket_metric_events", metric_events),
    ("GET", "/api/v2/ticket_metrics", ticket_metrics),
    ("GET", "/api/v2/ticket_metrics/{id:int}", ticket_metric_show),
    ("GET", "/api/v2/tickets/{id:int}/metrics", ticket_metrics_of),
    ("GET", "/api/v2/tickets/{id:int}/audits", ticket_audits),
    ("GET", "/api/v2/slas/policies", sla_policies),
    ("GET", "/api/v2/group_slas/policies", group_sla_policies),
)
