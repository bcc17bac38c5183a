"""Trello records as every resource's handlers see them: the errors they raise (mostly plain
text), a request's `Call`, finding a board, list, card or member by its reference, the board
membership that writes need, and how each record renders as JSON (cards with their badges)."""

from __future__ import annotations

import random
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from govpress_support.sandbox.constants import TRELLO_WEB
from govpress_support.sandbox.store import Store, loads
from govpress_support.sandbox.trello_ids import slug, trello_time
from govpress_support.sandbox.wire import Request, Response, json_response, text_response

ID_RE = re.compile(r"^[0-9a-fA-F]{24}$")
SHORT_LINK_RE = re.compile(r"^[A-Za-z0-9]{8}$")

NOT_FOUND = "The requested resource was not found."
UNAUTHORIZED = "unauthorized permission requested"


class TrelloError(Exception):
    def __init__(self, status: int, body: str | dict[str, Any], headers: dict[str, str] | None = None):
        super().__init__(str(body))
        self.status = status
        self.body = body
        self.headers = headers or {}

    def response(self) -> Response:
        if isinstance(self.body, dict):
            return json_response(self.status, self.body, self.headers)
        return text_response(self.status, self.body, self.headers)


def invalid_value(name: str) -> TrelloError:
    return TrelloError(400, {"message": f"invalid value for {name}", "error": "ERROR"})


def not_found() -> TrelloError:
    return TrelloError(404, NOT_FOUND)


@dataclass
class Call:
    req: Request
    params: dict[str, str]  # path parameters
    args: dict[str, str]  # query, form or JSON body parameters
    me: sqlite3.Row
    now: datetime


Handler = Callable[["TrelloRecords", Call], Response]
Routes = tuple[tuple[str, str, Handler], ...]


class TrelloRecords:
    """The store the handlers read and write, with the lookups and renderings they share."""

    def __init__(self, store: Store):
        self.store = store
        self.links = random.Random()  # new cards' short links

    # --- lookups ---------------------------------------------------------------------------------

    def _by_ref(self, table: str, ref: str, *, short_links: bool) -> sqlite3.Row:
        """A record by 24-hex id (or 8-character short link): 400 `invalid id` for anything
        else, 404 when well-formed but unknown."""
        if ID_RE.match(ref):
            row = self.store.one(f"SELECT * FROM {table} WHERE id = ?", (ref.lower(),))  # noqa: S608
        elif short_links and SHORT_LINK_RE.match(ref):
            row = self.store.one(f"SELECT * FROM {table} WHERE short_link = ?", (ref,))  # noqa: S608
        else:
            raise TrelloError(400, "invalid id")
        if row is None:
            raise not_found()
        return row

    def board(self, ref: str) -> sqlite3.Row:
        return self._by_ref("trello_boards", ref, short_links=True)

    def card(self, ref: str) -> sqlite3.Row:
        return self._by_ref("trello_cards", ref, short_links=True)

    def list_row(self, ref: str) -> sqlite3.Row:
        return self._by_ref("trello_lists", ref, short_links=False)

    def member(self, ref: str, me: sqlite3.Row) -> sqlite3.Row:
        if ref == "me":
            return me
        if ID_RE.match(ref):
            row = self.store.one("SELECT * FROM trello_members WHERE id = ?", (ref.lower(),))
        else:
            row = self.store.one("SELECT * FROM trello_members WHERE username = ?", (ref.lower(),))
        if row is None:
            raise not_found()
        return row

    def membership(self, board_id: str, member_id: str) -> sqlite3.Row | None:
        return self.store.one(
            "SELECT * FROM trello_board_members WHERE board_id = ? AND member_id = ?",
            (board_id, member_id),
        )

    def require_writer(self, board_id: str, me: sqlite3.Row) -> None:
        """Writes need membership of the board (observers may only read)."""
        row = self.membership(board_id, me["id"])
        if row is None or row["member_type"] == "observer" or row["unconfirmed"]:
            raise TrelloError(401, UNAUTHORIZED)

    # --- rendering -------------------------------------------------------------------------------

    def render_member(self, row: sqlite3.Row, *, full: bool = False, me: sqlite3.Row | None = None) -> dict[str, Any]:
        doc = loads(row["doc"]) or {}
        out: dict[str, Any] = {
            "id": row["id"],
            "username": row["username"],
            "fullName": doc.get("fullName", ""),
        }
        if full:
            boards = [
                r[0]
                for r in self.store.all(
                    "SELECT board_id FROM trello_board_members WHERE member_id = ? ORDER BY board_id",
                    (row["id"],),
                )
            ]
            out.update(
                {
                    "initials": doc.get("initials", ""),
                    "avatarUrl": None,
                    "confirmed": doc.get("confirmed", True),
                    "memberType": doc.get("memberType", "normal"),
                    "idBoards": boards,
                    "idOrganizations": doc.get("idOrganizations", []),
                    "url": f"{TRELLO_WEB}/{row['username']}",
                    # the email is only visible with the account scope, to the member themself
                    "email": row["email"] if me is not None and me["id"] == row["id"] else None,
                }
            )
        return out

    def render_board(self, row: sqlite3.Row) -> dict[str, Any]:
        doc = loads(row["doc"]) or {}
        labels = self.store.all("SELECT * FROM trello_labels WHERE board_id = ?", (row["id"],))
        return {
            "id": row["id"],
            "name": doc["name"],
            "desc": doc.get("desc", ""),
            "descData": None,
            "closed": doc.get("closed", False),
            "idOrganization": doc.get("idOrganization"),
            "idEnterprise": None,
            "pinned": False,
            "shortLink": row["short_link"],
            "shortUrl": f"{TRELLO_WEB}/b/{row['short_link']}",
            "url": f"{TRELLO_WEB}/b/{row['short_link']}/{slug(doc['name'])}",
            "prefs": doc.get("prefs", {}),
            "labelNames": {lab["color"]: lab["name"] for lab in labels if lab["color"]},
        }

    @staticmethod
    def render_list(row: sqlite3.Row) -> dict[str, Any]:
        return {
            "id": row["id"],
            "name": row["name"],
            "closed": bool(row["closed"]),
            "pos": row["pos"],
            "idBoard": row["board_id"],
            "subscribed": False,
        }

    @staticmethod
    def render_label(row: sqlite3.Row) -> dict[str, Any]:
        return {
            "id": row["id"],
            "idBoard": row["board_id"],
            "name": row["name"],
            "color": row["color"],
        }

    def render_cards(
        self, rows: list[sqlite3.Row], now: datetime, args: dict[str, str] | None = None
    ) -> list[dict[str, Any]]:
        """Cards as Trello sends them, with badge counts; `attachments=true`, `members=true` and
        `checklists=all` add those arrays."""
        args = args or {}
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        marks = ",".join("?" * len(ids))
        attachments: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
        for a in self.store.all(
            f"SELECT * FROM trello_attachments WHERE card_id IN ({marks}) ORDER BY pos",  # noqa: S608
            ids,
        ):
            attachments[a["card_id"]].append(loads(a["doc"]))
        comments: dict[str, int] = {
            r[0]: r[1]
            for r in self.store.all(
                "SELECT card_id, COUNT(*) FROM trello_actions "  # noqa: S608
                f"WHERE type = 'commentCard' AND card_id IN ({marks}) GROUP BY card_id",
                ids,
            )
        }
        boards = {r["board_id"] for r in rows}
        labels = {
            lab["id"]: self.render_label(lab)
            for b in boards
            for lab in self.store.all("SELECT * FROM trello_labels WHERE board_id = ?", (b,))
        }
        members: dict[str, sqlite3.Row] = {}
        if (args.get("members") or "").lower() == "true":
            members = {m["id"]: m for m in self.store.all("SELECT * FROM trello_members")}
        out = []
        for row in rows:
            doc = loads(row["doc"]) or {}
            card = render_card(row, doc, now, labels, len(attachments[row["id"]]), comments.get(row["id"], 0))
            if (args.get("attachments") or "").lower() in ("true", "cover"):
                card["attachments"] = attachments[row["id"]]
            if members:
                card["members"] = [self.render_member(members[m]) for m in card["idMembers"] if m in members]
            if (args.get("checklists") or "none").lower() == "all":
                card["checklists"] = doc.get("checklists", [])
            out.append(card)
        return out


def render_card(
    row: sqlite3.Row,
    doc: dict[str, Any],
    now: datetime,
    labels: dict[str, dict[str, Any]],
    attachments: int,
    comments: int,
) -> dict[str, Any]:
    due = _due(doc.get("due"), now)
    checklists = doc.get("checklists", [])
    short = row["short_link"]
    return {
        "id": row["id"],
        "badges": {
            "attachmentsByType": {"trello": {"board": 0, "card": 0}},
            "location": False,
            "votes": 0,
            "viewingMemberVoted": False,
            "subscribed": False,
            "fogbugz": "",
            "checkItems": sum(len(c.get("checkItems", [])) for c in checklists),
            "checkItemsChecked": sum(
                1 for c in checklists for i in c.get("checkItems", []) if i.get("state") == "complete"
            ),
            "comments": comments,
            "attachments": attachments,
            "description": bool(doc.get("desc")),
            "due": due,
            "dueComplete": doc.get("dueComplete", False),
            "start": None,
        },
        "checkItemStates": [],
        "closed": bool(row["closed"]),
        "dueComplete": doc.get("dueComplete", False),
        "dateLastActivity": doc.get("dateLastActivity"),
        "desc": doc.get("desc", ""),
        "descData": {"emoji": {}},
        "due": due,
        "dueReminder": None,
        "email": None,
        "idBoard": row["board_id"],
        "idChecklists": [c["id"] for c in checklists],
        "idList": row["list_id"],
        "idMembers": doc.get("idMembers", []),
        "idMembersVoted": [],
        "idShort": row["id_short"],
        "idAttachmentCover": None,
        "labels": [labels[i] for i in doc.get("idLabels", []) if i in labels],
        "idLabels": doc.get("idLabels", []),
        "manualCoverAttachment": False,
        "name": doc.get("name", ""),
        "pos": row["pos"],
        "shortLink": short,
        "isTemplate": False,
        "cardRole": None,
        "shortUrl": f"{TRELLO_WEB}/c/{short}",
        "start": None,
        "subscribed": False,
        "url": f"{TRELLO_WEB}/c/{short}/{row['id_short']}-{slug(doc.get('name', ''))}",
    }


def _due(due: Any, now: datetime) -> str | None:
    if not isinstance(due, dict):
        return None
    if due.get("offset") is not None:
        return trello_time(now + timedelta(seconds=float(due["offset"])))
    value = due.get("at")
    return value if isinstance(value, str) else None


def id_list(value: str | None) -> list[str]:
    """A comma-separated list of ids, lower-cased, blanks dropped."""
    return [v.strip().lower() for v in (value or "").split(",") if v.strip()]
