"""Trello search, `GET /1/search`: every word (or "quoted phrase") in a card's name and
description or a board's name, over all boards, some, or `mine`. The index lags: a card created
or changed in the last minute is not found yet."""

from __future__ import annotations

import re
from typing import Any

from govpress_support.sandbox.store import loads
from govpress_support.sandbox.trello_records import Call, Routes, TrelloRecords, id_list, invalid_value
from govpress_support.sandbox.wire import Response, json_response

SEARCH_LAG = 60  # seconds before a new or changed card is in the search index


def search(trello: TrelloRecords, c: Call) -> Response:
    query = (c.args.get("query") or "").strip()
    if not query:
        raise invalid_value("query")
    types = [t.strip() for t in (c.args.get("modelTypes") or "all").split(",") if t.strip()]
    limit = _int_arg(c.args.get("cards_limit"), 10)
    if not 1 <= limit <= 1000:
        raise invalid_value("cards_limit")
    boards = id_list(c.args.get("idBoards")) if c.args.get("idBoards") not in (None, "", "mine") else None
    if c.args.get("idBoards") == "mine":
        boards = [
            r[0]
            for r in trello.store.all("SELECT board_id FROM trello_board_members WHERE member_id = ?", (c.me["id"],))
        ]
    words = [w.lower() for w in re.findall(r'"[^"]+"|\S+', query)]
    words = [w.strip('"') for w in words]
    cards: list[dict[str, Any]] = []
    if "all" in types or "cards" in types:
        sql = "SELECT * FROM trello_cards WHERE closed = 0 AND changed <= ?"
        params: list[Any] = [c.now.timestamp() - SEARCH_LAG]  # newer changes are not indexed yet
        if boards is not None:
            sql += f" AND board_id IN ({','.join('?' * len(boards)) or 'NULL'})"
            params.extend(boards)
        matches = []
        for row in trello.store.all(sql + " ORDER BY changed DESC", params):
            doc = loads(row["doc"]) or {}
            text = f"{doc.get('name', '')}\n{doc.get('desc', '')}".lower()
            if all(w in text for w in words):
                matches.append(row)
                if len(matches) >= limit:
                    break
        cards = trello.render_cards(matches, c.now, {})
    found_boards: list[dict[str, Any]] = []
    if "all" in types or "boards" in types:
        for row in trello.store.all("SELECT * FROM trello_boards"):
            if all(w in (loads(row["doc"]) or {}).get("name", "").lower() for w in words):
                found_boards.append(trello.render_board(row))
    options = {
        "terms": [{"text": w} for w in words],
        "modifiers": [],
        "modelTypes": types,
        "partial": (c.args.get("partial") or "false").lower() == "true",
    }
    return json_response(
        200,
        {
            "options": options,
            "cards": cards,
            "boards": found_boards,
            "members": [],
            "organizations": [],
        },
    )


def _int_arg(value: str | None, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise invalid_value("limit") from None


SEARCH_ROUTES: Routes = (("GET", "/1/search", search),)
