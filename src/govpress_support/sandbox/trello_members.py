"""Trello members and who is on which board: `/1/members/{id}` (`me`, an id or a username), a
member's boards, a board's members and memberships, joining a board (yourself on a workspace
board, anybody as a board admin) and inviting by email (a ghost member until they sign up)."""

from __future__ import annotations

import re
from typing import Any

from govpress_support.sandbox.store import dumps, loads
from govpress_support.sandbox.trello_ids import MEMBER, MEMBERSHIP, trello_id
from govpress_support.sandbox.trello_records import (
    UNAUTHORIZED,
    Call,
    Routes,
    TrelloError,
    TrelloRecords,
    invalid_value,
)
from govpress_support.sandbox.wire import Response, json_response

MEMBER_TYPES = ("normal", "admin", "observer")


def member_show(trello: TrelloRecords, c: Call) -> Response:
    return json_response(200, trello.render_member(trello.member(c.params["id"], c.me), full=True, me=c.me))


def member_boards(trello: TrelloRecords, c: Call) -> Response:
    member = trello.member(c.params["id"], c.me)
    rows = trello.store.all(
        "SELECT b.* FROM trello_boards b JOIN trello_board_members m ON m.board_id = b.id WHERE m.member_id = ?",
        (member["id"],),
    )
    return json_response(200, [trello.render_board(r) for r in rows])


def board_members(trello: TrelloRecords, c: Call) -> Response:
    board = trello.board(c.params["id"])
    return json_response(200, _members_of(trello, board["id"]))


def board_memberships(trello: TrelloRecords, c: Call) -> Response:
    board = trello.board(c.params["id"])
    return json_response(200, _memberships_of(trello, board["id"]))


def board_add_member(trello: TrelloRecords, c: Call) -> Response:
    board = trello.board(c.params["id"])
    member_type = (c.args.get("type") or "").lower()
    if member_type not in MEMBER_TYPES:
        raise invalid_value("type")
    target = trello.member(c.params["member"], c.me)
    mine = trello.membership(board["id"], c.me["id"])
    is_admin = mine is not None and mine["member_type"] == "admin"
    prefs = (loads(board["doc"]) or {}).get("prefs", {})
    # A workspace member may join a workspace-visible board themself (not as admin);
    # adding anybody else takes a board admin.
    self_join = target["id"] == c.me["id"] and prefs.get("permissionLevel") == "org" and member_type != "admin"
    if not (is_admin or self_join):
        raise TrelloError(401, UNAUTHORIZED)
    _join(trello, board["id"], target["id"], member_type, unconfirmed=False)
    return json_response(200, _people(trello, board["id"]))


def board_invite(trello: TrelloRecords, c: Call) -> Response:
    board = trello.board(c.params["id"])
    email = (c.args.get("email") or "").strip().lower()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise invalid_value("email")
    trello.require_writer(board["id"], c.me)
    member_type = (c.args.get("type") or "normal").lower()
    if member_type not in MEMBER_TYPES:
        raise invalid_value("type")
    store = trello.store
    row = store.one("SELECT * FROM trello_members WHERE email = ? COLLATE NOCASE", (email,))
    unconfirmed = row is None
    with store.write() as conn:
        if row is None:  # someone without a Trello account: a ghost member until they sign up
            n = store.next_id(conn, "trello_member", 100)
            mid = trello_id(MEMBER, n)
            username = re.sub(r"[^a-z0-9]", "", email.split("@")[0]) + str(n)
            doc = {
                "fullName": c.args.get("fullName") or email.split("@")[0],
                "initials": email[:1].upper(),
                "confirmed": False,
                "memberType": "ghost",
                "idOrganizations": [],
            }
            conn.execute(
                "INSERT INTO trello_members (id, username, token, email, doc) VALUES (?, ?, NULL, ?, ?)",
                (mid, username, email, dumps(doc)),
            )
            member_id = mid
        else:
            member_id = row["id"]
    _join(trello, board["id"], member_id, member_type, unconfirmed=unconfirmed)
    return json_response(200, _people(trello, board["id"]))


def _people(trello: TrelloRecords, board_id: str) -> dict[str, Any]:
    """What adding or inviting somebody answers: the board's members and memberships."""
    return {
        "id": board_id,
        "members": _members_of(trello, board_id),
        "memberships": _memberships_of(trello, board_id),
    }


def _members_of(trello: TrelloRecords, board_id: str) -> list[dict[str, Any]]:
    rows = trello.store.all(
        "SELECT m.* FROM trello_members m JOIN trello_board_members b ON b.member_id = m.id "
        "WHERE b.board_id = ? ORDER BY b.rowid",
        (board_id,),
    )
    return [trello.render_member(r) for r in rows]


def _memberships_of(trello: TrelloRecords, board_id: str) -> list[dict[str, Any]]:
    rows = trello.store.all("SELECT * FROM trello_board_members WHERE board_id = ? ORDER BY rowid", (board_id,))
    return [
        {
            "id": r["id"],
            "idMember": r["member_id"],
            "memberType": r["member_type"],
            "unconfirmed": bool(r["unconfirmed"]),
            "deactivated": False,
        }
        for r in rows
    ]


def _join(trello: TrelloRecords, board_id: str, member_id: str, member_type: str, *, unconfirmed: bool) -> None:
    store = trello.store
    with store.write() as conn:
        existing = conn.execute(
            "SELECT id FROM trello_board_members WHERE board_id = ? AND member_id = ?",
            (board_id, member_id),
        ).fetchone()
        if existing:
            conn.execute(
                "UPDATE trello_board_members SET member_type = ? WHERE id = ?",
                (member_type, existing[0]),
            )
        else:
            mid = trello_id(MEMBERSHIP, store.next_id(conn, "trello_membership", 1))
            conn.execute(
                "INSERT INTO trello_board_members (id, board_id, member_id, member_type, "
                "unconfirmed) VALUES (?, ?, ?, ?, ?)",
                (mid, board_id, member_id, member_type, int(unconfirmed)),
            )


MEMBER_ROUTES: Routes = (
    ("GET", "/1/members/{id}", member_show),
    ("GET", "/1/members/{id}/boards", member_boards),
)
BOARD_MEMBER_ROUTES: Routes = (
    ("GET", "/1/boards/{id}/members", board_members),
    ("GET", "/1/boards/{id}/memberships", board_memberships),
    ("PUT", "/1/boards/{id}/members", board_invite),
    ("PUT", "/1/boards/{id}/members/{member}", board_add_member),
)
