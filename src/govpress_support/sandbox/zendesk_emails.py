"""What Zendesk emails: a public agent comment goes to the requester and the ticket's email CCs,
as the default trigger "Notify requester and CCs of comment update" sends it.

The sandbox sends nothing: it records each email (seen through `GET /_sandbox/emails`), writes the
trigger's `Notification` event into the update's audit, and addresses the comment's `via` as
Zendesk does (`source.to` names the requester and lists the CC'd user ids). Comments by end users
and internal notes email nobody. The seeded history (`seed_history`) addresses its replies and
writes their `Notification` events the same way; the emails it stands for were sent before the
desk began, so none is recorded.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from govpress_support.sandbox.store import dumps, loads, next_id

ACCOUNT_NAME = "GovPress"
SUPPORT_NAME = "GovPress Support"
SUPPORT_ADDRESS = "support@govpress.example"
TRIGGER_ID = 360000400001
TRIGGER_TITLE = "Notify requester and CCs of comment update"


def cc_ids(doc: dict[str, Any]) -> list[int]:
    """The ticket's email CCs (user ids), as stored in its document."""
    return [int(i) for i in doc.get("email_ccs") or []]


def follower_ids(doc: dict[str, Any]) -> list[int]:
    return [int(i) for i in doc.get("followers") or []]


def collaborator_ids(doc: dict[str, Any]) -> list[int]:
    """The legacy `collaborator_ids`: email CCs and followers together, each once."""
    return list(dict.fromkeys([*cc_ids(doc), *follower_ids(doc)]))


def api_via(to: dict[str, Any] | None = None) -> dict[str, Any]:
    """A comment made through the API; `to` is set when it was emailed."""
    return {"channel": "api", "source": {"from": {}, "to": to or {}, "rel": None}}


def web_via(to: dict[str, Any] | None = None) -> dict[str, Any]:
    """A comment an agent wrote in the agent workspace."""
    return {"channel": "web", "source": {"from": {}, "to": to or {}, "rel": None}}


def email_via(name: str, address: str) -> dict[str, Any]:
    """A comment that arrived by email from `address` at the support address."""
    return {
        "channel": "email",
        "source": {
            "from": {"address": address, "name": name, "original_recipients": [SUPPORT_ADDRESS]},
            "to": {"name": SUPPORT_NAME, "address": SUPPORT_ADDRESS},
            "rel": None,
        },
    }


def addressed_to(requester: tuple[str, str] | None, ccs: list[int]) -> dict[str, Any]:
    """`via.source.to` of an emailed comment: the requester's name and address, the CC'd ids."""
    if requester is None:
        return {"email_ccs": ccs} if ccs else {}
    return {"name": requester[0], "address": requester[1], "email_ccs": ccs}


def _person(conn: sqlite3.Connection, user_id: int | None) -> sqlite3.Row | None:
    if user_id is None:
        return None
    row: sqlite3.Row | None = conn.execute(
        "SELECT id, name, email, role FROM users WHERE id = ?", (user_id,)
    ).fetchone()
    return row


def recipients(
    conn: sqlite3.Connection, requester_id: int | None, doc: dict[str, Any], author_id: int
) -> tuple[sqlite3.Row | None, list[sqlite3.Row]]:
    """Who a public comment by `author_id` is emailed to: the requester, then the CCs; never the
    author, never anyone twice."""
    requester = _person(conn, requester_id)
    if requester is not None and requester["id"] == author_id:
        requester = None
    seen = {author_id, requester_id}
    ccs: list[sqlite3.Row] = []
    for uid in cc_ids(doc):
        if uid in seen:
            continue
        seen.add(uid)
        person = _person(conn, uid)
        if person is not None:
            ccs.append(person)
    return requester, ccs


def _address(row: sqlite3.Row) -> dict[str, Any]:
    return {"user_id": row["id"], "name": row["name"], "address": row["email"]}


def send_reply(
    conn: sqlite3.Connection,
    *,
    ticket_id: int,
    subject: str,
    requester_id: int | None,
    doc: dict[str, Any],
    author_id: int,
    comment_id: int,
    audit_id: int,
    body: str,
    html_body: str,
    at: str,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Record the email a public agent comment sends. Returns the comment's `via` and the audit's
    `Notification` event (None when there is nobody to email)."""
    requester, ccs = recipients(conn, requester_id, doc, author_id)
    to = addressed_to(
        (requester["name"], requester["email"]) if requester is not None else None,
        [row["id"] for row in ccs],
    )
    via = api_via(to)
    if requester is None and not ccs:
        return via, None
    author = _person(conn, author_id)
    title = reply_subject(subject)
    email = {
        "audit_id": audit_id,
        "trigger": {"id": TRIGGER_ID, "title": TRIGGER_TITLE},
        "from": {
            "name": f"{author['name']} ({ACCOUNT_NAME})" if author is not None else SUPPORT_NAME,
            "address": SUPPORT_ADDRESS,
        },
        "to": [_address(requester)] if requester is not None else [],
        "cc": [_address(row) for row in ccs],
        "subject": title,
        "body": body,
        "html_body": html_body,
    }
    email_id = next_id(conn, "email", 1)
    conn.execute(
        "INSERT INTO emails (id, ticket_id, comment_id, created_at, doc) VALUES (?, ?, ?, ?, ?)",
        (email_id, ticket_id, comment_id, at, dumps(email)),
    )
    ids = [row["id"] for row in ([requester] if requester is not None else []) + ccs]
    return via, notification(subject, body, ids)


def reply_subject(subject: str) -> str:
    return f"[{ACCOUNT_NAME}] Re: {subject}"


def notification(subject: str, body: str, recipient_ids: list[int]) -> dict[str, Any]:
    """The trigger's `Notification` audit event for a public reply on the ticket `subject` (the
    caller gives it an id)."""
    return {
        "type": "Notification",
        "subject": reply_subject(subject),
        "body": body,
        "recipients": recipient_ids,
        "via": {
            "channel": "rule",
            "source": {
                "from": {"id": TRIGGER_ID, "title": TRIGGER_TITLE, "deleted": False, "revision_id": 1},
                "rel": "trigger",
            },
        },
    }


def render_email(row: sqlite3.Row) -> dict[str, Any]:
    doc = loads(row["doc"]) or {}
    return {
        "id": row["id"],
        "ticket_id": row["ticket_id"],
        "comment_id": row["comment_id"],
        "sent_at": row["created_at"],
        **doc,
        "recipient_ids": [a["user_id"] for a in [*doc.get("to", []), *doc.get("cc", [])]],
    }


def emails(conn: sqlite3.Connection, ticket_id: int | None = None) -> list[dict[str, Any]]:
    """Every recorded email, oldest first; only one ticket's when `ticket_id` is given."""
    if ticket_id is None:
        rows = conn.execute("SELECT * FROM emails ORDER BY id").fetchall()
    else:
        rows = conn.execute("SELECT * FROM emails WHERE ticket_id = ? ORDER BY id", (ticket_id,)).fetchall()
    return [render_email(r) for r in rows]
