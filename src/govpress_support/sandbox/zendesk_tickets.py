"""Zendesk tickets: how a stored ticket renders as JSON, and how a change to one is checked and
written (the rules behind PUT tickets/{id}, update_many, POST tickets and the control API's touch).

SLA breach times and task due dates are absolute, set when the desk was seeded or by the change
that moved them, so the clock runs as on a real desk. A metric's stage follows the ticket's status
(pending/hold pause the clock, solved/closed achieve it) unless the seed fixed it; the metric
clocks behind it (`metric_events`) write the ticket metric events as each change is saved, and the
change itself is kept as an audit. `updated_at` moves on every write and never twice to the same
second.
"""

from __future__ import annotations

import html
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from govpress_support.core import timeutil
from govpress_support.core.numbers import whole_number
from govpress_support.sandbox import zendesk_emails as emails
from govpress_support.sandbox import zendesk_lag as lag
from govpress_support.sandbox.metric_events import Clocks, Ledger, Snapshot, sync_display
from govpress_support.sandbox.seed_data import TICKET_FIELDS
from govpress_support.sandbox.store import Store, dumps, loads

STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
STATUS_RANK = {s: i for i, s in enumerate(STATUSES)}
PRIORITIES = ("low", "normal", "high", "urgent")
PRIORITY_RANK = {p: i for i, p in enumerate(PRIORITIES)}
TYPES = ("problem", "incident", "question", "task")
UNSOLVED = ("new", "open", "pending", "hold")

CLOSED_DESCRIPTION = "Status: closed prevents ticket update"
CONFLICT_BODY = {
    "error": "UpdateConflict",
    "description": "Safe Update prevented the update due to outdated ticket data. "
    "Please fetch the latest ticket data and try again.",
}


class TicketError(Exception):
    """A refused ticket change: the HTTP answer, and the short form a bulk job reports."""

    def __init__(self, status: int, body: dict[str, Any], error: str, details: str):
        super().__init__(details)
        self.status = status
        self.body = body
        self.error = error
        self.details = details


def not_found() -> TicketError:
    return TicketError(404, {"error": "RecordNotFound", "description": "Not found"}, "RecordNotFound", "Not found")


def record_invalid(details: dict[str, list[dict[str, str]]]) -> TicketError:
    text = "; ".join(d["description"] for items in details.values() for d in items)
    body = {"error": "RecordInvalid", "description": "Record validation errors", "details": details}
    return TicketError(422, body, "RecordInvalid", text)


@dataclass
class View:
    """What rendering needs besides the row: the requesting host, the time, the account switches."""

    origin: str
    now: datetime
    custom_statuses: bool = True


@dataclass
class TicketState:
    """A ticket as the update rules see it: the columns plus the JSON document."""

    id: int
    group_id: int | None
    status: str
    custom_status_id: int | None
    priority: str | None
    type: str | None
    assignee_id: int | None
    requester_id: int | None
    submitter_id: int | None
    organization_id: int | None
    subject: str
    description: str
    tags: list[str]
    created_at: str
    updated_at: str
    doc: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> TicketState:
        return cls(
            id=row["id"],
            group_id=row["group_id"],
            status=row["status"],
            custom_status_id=row["custom_status_id"],
            priority=row["priority"],
            type=row["type"],
            assignee_id=row["assignee_id"],
            requester_id=row["requester_id"],
            submitter_id=row["submitter_id"],
            organization_id=row["organization_id"],
            subject=row["subject"],
            description=row["description"],
            tags=row["tags"].split(),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            doc=loads(row["doc"]) or {},
        )

    def columns(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "group_id": self.group_id,
            "status": self.status,
            "custom_status_id": self.custom_status_id,
            "priority": self.priority,
            "type": self.type,
            "assignee_id": self.assignee_id,
            "requester_id": self.requester_id,
            "submitter_id": self.submitter_id,
            "organization_id": self.organization_id,
            "subject": self.subject,
            "description": self.description,
            "tags": tag_column(self.tags),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "doc": dumps(self.doc),
        }


def tag_column(tags: list[str]) -> str:
    """Tags as ` a b c ` so `LIKE '% b %'` finds one exactly."""
    return " " + " ".join(tags) + " " if tags else " "


def normalise_tags(values: Any) -> list[str]:
    if isinstance(values, str):
        values = values.split()
    if not isinstance(values, list):
        return []
    out: list[str] = []
    for value in values:
        for tag in str(value).lower().split():
            if tag not in out:
                out.append(tag)
    return out


# --- rendering -----------------------------------------------------------------------------------


def due_at(doc: dict[str, Any]) -> str | None:
    due = doc.get("due")
    if not isinstance(due, dict):
        return None
    value = due.get("at")
    return value if isinstance(value, str) else None


def metric_stage(metric: dict[str, Any], status: str) -> str:
    if metric.get("stage"):
        return str(metric["stage"])
    if status in ("pending", "hold"):
        return "paused"
    if status in ("solved", "closed"):
        return "achieved"
    return "active"


def rough_time(metric: dict[str, Any], now: datetime) -> dict[str, int]:
    """The rough `hours`/`minutes`/`days` Zendesk adds to a metric (clients must not use it)."""
    breach = timeutil.parse_iso(metric.get("breach_at"))
    if breach is None:
        return {"hours": int(metric.get("hours") or 24)}
    seconds = (breach - now.replace(microsecond=0)).total_seconds()
    if abs(seconds) < 3600:
        return {"minutes": int(seconds // 60)}
    if abs(seconds) < 48 * 3600:
        return {"hours": int(seconds // 3600)}
    return {"days": int(seconds // 86400)}


def render_slas(doc: dict[str, Any], status: str, now: datetime) -> dict[str, Any] | None:
    metrics = doc.get("sla")
    if metrics is None:
        return None
    out: list[dict[str, Any]] = []
    for metric in metrics:
        entry: dict[str, Any] = {
            "breach_at": metric.get("breach_at"),
            "stage": metric_stage(metric, status),
            "metric": metric["metric"],
        }
        entry.update(rough_time(metric, now))
        out.append(entry)
    return {"policy_metrics": out}


def render_ticket(state: TicketState, view: View, *, slas: bool = False) -> dict[str, Any]:
    doc = state.doc
    fields = [{"id": int(k), "value": v} for k, v in sorted((doc.get("custom_fields") or {}).items())]
    ticket: dict[str, Any] = {
        "url": f"{view.origin}/api/v2/tickets/{state.id}.json",
        "id": state.id,
        "external_id": None,
        "via": {"channel": doc.get("via", "email"), "source": {"from": {}, "to": {}, "rel": None}},
        "created_at": state.created_at,
        "updated_at": state.updated_at,
        "generated_timestamp": _epoch(state.updated_at),
        "type": state.type,
        "subject": state.subject,
        "raw_subject": state.subject,
        "description": state.description,
        "priority": state.priority,
        "status": state.status,
        "recipient": "support@govpress.example",
        "requester_id": state.requester_id,
        "submitter_id": state.submitter_id,
        "assignee_id": state.assignee_id,
        "organization_id": state.organization_id,
        "group_id": state.group_id,
        "collaborator_ids": emails.collaborator_ids(doc),
        "follower_ids": emails.follower_ids(doc),
        "email_cc_ids": emails.cc_ids(doc),
        "forum_topic_id": None,
        "problem_id": None,
        "has_incidents": False,
        "is_public": True,
        "due_at": due_at(doc),
        "tags": list(state.tags),
        "custom_fields": fields,
        "satisfaction_rating": None,
        "sharing_agreement_ids": [],
        "fields": fields,
        "followup_ids": [],
        "ticket_form_id": 360000001,
        "brand_id": 360000001,
        "allow_channelback": False,
        "allow_attachments": True,
        "from_messaging_channel": False,
    }
    if view.custom_statuses:
        ticket["custom_status_id"] = state.custom_status_id
    if slas:
        rendered = render_slas(doc, state.status, view.now)
        if rendered is not None:
            ticket["slas"] = rendered
    return ticket


def html_of(text: str) -> str:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())
    return f'<div class="zd-comment" dir="auto">{paragraphs or "<p></p>"}</div>'


_TAG = re.compile(r"<[^>]+>")


def text_of(markup: str) -> str:
    return html.unescape(_TAG.sub("", markup.replace("</p>", "\n\n"))).strip()


def render_comment(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "type": "Comment",
        "author_id": row["author_id"],
        "body": row["body"],
        "html_body": row["html_body"],
        "plain_body": row["body"],
        "public": bool(row["public"]),
        "attachments": [],
        "audit_id": row["audit_id"],
        "via": loads(row["via"]) or emails.api_via(),
        "metadata": {"system": {}, "custom": {}},
        "created_at": row["created_at"],
    }


# --- changes -------------------------------------------------------------------------------------


def next_stamp(previous: str | None, now: datetime) -> str:
    """`now` to the second, or one second after `previous` when that is not earlier: the stamp
    must change on every write so Zendesk's collision guard notices."""
    stamp = now.replace(microsecond=0)
    before = timeutil.parse_iso(previous) if previous else None
    if before is not None and stamp <= before:
        stamp = before + timedelta(seconds=1)
    return timeutil.iso(stamp) or ""


class Tickets:
    """Reads and writes tickets in the store, applying Zendesk's rules."""

    def __init__(self, store: Store):
        self.store = store

    # --- reads -----------------------------------------------------------------------------------

    def get(self, ticket_id: int, conn: sqlite3.Connection | None = None) -> TicketState | None:
        row = (conn or self.store.conn()).execute("SELECT * FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
        return None if row is None else TicketState.from_row(row)

    def many(self, ids: list[int]) -> list[TicketState]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self.store.all(f"SELECT * FROM tickets WHERE id IN ({marks})", ids)  # noqa: S608
        by_id = {r["id"]: TicketState.from_row(r) for r in rows}
        return [by_id[i] for i in dict.fromkeys(ids) if i in by_id]

    # --- writes ----------------------------------------------------------------------------------

    def update(
        self,
        ticket_id: int,
        changes: dict[str, Any],
        author_id: int,
        *,
        custom_statuses: bool = True,
        touch: bool = False,
        via: dict[str, Any] | None = None,
    ) -> tuple[TicketState, dict[str, Any]]:
        """Apply one ticket's changes in its own transaction; raises TicketError (nothing written).
        `touch` moves `updated_at` even when nothing else changes; `via` is where the change came
        from when not the API (the control API's requester answering by email)."""
        with self.store.write() as conn:
            current = self.get(ticket_id, conn)
            if current is None:
                raise not_found()
            stamp = changes.get("updated_stamp")
            if changes.get("safe_update") and stamp is not None:
                theirs = timeutil.parse_iso(stamp)
                if theirs is None or theirs != timeutil.parse_iso(current.updated_at):
                    raise TicketError(
                        409,
                        dict(CONFLICT_BODY),
                        CONFLICT_BODY["error"],
                        CONFLICT_BODY["description"],
                    )
            if current.status == "closed":
                raise record_invalid({"status": [{"description": CLOSED_DESCRIPTION, "error": "InvalidValue"}]})
            new, events, comment = self._apply(conn, current, changes, author_id, custom_statuses=custom_statuses)
            audit = self._write(conn, current, new, events, comment, author_id, created=False, touch=touch, via=via)
            return new, audit

    def create(
        self, data: dict[str, Any], author_id: int, *, custom_statuses: bool = True
    ) -> tuple[TicketState, dict[str, Any]]:
        now = timeutil.now()
        comment = data.get("comment")
        body = _comment_text(comment) if comment is not None else str(data.get("description") or "")
        if not body.strip():
            raise record_invalid({"base": [{"description": "Description: cannot be blank", "error": "BlankValue"}]})
        with self.store.write() as conn:
            requester_id = self._requester(conn, data, author_id)
            org = conn.execute("SELECT organization_id FROM users WHERE id = ?", (requester_id,)).fetchone()
            new_id = int(conn.execute("SELECT COALESCE(MAX(id), 4000) + 1 FROM tickets").fetchone()[0])
            stamp = timeutil.iso(now) or ""
            blank = TicketState(
                id=new_id,
                group_id=None,
                status="new",
                custom_status_id=None,
                priority=None,
                type=None,
                assignee_id=None,
                requester_id=requester_id,
                submitter_id=author_id,
                organization_id=org[0] if org else None,
                subject="",
                description=body,
                tags=[],
                created_at=stamp,
                updated_at=stamp,
                doc={"via": "api", "custom_fields": {str(f): None for f, _ in TICKET_FIELDS}},
            )
            changes = {k: v for k, v in data.items() if k not in ("requester_id", "requester", "description")}
            if "group_id" not in changes:
                changes["group_id"] = _default_group(conn, as_int(changes.get("assignee_id")))
            changes["subject"] = str(data.get("subject") or body.strip().splitlines()[0][:80])
            new, events, comment_row = self._apply(
                conn, blank, changes, author_id, custom_statuses=custom_statuses, creating=True
            )
            if comment_row is None:
                comment_row = {"body": body, "html_body": html_of(body), "public": True}
            events = _created(new) + [e for e in events if e["field_name"] not in (*_AUDITED, "tags")]
            new.doc["sla"] = []  # the policies fill it in as the metric clocks start (`_write`)
            audit = self._write(conn, None, new, events, comment_row, author_id, created=True)
            return new, audit

    # --- the rules -------------------------------------------------------------------------------

    def _apply(
        self,
        conn: sqlite3.Connection,
        current: TicketState,
        changes: dict[str, Any],
        author_id: int,
        *,
        custom_statuses: bool,
        creating: bool = False,
    ) -> tuple[TicketState, list[dict[str, Any]], dict[str, Any] | None]:
        new = TicketState(**{**current.__dict__, "tags": list(current.tags), "doc": loads(dumps(current.doc))})
        errors: dict[str, list[dict[str, str]]] = {}

        def invalid(name: str, description: str, error: str = "InvalidValue") -> None:
            errors.setdefault(name, []).append({"description": description, "error": error})

        if "subject" in changes:
            if not isinstance(changes["subject"], str) or not changes["subject"].strip():
                invalid("subject", "Subject: cannot be blank", "BlankValue")
            else:
                new.subject = changes["subject"].strip()

        status_given = "status" in changes and changes["status"] is not None
        if status_given:
            status = str(changes["status"]).lower()
            if status not in STATUSES:
                invalid("status", f"Status: {changes['status']} is not a valid status")
            elif status == "new" and current.status != "new":
                invalid("status", "Status: cannot be changed back to New")
            elif status != current.status:  # a new category takes its default custom status
                new.status = status
                new.custom_status_id = _default_custom_status(conn, status)

        if custom_statuses and changes.get("custom_status_id") is not None:
            row = conn.execute(
                "SELECT id, category, doc FROM custom_statuses WHERE id = ?",
                (as_int(changes["custom_status_id"]),),
            ).fetchone()
            if row is None or not (loads(row["doc"]) or {}).get("active", True):
                invalid("custom_status_id", "Custom status: is invalid")
            else:
                new.custom_status_id = row["id"]
                new.status = row["category"]
                status_given = True

        if "priority" in changes:
            value = changes["priority"]
            if value is not None and str(value).lower() not in PRIORITIES:
                invalid("priority", f"Priority: {value} is not a valid priority")
            else:
                new.priority = None if value is None else str(value).lower()

        if "type" in changes:
            value = changes["type"]
            if value is not None and str(value).lower() not in TYPES:
                invalid("type", f"Type: {value} is not a valid ticket type")
            else:
                new.type = None if value is None else str(value).lower()

        if "group_id" in changes:
            gid = as_int(changes["group_id"])
            if changes["group_id"] is None:
                new.group_id = None
            elif gid is None or conn.execute("SELECT 1 FROM groups_ WHERE id = ?", (gid,)).fetchone() is None:
                invalid("group_id", "Group: is invalid")
            else:
                new.group_id = gid

        assignee_given = "assignee_id" in changes or "assignee_email" in changes
        if "assignee_email" in changes and "assignee_id" not in changes:
            row = conn.execute(
                "SELECT id FROM users WHERE email = ?", (str(changes["assignee_email"] or ""),)
            ).fetchone()
            assignee: Any = row["id"] if row else -1
        else:
            assignee = changes.get("assignee_id")
        if assignee_given:
            if assignee is None:
                new.assignee_id = None
            else:
                aid = as_int(assignee)
                user = conn.execute("SELECT role FROM users WHERE id = ?", (aid,)).fetchone() if aid else None
                if user is None or user["role"] not in ("agent", "admin"):
                    invalid("assignee_id", "Assignee: is invalid")
                elif not _is_member(conn, aid, new.group_id):  # type: ignore[arg-type]
                    invalid("assignee_id", "Assignee: is not a member of the group")
                else:
                    new.assignee_id = aid
        elif (
            new.group_id != current.group_id
            and new.assignee_id is not None
            and not _is_member(conn, new.assignee_id, new.group_id)
        ):
            new.assignee_id = None  # moving groups drops an assignee who is not in the new one

        if "tags" in changes:
            new.tags = normalise_tags(changes["tags"])
        if "additional_tags" in changes:
            for tag in normalise_tags(changes["additional_tags"]):
                if tag not in new.tags:
                    new.tags.append(tag)
        if "remove_tags" in changes:
            gone = set(normalise_tags(changes["remove_tags"]))
            new.tags = [t for t in new.tags if t not in gone]

        if "custom_fields" in changes or "fields" in changes:
            items = changes.get("custom_fields", changes.get("fields"))
            values = dict(new.doc.get("custom_fields") or {})
            for item in items if isinstance(items, list) else []:
                fid = as_int(item.get("id")) if isinstance(item, dict) else None
                if fid is not None and str(fid) in values:
                    values[str(fid)] = item.get("value")
            new.doc["custom_fields"] = values

        if "due_at" in changes:
            if changes["due_at"] is None:
                new.doc["due"] = None
            else:
                parsed = timeutil.parse_iso(changes["due_at"])
                if parsed is None:
                    invalid("due_at", "Due at: is invalid")
                else:
                    new.doc["due"] = {"at": timeutil.iso(parsed)}
        if new.type != "task":
            new.doc["due"] = None  # only tasks have a due date

        comment: dict[str, Any] | None = None
        if changes.get("comment") is not None:
            raw = changes["comment"]
            body = _comment_text(raw)
            if not body.strip():
                invalid("comment", "Comment: cannot be blank", "BlankValue")
            else:
                public = raw.get("public", True) if isinstance(raw, dict) else True
                markup = raw.get("html_body") if isinstance(raw, dict) and raw.get("html_body") else html_of(body)
                comment = {"body": body, "html_body": markup, "public": public is not False}
                limit = self.store.settings().comment_limit
                held = conn.execute("SELECT COUNT(*) FROM comments WHERE ticket_id = ?", (current.id,)).fetchone()[0]
                if int(held) >= limit:
                    # Refused whole; an update that adds no comment still applies (the documented rule).
                    invalid("base", f"Ticket has reached the maximum number of comments ({limit})")

        if errors:
            raise record_invalid(errors)

        author_is_agent = _is_agent(conn, author_id)
        agent_commented = comment is not None and author_is_agent and not creating
        if not status_given and new.status == "new" and (new.assignee_id is not None or agent_commented):
            # An agent's update (or an assignee) takes a new ticket to open.
            new.status, new.custom_status_id = "open", _default_custom_status(conn, "open")
        if new.status == "solved" and new.assignee_id is None and _is_member(conn, author_id, new.group_id):
            new.assignee_id = author_id  # Zendesk assigns an unassigned ticket to whoever solves it
        if new.custom_status_id is None:
            new.custom_status_id = _default_custom_status(conn, new.status)
        return new, _events(current, new), comment

    def _requester(self, conn: sqlite3.Connection, data: dict[str, Any], author_id: int) -> int:
        if as_int(data.get("requester_id")) is not None:
            rid = as_int(data.get("requester_id"))
            if conn.execute("SELECT 1 FROM users WHERE id = ?", (rid,)).fetchone() is None:
                raise record_invalid(
                    {"requester_id": [{"description": "Requester: is invalid", "error": "InvalidValue"}]}
                )
            return rid  # type: ignore[return-value]
        requester = data.get("requester")
        if isinstance(requester, dict) and requester.get("email"):
            email = str(requester["email"]).strip()
            row = conn.execute("SELECT id FROM users WHERE email = ?", (email,)).fetchone()
            if row is not None:
                return int(row["id"])
            new_id = int(conn.execute("SELECT COALESCE(MAX(id), 20000) + 1 FROM users WHERE id >= 20000").fetchone()[0])
            name = str(requester.get("name") or email.split("@")[0])
            stamp = timeutil.iso(timeutil.now())
            doc = {
                "created_at": stamp,
                "updated_at": stamp,
                "time_zone": "London",
                "locale": "en-gb",
            }
            conn.execute(
                "INSERT INTO users (id, email, name, role, has_token, organization_id, doc) "
                "VALUES (?, ?, ?, 'end-user', 0, NULL, ?)",
                (new_id, email, name, dumps(doc)),
            )
            return new_id
        return author_id

    def _write(
        self,
        conn: sqlite3.Connection,
        current: TicketState | None,
        new: TicketState,
        events: list[dict[str, Any]],
        comment: dict[str, Any] | None,
        author_id: int,
        *,
        created: bool,
        touch: bool = False,
        via: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        now = timeutil.now()
        audit_id = self.store.next_id(conn, "audit", 900001)
        changed = created or touch or bool(events) or comment is not None
        if changed and not created:
            new.updated_at = next_stamp(current.updated_at if current else None, now)
        elif created:
            new.updated_at = new.created_at
        if changed:
            _play_metrics(conn, current, new, comment, _is_agent(conn, author_id), now)
        cols = new.columns()
        if created:
            names = ", ".join(cols)
            conn.execute(
                f"INSERT INTO tickets ({names}) VALUES ({', '.join('?' * len(cols))})",  # noqa: S608
                list(cols.values()),
            )
        elif changed:
            if current is not None:
                lag.remember(conn, current.columns(), now.timestamp())  # the search index lags
            sets = ", ".join(f"{k} = ?" for k in cols if k != "id")
            conn.execute(
                f"UPDATE tickets SET {sets} WHERE id = ?",  # noqa: S608
                [*(v for k, v in cols.items() if k != "id"), new.id],
            )
        audit_events: list[dict[str, Any]] = []
        notification: dict[str, Any] | None = None
        if comment is not None:
            cid = self.store.next_id(conn, "comment", 800001)
            comment_via = via or emails.api_via()
            if comment["public"] and not created and _is_agent(conn, author_id):
                comment_via, notification = emails.send_reply(
                    conn,
                    ticket_id=new.id,
                    subject=new.subject,
                    requester_id=new.requester_id,
                    doc=new.doc,
                    author_id=author_id,
                    comment_id=cid,
                    audit_id=audit_id,
                    body=comment["body"],
                    html_body=comment["html_body"],
                    at=new.updated_at,
                )
            conn.execute(
                "INSERT INTO comments (id, ticket_id, author_id, body, html_body, public, "
                "created_at, audit_id, via) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    cid,
                    new.id,
                    author_id,
                    comment["body"],
                    comment["html_body"],
                    int(comment["public"]),
                    new.updated_at,
                    audit_id,
                    dumps(comment_via),
                ),
            )
            audit_events.append(
                {
                    "id": cid,  # an audit's comment event is the comment, by id
                    "type": "Comment",
                    "author_id": author_id,
                    "body": comment["body"],
                    "html_body": comment["html_body"],
                    "plain_body": comment["body"],
                    "public": comment["public"],
                    "attachments": [],
                    "audit_id": audit_id,
                }
            )
        for event in events:
            event["id"] = self.store.next_id(conn, "event", 950001)
            if created:
                event["type"] = "Create"
                event.pop("previous_value", None)
            audit_events.append(event)
        if notification is not None:
            notification["id"] = self.store.next_id(conn, "event", 950001)
            audit_events.append(notification)
        audit = {
            "id": audit_id,
            "ticket_id": new.id,
            "created_at": new.updated_at,
            "author_id": author_id,
            "metadata": {"system": {"client": "govpress-support sandbox"}, "custom": {}},
            "via": via or emails.api_via(),
            "events": audit_events,
        }
        if changed:
            conn.execute(
                "INSERT INTO audits (id, ticket_id, created_at, doc) VALUES (?, ?, ?, ?)",
                (audit_id, new.id, new.updated_at, dumps(audit)),
            )
        return audit


# --- helpers -------------------------------------------------------------------------------------


def _epoch(stamp: str) -> int:
    parsed = timeutil.parse_iso(stamp)
    return 0 if parsed is None else int(parsed.timestamp())


def as_int(value: Any) -> int | None:
    """An id or a number from JSON or a query string; None for anything else (and for booleans)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        number = whole_number(text.removeprefix("-"))  # ASCII digits within 64 bits
        return None if number is None else -number if text.startswith("-") else number
    return None


def _comment_text(raw: Any) -> str:
    if isinstance(raw, str):
        return raw
    if not isinstance(raw, dict):
        return ""
    if raw.get("body"):
        return str(raw["body"])
    if raw.get("html_body"):
        return text_of(str(raw["html_body"]))
    return ""


def _default_custom_status(conn: sqlite3.Connection, status: str) -> int | None:
    category = "solved" if status == "closed" else status
    row = conn.execute(
        "SELECT id FROM custom_statuses WHERE category = ? AND json_extract(doc, '$.default') = 1",
        (category,),
    ).fetchone()
    return None if row is None else int(row[0])


def _default_group(conn: sqlite3.Connection, assignee_id: int | None) -> int | None:
    """A new ticket's group: the assignee's default group, else the account's default group."""
    row = conn.execute(
        "SELECT group_id FROM group_memberships WHERE user_id = ? ORDER BY is_default DESC, id",
        (assignee_id,),
    ).fetchone()
    if row is None:
        row = conn.execute("SELECT id FROM groups_ WHERE json_extract(doc, '$.default') = 1").fetchone()
    return None if row is None else int(row[0])


def _is_member(conn: sqlite3.Connection, user_id: int, group_id: int | None) -> bool:
    if group_id is None:
        return _is_agent(conn, user_id)
    row = conn.execute(
        "SELECT 1 FROM group_memberships WHERE user_id = ? AND group_id = ?", (user_id, group_id)
    ).fetchone()
    return row is not None


def snapshot(state: TicketState) -> Snapshot:
    return Snapshot(
        state.status, state.group_id, state.assignee_id, state.priority, tuple(state.tags), state.custom_status_id
    )


def _play_metrics(
    conn: sqlite3.Connection,
    current: TicketState | None,
    new: TicketState,
    comment: dict[str, Any] | None,
    by_agent: bool,
    now: datetime,
) -> None:
    """Play one saved change to the ticket's metric clocks (their events go in the same
    transaction) and bring its `slas` metrics up to date."""
    ledger = Ledger(conn)
    mx = new.doc.get("mx")
    clocks = Clocks(ledger, new.id, mx if isinstance(mx, dict) else {})
    new.doc["mx"] = clocks.mx
    if current is None:
        clocks.created(now, snapshot(new))
    else:
        public = comment is not None and bool(comment["public"])
        solving = new.status in ("solved", "closed") and current.status != new.status
        if comment is not None and by_agent:
            clocks.commented(now, by_agent=True, public=public, solving=solving)
        clocks.changed(now, snapshot(current), snapshot(new))
        if comment is not None and not by_agent:
            clocks.commented(now, by_agent=False, public=public)
    sync_display(new.doc, clocks)
    ledger.flush()


def _is_agent(conn: sqlite3.Connection, user_id: int) -> bool:
    row = conn.execute("SELECT role FROM users WHERE id = ?", (user_id,)).fetchone()
    return row is not None and row["role"] in ("agent", "admin")


_AUDITED = ("subject", "status", "custom_status_id", "priority", "type", "group_id", "assignee_id")


def _created(new: TicketState) -> list[dict[str, Any]]:
    """A new ticket's audit sets every field it has a value for, the defaults too (a new status)."""
    values = {name: getattr(new, name) for name in _AUDITED}
    if new.tags:
        values["tags"] = list(new.tags)
    return [{"type": "Create", "field_name": k, "value": v} for k, v in values.items() if v is not None]


def _events(old: TicketState, new: TicketState) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for name in _AUDITED:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            events.append({"type": "Change", "field_name": name, "value": after, "previous_value": before})
    if old.tags != new.tags:
        events.append(
            {
                "type": "Change",
                "field_name": "tags",
                "value": list(new.tags),
                "previous_value": list(old.tags),
            }
        )
    if old.doc.get("custom_fields") != new.doc.get("custom_fields"):
        for key, value in (new.doc.get("custom_fields") or {}).items():
            if (old.doc.get("custom_fields") or {}).get(key) != value:
                events.append(
                    {
                        "type": "Change",
                        "field_name": key,
                        "value": value,
                        "previous_value": (old.doc.get("custom_fields") or {}).get(key),
                    }
                )
    if old.doc.get("due") != new.doc.get("due"):
        events.append(
            {
                "type": "Change",
                "field_name": "due_at",
                "value": (new.doc.get("due") or {}).get("at"),
                "previous_value": None,
            }
        )
    return events
