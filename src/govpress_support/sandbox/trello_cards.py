"""Trello cards: show, create (plain, from a URL, or copied from another card with
`keepFromSource`), update (rename, move within or across boards, close, due dates, members,
labels), add a member, attachments, comments and the card's actions. Every write needs board
membership; positions are `top`, `bottom` or a number."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from typing import Any

from govpress_support.core import timeutil
from govpress_support.sandbox.store import dumps, loads
from govpress_support.sandbox.trello_ids import (
    ACTION,
    ATTACHMENT,
    CARD,
    CHECKLIST,
    SHORT_LINK_CHARS,
    trello_id,
    trello_time,
)
from govpress_support.sandbox.trello_records import (
    ID_RE,
    SHORT_LINK_RE,
    Call,
    Routes,
    TrelloError,
    TrelloRecords,
    id_list,
    invalid_value,
)
from govpress_support.sandbox.wire import Response, json_response

KEEP_ALL = (
    "attachments",
    "checklists",
    "comments",
    "customFields",
    "due",
    "start",
    "labels",
    "members",
    "stickers",
)


def card_json(trello: TrelloRecords, row: sqlite3.Row, c: Call) -> dict[str, Any]:
    return trello.render_cards([row], c.now, c.args)[0]


def card_show(trello: TrelloRecords, c: Call) -> Response:
    return json_response(200, card_json(trello, trello.card(c.params["id"]), c))


def card_create(trello: TrelloRecords, c: Call) -> Response:
    store = trello.store
    a = c.args
    id_list_arg = a.get("idList") or ""
    if not ID_RE.match(id_list_arg):
        raise invalid_value("idList")
    lst = store.one("SELECT * FROM trello_lists WHERE id = ?", (id_list_arg.lower(),))
    if lst is None:
        raise invalid_value("idList")
    board_id = lst["board_id"]
    trello.require_writer(board_id, c.me)
    source: sqlite3.Row | None = None
    keep: set[str] = set()
    if a.get("idCardSource"):
        ref = a["idCardSource"]
        if not (ID_RE.match(ref) or SHORT_LINK_RE.match(ref)):
            raise invalid_value("idCardSource")
        try:
            source = trello.card(ref)
        except TrelloError:
            raise invalid_value("idCardSource") from None
        raw_keep = (a.get("keepFromSource") or "all").strip()
        keep = set(KEEP_ALL) if raw_keep == "all" else {k.strip() for k in raw_keep.split(",") if k.strip()}
        if keep - set(KEEP_ALL):
            raise invalid_value("keepFromSource")
    src_doc: dict[str, Any] = (loads(source["doc"]) or {}) if source is not None else {}
    name = a.get("name", src_doc.get("name", ""))
    desc = a.get("desc", src_doc.get("desc", ""))
    labels = id_list(a.get("idLabels"))
    if source is not None and "labels" in keep and "idLabels" not in a:
        labels = _map_labels(trello, src_doc.get("idLabels", []), source["board_id"], board_id)
    members = id_list(a.get("idMembers"))
    if source is not None and "members" in keep and "idMembers" not in a:
        members = [m for m in src_doc.get("idMembers", []) if trello.membership(board_id, m)]
    _check_labels(trello, labels, board_id)
    _check_members(trello, members, board_id, "idMembers")
    due: dict[str, Any] | None = None
    if a.get("due") not in (None, "", "null"):
        due = {"at": _trello_due(a["due"])}
    elif source is not None and "due" in keep:
        due = src_doc.get("due")
    url_source = a.get("urlSource")
    if url_source and not re.match(r"^https?://", url_source):
        raise invalid_value("urlSource")
    with store.write() as conn:
        cid = trello_id(CARD, store.next_id(conn, "trello_card", 1))
        number = int(
            conn.execute(
                "SELECT COALESCE(MAX(id_short), 0) + 1 FROM trello_cards WHERE board_id = ?",
                (board_id,),
            ).fetchone()[0]
        )
        pos = _position(conn, lst["id"], a.get("pos", "bottom"), exclude=None)
        checklists: list[dict[str, Any]] = []
        if source is not None and "checklists" in keep:
            for checklist in src_doc.get("checklists", []):
                items = [
                    {
                        **item,
                        "id": trello_id(CHECKLIST, store.next_id(conn, "trello_checklist", 1)),
                    }
                    for item in checklist.get("checkItems", [])
                ]
                new_id = trello_id(CHECKLIST, store.next_id(conn, "trello_checklist", 1))
                checklists.append({**checklist, "id": new_id, "idCard": cid, "checkItems": items})
        doc = {
            "name": name,
            "desc": desc,
            "idMembers": members,
            "idLabels": labels,
            "due": due,
            "dueComplete": a.get("dueComplete", "false").lower() == "true",
            "dateLastActivity": trello_time(c.now),
            "checklists": checklists,
        }
        conn.execute(
            "INSERT INTO trello_cards (id, short_link, board_id, list_id, id_short, pos, "
            "closed, changed, doc) "
            "VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)",
            (
                cid,
                _new_short_link(trello, conn),
                board_id,
                lst["id"],
                number,
                pos,
                c.now.timestamp(),
                dumps(doc),
            ),
        )
        if source is not None and "attachments" in keep:
            for att in store.all(
                "SELECT * FROM trello_attachments WHERE card_id = ? ORDER BY pos",
                (source["id"],),
            ):
                _attach(trello, conn, cid, loads(att["doc"]), c)
        if url_source:
            _attach(trello, conn, cid, {"url": url_source, "name": url_source}, c)
        if source is not None and "comments" in keep:
            for action in store.all(
                "SELECT * FROM trello_actions WHERE card_id = ? AND type = 'commentCard' ORDER BY date",
                (source["id"],),
            ):
                old = loads(action["doc"])
                _action(trello, conn, cid, "copyCommentCard", old["data"]["text"], old["idMemberCreator"], c.now)
    row = trello.card(cid)
    card = card_json(trello, row, c)
    card["attachments"] = trello.render_cards([row], c.now, {"attachments": "true"})[0]["attachments"]
    return json_response(200, card)


def card_update(trello: TrelloRecords, c: Call) -> Response:
    store = trello.store
    row = trello.card(c.params["id"])
    trello.require_writer(row["board_id"], c.me)
    a = c.args
    doc = loads(row["doc"]) or {}
    board_id, list_id, number = row["board_id"], row["list_id"], row["id_short"]
    if "idList" in a or "idBoard" in a:
        target = a.get("idList") or ""
        if target:
            if not ID_RE.match(target):
                raise invalid_value("idList")
            lst = store.one("SELECT * FROM trello_lists WHERE id = ?", (target.lower(),))
            if lst is None:
                raise invalid_value("idList")
        else:
            board = trello.board(a.get("idBoard") or "")
            lst = store.one(
                "SELECT * FROM trello_lists WHERE board_id = ? AND closed = 0 ORDER BY pos",
                (board["id"],),
            )
            if lst is None:
                raise invalid_value("idBoard")
        if lst["board_id"] != board_id:
            trello.require_writer(lst["board_id"], c.me)
            number = int(
                store.scalar(
                    "SELECT COALESCE(MAX(id_short), 0) + 1 FROM trello_cards WHERE board_id = ?",
                    (lst["board_id"],),
                )
            )
            doc["idLabels"] = _map_labels(trello, doc.get("idLabels", []), board_id, lst["board_id"])
            doc["idMembers"] = [m for m in doc.get("idMembers", []) if trello.membership(lst["board_id"], m)]
        board_id, list_id = lst["board_id"], lst["id"]
    if "name" in a:
        if not a["name"].strip():
            raise invalid_value("name")
        doc["name"] = a["name"]
    if "desc" in a:
        doc["desc"] = a["desc"]
    if "due" in a:
        doc["due"] = None if a["due"] in ("", "null") else {"at": _trello_due(a["due"])}
    if "dueComplete" in a:
        doc["dueComplete"] = a["dueComplete"].lower() == "true"
    if "idMembers" in a:
        members = id_list(a["idMembers"])
        _check_members(trello, members, board_id, "idMembers")
        doc["idMembers"] = members
    if "idLabels" in a:
        labels = id_list(a["idLabels"])
        _check_labels(trello, labels, board_id)
        doc["idLabels"] = labels
    closed = row["closed"]
    if "closed" in a:
        if a["closed"].lower() not in ("true", "false"):
            raise invalid_value("closed")
        closed = int(a["closed"].lower() == "true")
    doc["dateLastActivity"] = trello_time(c.now)
    with store.write() as conn:
        pos = row["pos"]
        if "pos" in a or list_id != row["list_id"]:
            pos = _position(conn, list_id, a.get("pos", "bottom"), exclude=row["id"])
        conn.execute(
            "UPDATE trello_cards SET board_id = ?, list_id = ?, id_short = ?, pos = ?, closed "
            "= ?, changed = ?, doc = ? "
            "WHERE id = ?",
            (board_id, list_id, number, pos, closed, c.now.timestamp(), dumps(doc), row["id"]),
        )
    return json_response(200, card_json(trello, trello.card(row["id"]), c))


def card_add_member(trello: TrelloRecords, c: Call) -> Response:
    store = trello.store
    row = trello.card(c.params["id"])
    trello.require_writer(row["board_id"], c.me)
    value = c.args.get("value") or ""
    if not ID_RE.match(value) or store.one("SELECT 1 FROM trello_members WHERE id = ?", (value.lower(),)) is None:
        raise invalid_value("value")
    _check_members(trello, [value.lower()], row["board_id"], "value")
    doc = loads(row["doc"]) or {}
    if value.lower() not in doc.get("idMembers", []):
        doc["idMembers"] = [*doc.get("idMembers", []), value.lower()]
        doc["dateLastActivity"] = trello_time(c.now)
        with store.write() as conn:
            conn.execute(
                "UPDATE trello_cards SET doc = ?, changed = ? WHERE id = ?",
                (dumps(doc), c.now.timestamp(), row["id"]),
            )
    members = [store.one("SELECT * FROM trello_members WHERE id = ?", (m,)) for m in doc["idMembers"]]
    return json_response(200, [trello.render_member(m) for m in members if m is not None])


# --- attachments, comments and actions ---------------------------------------------------------


def card_attachments(trello: TrelloRecords, c: Call) -> Response:
    row = trello.card(c.params["id"])
    rows = trello.store.all("SELECT doc FROM trello_attachments WHERE card_id = ? ORDER BY pos", (row["id"],))
    return json_response(200, [loads(r["doc"]) for r in rows])


def card_attach(trello: TrelloRecords, c: Call) -> Response:
    row = trello.card(c.params["id"])
    trello.require_writer(row["board_id"], c.me)
    link = c.args.get("url") or ""
    if not re.match(r"^https?://\S+$", link):
        raise invalid_value("url")
    with trello.store.write() as conn:
        attachment = _attach(
            trello,
            conn,
            row["id"],
            {
                "url": link,
                "name": c.args.get("name") or link,
                "mimeType": c.args.get("mimeType") or "",
            },
            c,
        )
    return json_response(200, attachment)


def card_comment(trello: TrelloRecords, c: Call) -> Response:
    row = trello.card(c.params["id"])
    trello.require_writer(row["board_id"], c.me)
    text = c.args.get("text") or ""
    if not text.strip():
        raise invalid_value("text")
    with trello.store.write() as conn:
        action_id = _action(trello, conn, row["id"], "commentCard", text, c.me["id"], c.now)
    action = trello.store.one("SELECT * FROM trello_actions WHERE id = ?", (action_id,))
    return json_response(200, _render_action(trello, action))  # type: ignore[arg-type]


def card_actions(trello: TrelloRecords, c: Call) -> Response:
    row = trello.card(c.params["id"])
    wanted = [f.strip() for f in (c.args.get("filter") or "commentCard").split(",") if f.strip()]
    rows = trello.store.all(
        "SELECT * FROM trello_actions WHERE card_id = ? ORDER BY date DESC, rowid DESC",
        (row["id"],),
    )
    if "all" not in wanted:
        rows = [r for r in rows if r["type"] in wanted]
    return json_response(200, [_render_action(trello, r) for r in rows])


def _render_action(trello: TrelloRecords, row: sqlite3.Row) -> dict[str, Any]:
    store = trello.store
    doc = loads(row["doc"])
    card = store.one("SELECT * FROM trello_cards WHERE id = ?", (row["card_id"],))
    creator = store.one("SELECT * FROM trello_members WHERE id = ?", (doc["idMemberCreator"],))
    data = dict(doc.get("data") or {})
    if card is not None:
        cdoc = loads(card["doc"]) or {}
        board = store.one("SELECT * FROM trello_boards WHERE id = ?", (card["board_id"],))
        lst = store.one("SELECT * FROM trello_lists WHERE id = ?", (card["list_id"],))
        data["card"] = {
            "id": card["id"],
            "name": cdoc.get("name"),
            "idShort": card["id_short"],
            "shortLink": card["short_link"],
        }
        if board is not None:
            data["board"] = {
                "id": board["id"],
                "name": (loads(board["doc"]) or {}).get("name"),
                "shortLink": board["short_link"],
            }
        if lst is not None:
            data["list"] = {"id": lst["id"], "name": lst["name"]}
    return {
        "id": row["id"],
        "idMemberCreator": doc["idMemberCreator"],
        "type": row["type"],
        "date": row["date"],
        "data": data,
        "memberCreator": trello.render_member(creator) if creator is not None else None,
    }


# --- helpers -------------------------------------------------------------------------------------


def _new_short_link(trello: TrelloRecords, conn: sqlite3.Connection) -> str:
    while True:
        link = "".join(trello.links.choice(SHORT_LINK_CHARS) for _ in range(8))
        if conn.execute("SELECT 1 FROM trello_cards WHERE short_link = ?", (link,)).fetchone() is None:
            return link


def _position(conn: sqlite3.Connection, list_id: str, pos: str, *, exclude: str | None) -> float:
    row = conn.execute(
        "SELECT MIN(pos), MAX(pos) FROM trello_cards WHERE list_id = ? AND id IS NOT ?",
        (list_id, exclude),
    ).fetchone()
    low, high = row[0], row[1]
    if pos == "top":
        return float(low) / 2 if low is not None else 16384.0
    if pos == "bottom":
        return float(high) + 16384 if high is not None else 16384.0
    try:
        value = float(pos)
    except ValueError:
        raise invalid_value("pos") from None
    if value < 0:
        raise invalid_value("pos")
    return value


def _check_labels(trello: TrelloRecords, labels: list[str], board_id: str) -> None:
    for label in labels:
        if (
            not ID_RE.match(label)
            or trello.store.one("SELECT 1 FROM trello_labels WHERE id = ? AND board_id = ?", (label, board_id)) is None
        ):
            raise invalid_value("idLabels")


def _check_members(trello: TrelloRecords, members: list[str], board_id: str, name: str) -> None:
    for member in members:
        if not ID_RE.match(member) or trello.membership(board_id, member) is None:
            raise invalid_value(name)


def _map_labels(trello: TrelloRecords, labels: list[str], from_board: str, to_board: str) -> list[str]:
    """Labels copied to another board become that board's labels of the same name."""
    if from_board == to_board:
        return list(labels)
    store = trello.store
    names = {r["id"]: r["name"] for r in store.all("SELECT * FROM trello_labels WHERE board_id = ?", (from_board,))}
    targets = {r["name"]: r["id"] for r in store.all("SELECT * FROM trello_labels WHERE board_id = ?", (to_board,))}
    return [targets[names[i]] for i in labels if i in names and names[i] in targets]


def _attach(
    trello: TrelloRecords, conn: sqlite3.Connection, card_id: str, data: dict[str, Any], c: Call
) -> dict[str, Any]:
    aid = trello_id(ATTACHMENT, trello.store.next_id(conn, "trello_attachment", 1))
    query = "SELECT COALESCE(MAX(pos), 0) FROM trello_attachments WHERE card_id = ?"
    top = conn.execute(query, (card_id,)).fetchone()[0]
    attachment = {
        "id": aid,
        "bytes": None,
        "date": trello_time(c.now),
        "edgeColor": None,
        "idMember": c.me["id"],
        "isUpload": False,
        "mimeType": data.get("mimeType", ""),
        "name": data.get("name") or data["url"],
        "previews": [],
        "url": data["url"],
        "pos": float(top) + 16384,
    }
    conn.execute(
        "INSERT INTO trello_attachments (id, card_id, pos, doc) VALUES (?, ?, ?, ?)",
        (aid, card_id, attachment["pos"], dumps(attachment)),
    )
    conn.execute(
        "UPDATE trello_cards SET changed = ?, doc = json_set(doc, '$.dateLastActivity', ?) WHERE id = ?",
        (c.now.timestamp(), trello_time(c.now), card_id),
    )
    return attachment


def _action(
    trello: TrelloRecords, conn: sqlite3.Connection, card_id: str, kind: str, text: str, creator: str, now: datetime
) -> str:
    aid = trello_id(ACTION, trello.store.next_id(conn, "trello_action", 1))
    date = trello_time(now)
    doc = {
        "id": aid,
        "idMemberCreator": creator,
        "type": kind,
        "date": date,
        "data": {"text": text},
    }
    conn.execute(
        "INSERT INTO trello_actions (id, card_id, type, date, doc) VALUES (?, ?, ?, ?, ?)",
        (aid, card_id, kind, date, dumps(doc)),
    )
    conn.execute(
        "UPDATE trello_cards SET changed = ?, doc = json_set(doc, '$.dateLastActivity', ?) WHERE id = ?",
        (now.timestamp(), date, card_id),
    )
    return aid


def _trello_due(value: str) -> str:
    parsed = timeutil.parse_iso(value)
    if parsed is None:
        raise invalid_value("due")
    return trello_time(parsed)


CARD_ROUTES: Routes = (
    ("POST", "/1/cards", card_create),
    ("GET", "/1/cards/{id}", card_show),
    ("PUT", "/1/cards/{id}", card_update),
    ("POST", "/1/cards/{id}/idMembers", card_add_member),
    ("GET", "/1/cards/{id}/attachments", card_attachments),
    ("POST", "/1/cards/{id}/attachments", card_attach),
    ("POST", "/1/cards/{id}/actions/comments", card_comment),
    ("GET", "/1/cards/{id}/actions", card_actions),
)
