"""Suspended tickets: recover one or many, delete many (listing, showing and deleting one are in
`zendesk_api`). Admins and unrestricted agents only; others get 403.

Recovering makes the email a ticket with a new id, or, when it answers an open ticket
(`ticket_id`), a comment on that ticket (which reopens it). Recovering one sets the requester to
the agent who recovers it, as the API documents; `recover_many` keeps the sender as requester. Mail
that came from the support address itself cannot be recovered: the answer is a 422 naming it.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from govpress_support.sandbox.store import dumps, loads
from govpress_support.sandbox.wire import Response, empty_response, json_response
from govpress_support.sandbox.zendesk_api import (
    Call,
    Handler,
    ZendeskAPI,
    _ids,
    _manages_suspended,
    bad_request,
    not_found,
)
from govpress_support.sandbox.zendesk_emails import email_via
from govpress_support.sandbox.zendesk_tickets import TicketError, TicketState, render_ticket

# Causes whose mail cannot become a ticket: mail from the support address would loop.
UNRECOVERABLE = ("Received from support address",)


class Unrecoverable(Exception):
    pass


def _recover(api: ZendeskAPI, c: Call, row: sqlite3.Row, *, keep_requester: bool) -> TicketState:
    """Turn one suspended email into a ticket (or a comment on the ticket it answers) in one
    transaction. Raises Unrecoverable, or TicketError when the ticket refuses the change."""
    doc = loads(row["doc"]) or {}
    if doc.get("cause") in UNRECOVERABLE:
        raise Unrecoverable(doc.get("cause"))
    author = doc.get("author") or {}
    custom = c.settings.custom_statuses
    with api.store.write() as conn:
        if conn.execute("DELETE FROM suspended WHERE id = ?", (row["id"],)).rowcount == 0:
            raise not_found()
        sender = api.tickets._requester(conn, {"requester": {"email": author["email"], "name": author["name"]}}, 0)
        answered = api.tickets.get(int(doc["ticket_id"]), conn) if doc.get("ticket_id") else None
        if answered is not None and answered.status != "closed":
            changes: dict[str, Any] = {"comment": {"body": doc["content"], "public": True}}
            if answered.status in ("pending", "hold", "solved"):
                changes["status"] = "open"  # the requester wrote back
            ticket, _ = api.tickets.update(answered.id, changes, sender, custom_statuses=custom)
        else:
            requester = sender if keep_requester else int(c.me["id"])
            data = {"subject": doc["subject"], "comment": {"body": doc["content"]}, "requester_id": requester}
            ticket, _ = api.tickets.create(data, requester, custom_statuses=custom)
            ticket.doc["via"] = "email"
            conn.execute("UPDATE tickets SET doc = ? WHERE id = ?", (dumps(ticket.doc), ticket.id))
        conn.execute(
            "UPDATE comments SET via = ? WHERE id = (SELECT MAX(id) FROM comments WHERE ticket_id = ?)",
            (dumps(email_via(author.get("name") or author["email"], author["email"])), ticket.id),
        )
    return ticket


def _suspended(api: ZendeskAPI, ids: list[int]) -> list[sqlite3.Row]:
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return api.store.all(f"SELECT * FROM suspended WHERE id IN ({marks}) ORDER BY id", ids)  # noqa: S608


def recover(api: ZendeskAPI, c: Call) -> Response:
    """`PUT /api/v2/suspended_tickets/{id}/recover` → 200 `{"ticket": [ticket]}`; a mail that
    cannot be recovered → 422 `{"ticket": [suspended ticket]}`."""
    _manages_suspended(c)
    row = api.store.one("SELECT * FROM suspended WHERE id = ?", (c.pid(),))
    if row is None:
        raise not_found()
    try:
        ticket = _recover(api, c, row, keep_requester=False)
    except Unrecoverable:
        return json_response(422, {"ticket": [api.render_suspended(row, c.req.origin)]})
    return json_response(200, {"ticket": [render_ticket(ticket, c.view)]})


def recover_many(api: ZendeskAPI, c: Call) -> Response:
    """`PUT /api/v2/suspended_tickets/recover_many?ids=` (at most 100) → 200 `{"tickets": [...]}`;
    when some fail, 422 with the failures as `suspended_tickets` (and the recovered as `tickets`)."""
    _manages_suspended(c)
    if not (c.req.arg("ids") or "").strip():
        raise bad_request("InvalidParameter", "ids is required")
    recovered: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for row in _suspended(api, _ids(c.req)):
        try:
            ticket = _recover(api, c, row, keep_requester=True)
        except (Unrecoverable, TicketError):
            failed.append(api.render_suspended(row, c.req.origin))
        else:
            recovered.append(render_ticket(ticket, c.view))
    if failed:
        return json_response(422, {"tickets": recovered, "suspended_tickets": failed})
    return json_response(200, {"tickets": recovered})


def destroy_many(api: ZendeskAPI, c: Call) -> Response:
    """`DELETE /api/v2/suspended_tickets/destroy_many?ids=` (at most 100) → 204; ids that are not
    (or no longer) suspended are passed over."""
    _manages_suspended(c)
    if not (c.req.arg("ids") or "").strip():
        raise bad_request("InvalidParameter", "ids is required")
    ids = _ids(c.req)
    if ids:
        marks = ",".join("?" * len(ids))
        with api.store.write() as conn:
            conn.execute(f"DELETE FROM suspended WHERE id IN ({marks})", ids)  # noqa: S608
    return empty_response(204)


ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("PUT", "/api/v2/suspended_tickets/recover_many", recover_many),
    ("DELETE", "/api/v2/suspended_tickets/destroy_many", destroy_many),
    ("PUT", "/api/v2/suspended_tickets/{id:int}/recover", recover),
)
