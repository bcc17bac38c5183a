"""The sandbox's SQLite file: schema, one connection per thread, write transactions, settings.

A few real columns for what the APIs filter and sort on, the rest of each record in a JSON `doc`
column, so a page of results only decodes the rows it returns. WAL mode and `BEGIN IMMEDIATE`
writes make it safe for the threaded server and for several processes sharing the file.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from govpress_support.core.private import touch_private

SCHEMA_VERSION = 5

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);

CREATE TABLE users (
    id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE COLLATE NOCASE, name TEXT NOT NULL,
    role TEXT NOT NULL, has_token INTEGER NOT NULL DEFAULT 0, organization_id INTEGER,
    doc TEXT NOT NULL);
CREATE TABLE organizations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE groups_ (id INTEGER PRIMARY KEY, name TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE group_memberships (
    id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, group_id INTEGER NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    UNIQUE (user_id, group_id));
CREATE TABLE custom_statuses (id INTEGER PRIMARY KEY, category TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE tickets (
    id INTEGER PRIMARY KEY, group_id INTEGER, status TEXT NOT NULL, custom_status_id INTEGER,
    priority TEXT, type TEXT, assignee_id INTEGER, requester_id INTEGER, submitter_id INTEGER,
    organization_id INTEGER, subject TEXT NOT NULL, description TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT ' ', created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    doc TEXT NOT NULL);
CREATE INDEX tickets_group_created ON tickets (group_id, created_at, id);
CREATE INDEX tickets_group_status ON tickets (group_id, status);
CREATE INDEX tickets_created ON tickets (created_at, id);
CREATE INDEX tickets_updated ON tickets (updated_at, id);
CREATE INDEX tickets_group_updated ON tickets (group_id, updated_at, id);
CREATE INDEX tickets_assignee ON tickets (assignee_id, status);
CREATE INDEX tickets_status ON tickets (status);
CREATE TABLE comments (
    id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL, author_id INTEGER, body TEXT NOT NULL,
    html_body TEXT NOT NULL, public INTEGER NOT NULL, created_at TEXT NOT NULL,
    audit_id INTEGER, via TEXT);
CREATE INDEX comments_ticket ON comments (ticket_id, id);
CREATE TABLE emails (
    id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL, comment_id INTEGER NOT NULL,
    created_at TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX emails_ticket ON emails (ticket_id, id);
CREATE TABLE macros (
    id INTEGER PRIMARY KEY, title TEXT NOT NULL, active INTEGER NOT NULL, position INTEGER NOT NULL,
    doc TEXT NOT NULL);
CREATE TABLE jobs (
    id TEXT PRIMARY KEY, created REAL NOT NULL, polls INTEGER NOT NULL DEFAULT 0,
    doc TEXT NOT NULL);
CREATE TABLE suspended (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE audits (
    id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL, created_at TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX audits_ticket ON audits (ticket_id, created_at, id);
CREATE INDEX audits_created ON audits (created_at, id);
CREATE TABLE metric_events (
    id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL, metric TEXT NOT NULL,
    instance_id INTEGER NOT NULL, type TEXT NOT NULL, time TEXT NOT NULL,
    deleted INTEGER, doc TEXT);
CREATE INDEX metric_events_time ON metric_events (time, id);
CREATE INDEX metric_events_ticket ON metric_events (ticket_id, metric, instance_id);

CREATE TABLE trello_members (
    id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, token TEXT UNIQUE, email TEXT,
    doc TEXT NOT NULL);
CREATE TABLE trello_boards (
    id TEXT PRIMARY KEY, short_link TEXT NOT NULL UNIQUE, doc TEXT NOT NULL);
CREATE TABLE trello_board_members (
    id TEXT PRIMARY KEY, board_id TEXT NOT NULL, member_id TEXT NOT NULL,
    member_type TEXT NOT NULL, unconfirmed INTEGER NOT NULL DEFAULT 0,
    UNIQUE (board_id, member_id));
CREATE TABLE trello_lists (
    id TEXT PRIMARY KEY, board_id TEXT NOT NULL, name TEXT NOT NULL, pos REAL NOT NULL,
    closed INTEGER NOT NULL DEFAULT 0);
CREATE TABLE trello_labels (
    id TEXT PRIMARY KEY, board_id TEXT NOT NULL, name TEXT NOT NULL, color TEXT);
CREATE TABLE trello_cards (
    id TEXT PRIMARY KEY, short_link TEXT NOT NULL UNIQUE, board_id TEXT NOT NULL,
    list_id TEXT NOT NULL, id_short INTEGER NOT NULL, pos REAL NOT NULL,
    closed INTEGER NOT NULL DEFAULT 0, changed REAL NOT NULL, doc TEXT NOT NULL);
CREATE INDEX trello_cards_board ON trello_cards (board_id, closed, pos);
CREATE INDEX trello_cards_list ON trello_cards (list_id, pos);
CREATE TABLE trello_attachments (
    id TEXT PRIMARY KEY, card_id TEXT NOT NULL, pos REAL NOT NULL, doc TEXT NOT NULL);
CREATE INDEX trello_attachments_card ON trello_attachments (card_id, pos);
CREATE TABLE trello_actions (
    id TEXT PRIMARY KEY, card_id TEXT NOT NULL, type TEXT NOT NULL, date TEXT NOT NULL,
    doc TEXT NOT NULL);
CREATE INDEX trello_actions_card ON trello_actions (card_id, date);

CREATE TABLE rota (
    role TEXT NOT NULL, week_offset INTEGER NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL);

CREATE TABLE gh_users (
    id INTEGER PRIMARY KEY, login TEXT NOT NULL UNIQUE COLLATE NOCASE, token TEXT UNIQUE,
    doc TEXT NOT NULL);
CREATE TABLE gh_repos (
    id INTEGER PRIMARY KEY, owner TEXT NOT NULL COLLATE NOCASE, name TEXT NOT NULL COLLATE NOCASE,
    doc TEXT NOT NULL, UNIQUE (owner, name));
CREATE TABLE gh_issues (
    id INTEGER PRIMARY KEY, repo_id INTEGER NOT NULL, number INTEGER NOT NULL,
    is_pull INTEGER NOT NULL, state TEXT NOT NULL, user_id INTEGER NOT NULL, head_ref TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, doc TEXT NOT NULL,
    UNIQUE (repo_id, number));
CREATE TABLE gh_comments (
    id INTEGER PRIMARY KEY, issue_id INTEGER NOT NULL, user_id INTEGER NOT NULL, body TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX gh_comments_issue ON gh_comments (issue_id, id);
CREATE TABLE slack_posts (
    id INTEGER PRIMARY KEY, hook TEXT NOT NULL, status INTEGER NOT NULL, answer TEXT NOT NULL,
    body TEXT NOT NULL, content_type TEXT NOT NULL, at TEXT NOT NULL);
"""

DATA_TABLES = (
    "counters",
    "users",
    "organizations",
    "groups_",
    "group_memberships",
    "custom_statuses",
    "tickets",
    "comments",
    "emails",
    "macros",
    "jobs",
    "suspended",
    "audits",
    "metric_events",
    "trello_members",
    "trello_boards",
    "trello_board_members",
    "trello_lists",
    "trello_labels",
    "trello_cards",
    "trello_attachments",
    "trello_actions",
    "rota",
    "settings",
    "gh_users",
    "gh_repos",
    "gh_issues",
    "gh_comments",
    "slack_posts",
)


@dataclass
class SettingsValues:
    """The switches of the sandbox; they persist in the SQLite file."""

    custom_statuses: bool = True  # the account has custom ticket statuses
    export_sideloads: bool = True  # search/export honours `include=tickets(...)`
    rota: str = "ok"  # ok | down (503 HTML) | junk (200 with a body that is not a rota)
    rate_limits: bool = True  # enforce the real Zendesk and Trello request limits
    comment_limit: int = 5000  # comments a ticket holds; lower it to reach the limit in a test
    search_lag: int = 0  # seconds the search index lags behind writes (zendesk_lag.py); 0: none

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


ROTA_MODES = ("ok", "down", "junk")
ZERO_ALLOWED = ("search_lag",)  # whole-number settings for which 0 means off


def validate_settings(changes: dict[str, Any]) -> dict[str, Any]:
    """Checked setting changes; ValueError names the first bad one."""
    known = {f.name: f for f in fields(SettingsValues)}
    clean: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in known:
            raise ValueError(f"unknown setting {key!r}; settings: {', '.join(known)}")
        if key == "rota":
            if value not in ROTA_MODES:
                raise ValueError(f"rota must be one of {', '.join(ROTA_MODES)}")
        elif known[key].type in (int, "int"):
            least = 0 if key in ZERO_ALLOWED else 1
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise ValueError(f"{key} must be a whole number of at least {least}")
        elif not isinstance(value, bool):
            raise ValueError(f"{key} must be true or false")
        clean[key] = value
    return clean


def loads(text: str | bytes | None) -> Any:
    return json.loads(text) if text else None


def dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def next_id(conn: sqlite3.Connection, name: str, start: int = 1) -> int:
    """The next number of a named sequence (`start` the first time), inside a write transaction."""
    row = conn.execute(
        "INSERT INTO counters (name, value) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
        (name, start),
    ).fetchone()
    return int(row[0])


class Store:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        touch_private(self.path)  # SQLite gives its -wal and -shm files the database's mode
        conn = self.conn()
        conn.execute("PRAGMA journal_mode=WAL")
        with self.write() as c:
            self._create(c)

    # --- connections -----------------------------------------------------------------------------

    def conn(self) -> sqlite3.Connection:
        """This thread's connection (SQLite connections must not be shared between threads)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout=30000")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (`BEGIN IMMEDIATE`: the writer lock is taken up front, so two
        writers queue instead of failing on upgrade). Nested use joins the outer transaction."""
        conn = self.conn()
        if conn.in_transaction:
            yield conn
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: several queries see one consistent state (a count and its page)."""
        conn = self.conn()
        if conn.in_transaction:
            yield conn
            return
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def close(self) -> None:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # --- queries ---------------------------------------------------------------------------------

    def one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn().execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return list(self.conn().execute(sql, params).fetchall())

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.conn().execute(sql, params).fetchone()
        return None if row is None else row[0]

    # --- schema, meta, settings ------------------------------------------------------------------

    def _create(self, conn: sqlite3.Connection) -> None:
        """Create the tables in a new file; an older sandbox file starts again rather than
        migrate (it is a fixture, not a record)."""
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        if "meta" in names:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is not None and int(row[0]) == SCHEMA_VERSION:
                return
        for name in names:
            conn.execute(f'DROP TABLE IF EXISTS "{name}"')
        for statement in SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def meta(self, key: str) -> str | None:
        value = self.scalar("SELECT value FROM meta WHERE key = ?", (key,))
        return None if value is None else str(value)

    def set_meta(self, conn: sqlite3.Connection, key: str, value: str | None) -> None:
        if value is None:
            conn.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def wipe(self, conn: sqlite3.Connection) -> None:
        for table in DATA_TABLES:
            conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        self.set_meta(conn, "seeded", None)

    def next_id(self, conn: sqlite3.Connection, name: str, start: int = 1) -> int:
        return next_id(conn, name, start)

    def settings(self) -> SettingsValues:
        values = SettingsValues()
        for row in self.all("SELECT key, value FROM settings"):
            if hasattr(values, row["key"]):
                setattr(values, row["key"], json.loads(row["value"]))
        return values

    def update_settings(self, changes: dict[str, Any]) -> SettingsValues:
        clean = validate_settings(changes)
        with self.write() as conn:
            for key, value in clean.items():
                conn.execute(
                    "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                    (key, json.dumps(value)),
                )
        return self.settings()
