"""A subset of Zendesk's search query language, compiled to one SQL WHERE clause over `tickets`.

Supported: `type:ticket`, `group:"Name"`/`group:<id>`/`group_id:`, `status:x` and `status<solved`
(also `<=`, `>`, `>=`, in the order new<open<pending<hold<solved<closed), `assignee:me|none|<email>|
"<name>"`, `assignee_id:`, `requester:`, `organization:`, `priority:` (with comparisons),
`ticket_type:`, `tags:`, `created`/`updated`/`solved` against dates, date-times or `4hours`-style ages,
`subject:`, `description:`, `-field:value` negation, quoted phrases and free text over subject and
description. Several positive `field:value` terms on one field are ORed, everything else ANDed.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from govpress_support.core import timeutil
from govpress_support.core.numbers import whole_number
from govpress_support.sandbox.zendesk_tickets import PRIORITIES, STATUSES

SOLVED_AT = "(CASE WHEN status IN ('solved', 'closed') THEN json_extract(doc, '$.mx.ms.solved_at') END)"
OBJECT_TYPES = ("ticket", "user", "organization", "group", "entry", "topic", "article")

_TOKEN = re.compile(r'(-)?(?:([A-Za-z_]+)(:|<=|>=|<|>))?("([^"]*)"?|[^\s"]+)')
_AGE = re.compile(r"^(\d+)(minute|hour|day|week|month|year)s?$", re.IGNORECASE)
_AGE_SECONDS = {
    "minute": 60,
    "hour": 3600,
    "day": 86400,
    "week": 7 * 86400,
    "month": 30 * 86400,
    "year": 365 * 86400,
}
_ALIASES = {
    "tag": "tags",
    "group_id": "group_id",
    "ticket_type": "ticket_type",
    "org": "organization",
}


@dataclass(frozen=True)
class Term:
    field: str | None  # None: free text
    op: str
    value: str
    negated: bool
    raw: str


def tokenize(query: str) -> list[Term]:
    terms: list[Term] = []
    for m in _TOKEN.finditer(query or ""):
        negated, key, op, token, quoted = bool(m[1]), m[2], m[3], m[4], m[5]
        value = quoted if quoted is not None else token
        if not value and not key:
            continue
        field = _ALIASES.get(key.lower(), key.lower()) if key else None
        terms.append(Term(field, op or ":", value, negated, m[0].lstrip("-")))
    return terms


def object_type(terms: list[Term]) -> str | None:
    for term in terms:
        if term.field == "type" and not term.negated:
            return term.value.lower()
    return None


@dataclass
class Compiled:
    where: str
    params: list[Any]


class Compiler:
    """Turns terms into SQL, looking names up in the store (groups, users, organisations)."""

    def __init__(self, conn: sqlite3.Connection, me_id: int, now: datetime):
        self.conn = conn
        self.me_id = me_id
        self.now = now

    def compile(self, terms: list[Term]) -> Compiled:
        grouped: dict[str, list[tuple[str, list[Any]]]] = {}
        clauses: list[tuple[str, list[Any]]] = []
        for term in terms:
            if term.field == "type":
                if term.value.lower() != "ticket":
                    clauses.append(("0", []))  # only tickets are searchable here
                continue
            sql, params = self._term(term)
            if term.negated:
                clauses.append((f"(({sql}) IS NOT 1)", params))
            elif term.op == ":" and term.field is not None and term.field in _OR_FIELDS:
                grouped.setdefault(term.field, []).append((sql, params))
            else:
                clauses.append((f"({sql})", params))
        for parts in grouped.values():
            clauses.append(
                (
                    "(" + " OR ".join(f"({s})" for s, _ in parts) + ")",
                    [p for _, ps in parts for p in ps],
                )
            )
        if not clauses:
            return Compiled("1", [])
        return Compiled(" AND ".join(s for s, _ in clauses), [p for _, ps in clauses for p in ps])

    # --- one term --------------------------------------------------------------------------------

    def _term(self, t: Term) -> tuple[str, list[Any]]:
        handler = _FIELDS.get(t.field or "")
        if handler is None:
            return _text(t.raw if t.field else t.value)
        return handler(self, t)

    def status(self, t: Term) -> tuple[str, list[Any]]:
        return _ordered("status", STATUSES, t)

    def priority(self, t: Term) -> tuple[str, list[Any]]:
        if t.value.lower() == "none":
            return "priority IS NULL", []
        return _ordered("priority", PRIORITIES, t)

    def ticket_type(self, t: Term) -> tuple[str, list[Any]]:
        if t.value.lower() == "none":
            return "type IS NULL", []
        return "type = ?", [t.value.lower()]

    def group(self, t: Term) -> tuple[str, list[Any]]:
        if t.value.lower() == "none":
            return "group_id IS NULL", []
        if _id(t.value) is not None:
            return "group_id = ?", [_id(t.value)]
        row = self.conn.execute("SELECT id FROM groups_ WHERE name = ? COLLATE NOCASE", (t.value,)).fetchone()
        return ("group_id = ?", [row[0]]) if row else ("0", [])

    def group_id(self, t: Term) -> tuple[str, list[Any]]:
        return ("group_id = ?", [_id(t.value)]) if _id(t.value) is not None else ("0", [])

    def _person(self, column: str, t: Term) -> tuple[str, list[Any]]:
        value = t.value.strip()
        if value.lower() == "me":
            return f"{column} = ?", [self.me_id]
        if value.lower() == "none":
            return f"{column} IS NULL", []
        if _id(value) is not None:
            return f"{column} = ?", [_id(value)]
        if "@" in value:
            rows = self.conn.execute("SELECT id FROM users WHERE email = ? COLLATE NOCASE", (value,)).fetchall()
        else:
            rows = self.conn.execute("SELECT id FROM users WHERE name = ? COLLATE NOCASE", (value,)).fetchall()
            if not rows:
                rows = self.conn.execute(
                    "SELECT id FROM users WHERE name LIKE ? ESCAPE '\\'", (_like(value),)
                ).fetchall()
        if not rows:
            return "0", []
        return f"{column} IN ({','.join('?' * len(rows))})", [r[0] for r in rows]

    def assignee(self, t: Term) -> tuple[str, list[Any]]:
        return self._person("assignee_id", t)

    def requester(self, t: Term) -> tuple[str, list[Any]]:
        return self._person("requester_id", t)

    def submitter(self, t: Term) -> tuple[str, list[Any]]:
        return self._person("submitter_id", t)

    def assignee_id(self, t: Term) -> tuple[str, list[Any]]:
        return ("assignee_id = ?", [_id(t.value)]) if _id(t.value) is not None else ("0", [])

    def requester_id(self, t: Term) -> tuple[str, list[Any]]:
        return ("requester_id = ?", [_id(t.value)]) if _id(t.value) is not None else ("0", [])

    def organization(self, t: Term) -> tuple[str, list[Any]]:
        if t.value.lower() == "none":
            return "organization_id IS NULL", []
        if _id(t.value) is not None:
            return "organization_id = ?", [_id(t.value)]
        rows = self.conn.execute(
            "SELECT id FROM organizations WHERE name LIKE ? ESCAPE '\\'", (_like(t.value),)
        ).fetchall()
        if not rows:
            return "0", []
        return f"organization_id IN ({','.join('?' * len(rows))})", [r[0] for r in rows]

    def organization_id(self, t: Term) -> tuple[str, list[Any]]:
        return ("organization_id = ?", [_id(t.value)]) if _id(t.value) is not None else ("0", [])

    def tags(self, t: Term) -> tuple[str, list[Any]]:
        if t.value.lower() == "none":
            return "tags = ' '", []
        return "tags LIKE ? ESCAPE '\\'", [f"% {_escape(t.value.lower())} %"]

    def subject(self, t: Term) -> tuple[str, list[Any]]:
        return "subject LIKE ? ESCAPE '\\'", [_like(t.value)]

    def description(self, t: Term) -> tuple[str, list[Any]]:
        return "description LIKE ? ESCAPE '\\'", [_like(t.value)]

    def custom_status_id(self, t: Term) -> tuple[str, list[Any]]:
        return ("custom_status_id = ?", [_id(t.value)]) if _id(t.value) is not None else ("0", [])

    def created(self, t: Term) -> tuple[str, list[Any]]:
        return self._date("created_at", t)

    def updated(self, t: Term) -> tuple[str, list[Any]]:
        return self._date("updated_at", t)

    def solved(self, t: Term) -> tuple[str, list[Any]]:
        """When a solved (or closed) ticket was last solved, from its metric set."""
        return self._date(SOLVED_AT, t)

    def _date(self, column: str, t: Term) -> tuple[str, list[Any]]:
        value = t.value.strip()
        age = _AGE.match(value)
        if age:
            since = timeutil.iso(self.now - timedelta(seconds=int(age[1]) * _AGE_SECONDS[age[2].lower()]))
            # `created>4hours`: newer than 4 hours ago; `created<4hours`: older.
            op = {">": ">", ">=": ">=", "<": "<", "<=": "<=", ":": ">="}[t.op]
            return f"{column} {op} ?", [since]
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            start = timeutil.parse_iso(value + "T00:00:00Z")
            if start is None:
                return "0", []
            day, next_day = timeutil.iso(start), timeutil.iso(start + timedelta(days=1))
            return {
                ":": (f"{column} >= ? AND {column} < ?", [day, next_day]),
                ">": (f"{column} >= ?", [next_day]),
                ">=": (f"{column} >= ?", [day]),
                "<": (f"{column} < ?", [day]),
                "<=": (f"{column} < ?", [next_day]),
            }[t.op]
        when = timeutil.parse_iso(value)
        if when is None:
            return "0", []
        op = "=" if t.op == ":" else t.op
        return f"{column} {op} ?", [timeutil.iso(when)]


def _ordered(column: str, order: tuple[str, ...], t: Term) -> tuple[str, list[Any]]:
    value = t.value.lower()
    if value not in order:
        return "0", []
    rank = order.index(value)
    wanted = {
        ":": [value],
        "<": list(order[:rank]),
        "<=": list(order[: rank + 1]),
        ">": list(order[rank + 1 :]),
        ">=": list(order[rank:]),
    }[t.op]
    if not wanted:
        return "0", []
    return f"{column} IN ({','.join('?' * len(wanted))})", wanted


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like(text: str) -> str:
    return f"%{_escape(text)}%"


def _text(value: str) -> tuple[str, list[Any]]:
    """Free text: the words (or a quoted phrase) in the subject or description; a bare number
    also finds the ticket with that id."""
    value = value.strip().lstrip("#")
    if not value:
        return "1", []
    clause = "(subject LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\')"
    params: list[Any] = [_like(value), _like(value)]
    if _id(value) is not None:
        clause = f"(id = ? OR {clause})"
        params.insert(0, _id(value))
    return clause, params


_FIELDS: dict[str, Callable[[Compiler, Term], tuple[str, list[Any]]]] = {
    name: getattr(Compiler, name)
    for name in (
        "status", "priority", "ticket_type", "group", "group_id", "assignee", "assignee_id",
        "requester", "requester_id", "submitter", "organization", "organization_id", "tags",
        "custom_status_id", "subject", "description", "created", "updated", "solved",
    )
}  # fmt: skip
# Positive `field:value` terms on these fields are ORed; text and date terms are ANDed.
_OR_FIELDS = set(_FIELDS) - {"subject", "description", "created", "updated", "solved"}

SORTS = {
    "created_at": "created_at {d}, id {d}",
    "updated_at": "updated_at {d}, id {d}",
    "priority": "CASE priority WHEN 'urgent' THEN 4 WHEN 'high' THEN 3 WHEN 'normal' THEN 2 WHEN "
    "'low' THEN 1 "
    "ELSE 0 END {d}, id {d}",
    "status": "CASE status WHEN 'new' THEN 0 WHEN 'open' THEN 1 WHEN 'pending' THEN 2 WHEN 'hold' "
    "THEN 3 "
    "WHEN 'solved' THEN 4 ELSE 5 END {d}, id {d}",
    "ticket_type": "type {d}, id {d}",
}


def order_by(sort_by: str | None, sort_order: str | None) -> str:
    """ORDER BY for the search endpoint; without sort_by, "relevance" (most recently updated)."""
    direction = "ASC" if (sort_order or "").lower() == "asc" else "DESC"
    template = SORTS.get((sort_by or "").lower(), "updated_at {d}, id {d}")
    return template.format(d=direction)


def _id(value: str) -> int | None:
    """An id in a search term: ASCII digits within 64 bits (`group:²` names no group)."""
    return whole_number(value) if value.strip() == value else None
