"""Zendesk's search index lags behind writes: a ticket changed a moment ago is still found, and
shown, as it was. The sandbox's `search_lag` setting (seconds; 0, the default, is off) plays
that: a ticket changed within the last N seconds is seen by search and search export as it was
before those changes. Reading tickets themselves (show, show_many, update answers) is always
current, as it is on Zendesk.

The states the index still shows are kept as JSON under one key of the settings table (no
schema change; a reset wipes them with the settings): each ticket's row as it was before its
first change in the window, until the window has passed.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from govpress_support.sandbox.store import dumps

KEY = "zendesk.search_lag_rows"
SETTING = "search_lag"
COLUMNS = (
    "id",
    "group_id",
    "status",
    "custom_status_id",
    "priority",
    "type",
    "assignee_id",
    "requester_id",
    "submitter_id",
    "organization_id",
    "subject",
    "description",
    "tags",
    "created_at",
    "updated_at",
    "doc",
)


def _seconds(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (SETTING,)).fetchone()
    value = json.loads(row[0]) if row else 0
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _rows(conn: sqlite3.Connection) -> dict[str, Any]:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (KEY,)).fetchone()
    data = json.loads(row[0]) if row else None
    return data if isinstance(data, dict) else {}


def remember(conn: sqlite3.Connection, before: dict[str, Any], now: float) -> None:
    """A ticket is about to change (`before`: its columns now): while the lag lasts, the index
    keeps showing the state before its first change in the window."""
    lag = _seconds(conn)
    if lag <= 0:
        return
    kept = {k: v for k, v in _rows(conn).items() if isinstance(v, dict) and float(v.get("until", 0)) > now}
    kept.setdefault(str(before["id"]), {"until": now + lag, "row": {c: before[c] for c in COLUMNS}})
    conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (KEY, dumps(kept)))


def indexed(conn: sqlite3.Connection, now: float) -> tuple[str, list[Any]]:
    """A `WITH tickets AS (...)` prefix that makes `tickets` in the statement after it the
    tickets as the search index sees them, with its parameters; ("", []) when nothing lags."""
    if _seconds(conn) <= 0:
        return "", []
    lagging = [v["row"] for v in _rows(conn).values() if isinstance(v, dict) and float(v.get("until", 0)) > now]
    if not lagging:
        return "", []
    names = ", ".join(COLUMNS)
    extracted = ", ".join(f"json_extract(value, '$.{c}') AS {c}" for c in COLUMNS)
    rows = dumps(lagging)
    sql = (
        f"WITH tickets AS (SELECT {names} FROM main.tickets "  # noqa: S608 - fixed column names
        "WHERE id NOT IN (SELECT json_extract(value, '$.id') FROM json_each(?)) "
        f"UNION ALL SELECT {extracted} FROM json_each(?)) "
    )
    return sql, [rows, rows]
